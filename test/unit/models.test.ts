import { describe, expect, it } from 'vitest';
import { endOfFirstAction } from '../../src/agent/protocol.ts';
import { customVlmEntry, findModel, MODELS, type VlmEntry } from '../../src/models/config.ts';
import { chooseDevice, dtypesFor } from '../../src/models/device.ts';
import { modelLoadError } from '../../src/models/load-errors.ts';
import { DownloadProgress } from '../../src/models/progress.ts';
import { continuesOpener, maskToOpeners, pendingOpener } from '../../src/models/vlm/constrain.ts';

describe('stopping after the first action', () => {
  it('finds the end of the first complete action', () => {
    const text = '<think>t</think>\n<search>q</search>\n<image>';
    expect(text.slice(0, endOfFirstAction(text))).toBe('<think>t</think>\n<search>q</search>');
    expect(endOfFirstAction('<think>t</think><search>q</sea')).toBe(-1);
    expect(endOfFirstAction('<bbox>[1,2,3,4]</bbox><answer>x</answer>')).toBe('<bbox>[1,2,3,4]</bbox>'.length);
  });
});

describe('action-opener constraint', () => {
  it('applies only between </think> and a complete opener', () => {
    expect(pendingOpener('<think>still thinking')).toBeNull();
    expect(pendingOpener('<think>a</think>')).toBe('');
    expect(pendingOpener('<think>a</think>\n<sea')).toBe('\n<sea');
    expect(pendingOpener('<think>a</think>\n<search>q')).toBeNull();
  });

  it('allows whitespace, opener prefixes and whole openers; nothing else', () => {
    expect(continuesOpener('', '\n')).toBe(true);
    expect(continuesOpener('', '<')).toBe(true);
    expect(continuesOpener('\n<', 'bb')).toBe(true);
    expect(continuesOpener('', '<answer>')).toBe(true);
    expect(continuesOpener('', '<answer> Paris')).toBe(true);
    expect(continuesOpener('', 'The')).toBe(false);
    expect(continuesOpener('<s', 'x')).toBe(false);
    expect(continuesOpener('', '</think>')).toBe(false);
    expect(continuesOpener('', '')).toBe(false);
  });

  it('masks the disallowed logits', () => {
    const vocab = ['<', 'search', '>', 'hello', ' ', '<bbox>', '</think>'];
    const logits = new Float32Array(vocab.length).fill(1);
    maskToOpeners(logits, '', vocab);
    expect(Array.from(logits)).toEqual([1, -Infinity, -Infinity, -Infinity, 1, 1, -Infinity]);
    const next = new Float32Array(vocab.length).fill(1);
    maskToOpeners(next, '<', vocab);
    expect(Array.from(next)).toEqual([-Infinity, 1, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity]);
  });
});

describe('DownloadProgress', () => {
  it('sums files into one progress with bytes and time left', () => {
    let t = 0;
    const p = new DownloadProgress(() => t);
    p.update({ status: 'initiate', file: 'a.onnx' });
    p.update({ status: 'progress', file: 'a.onnx', loaded: 0, total: 1000 });
    t = 1000;
    p.update({ status: 'progress', file: 'b.onnx', loaded: 100, total: 1000 });
    const s = p.update({ status: 'progress', file: 'a.onnx', loaded: 400, total: 1000 });
    expect(s).toMatchObject({ loadedBytes: 500, totalBytes: 2000, fraction: 0.25, files: 2 });
    expect(s.secondsLeft).toBeCloseTo(3, 5); // 500 B/s, 1500 B left
    p.update({ status: 'done', file: 'a.onnx' });
    expect(p.update({ status: 'done', file: 'b.onnx' })).toMatchObject({ loadedBytes: 2000, fraction: 1, secondsLeft: 0 });
  });

  it('has no fraction before any size is known', () => {
    expect(new DownloadProgress().update({ status: 'initiate', file: 'x' })).toMatchObject({ fraction: null, secondsLeft: null });
  });
});

describe('device choice', () => {
  const qwen = findModel('qwen3-vl-2b') as VlmEntry;
  it('prefers WebGPU with f16, then WebGPU q4, then WASM; honours the override', () => {
    expect(chooseDevice({ webgpu: true, shaderF16: true })).toMatchObject({ device: 'webgpu', f16: true });
    expect(chooseDevice({ webgpu: true, shaderF16: false })).toMatchObject({ device: 'webgpu', f16: false });
    expect(chooseDevice({ webgpu: false, shaderF16: false })).toMatchObject({ device: 'wasm' });
    expect(chooseDevice({ webgpu: true, shaderF16: true }, 'wasm')).toMatchObject({ device: 'wasm' });
    expect(chooseDevice({ webgpu: false, shaderF16: false }, 'webgpu').reason).toMatch(/no WebGPU adapter/);
    expect(dtypesFor(qwen, chooseDevice({ webgpu: true, shaderF16: true })).decoder_model_merged).toBe('q4f16');
    expect(dtypesFor(qwen, chooseDevice({ webgpu: true, shaderF16: false })).decoder_model_merged).toBe('q4');
  });
});

describe('model registry', () => {
  it('has unique ids, a default VLM per family and honest grounding flags', () => {
    expect(new Set(MODELS.map((m) => m.id)).size).toBe(MODELS.length);
    const vlms = MODELS.filter((m): m is VlmEntry => m.kind === 'vlm');
    expect(vlms.find((m) => m.family === 'qwen2_5_vl')?.vision.convention).toBe('absolute');
    expect(vlms.find((m) => m.family === 'qwen3_vl')?.vision.convention).toBe('relative-1000');
    expect(vlms.filter((m) => m.family === 'smolvlm').every((m) => !m.vision.canCrop)).toBe(true);
    expect(MODELS.some((m) => m.id.startsWith('tiny'))).toBe(false);
  });
});

describe('custom hub ids', () => {
  it('get a registry entry from their config.json model_type, or none for other families', () => {
    expect(customVlmEntry('me/vrag-7b-onnx', 'qwen2_5_vl')).toMatchObject({ hubId: 'me/vrag-7b-onnx', family: 'qwen2_5_vl', vision: { convention: 'absolute', canCrop: true } });
    expect(customVlmEntry('me/qwen3', 'qwen3_vl')?.dtypes.f16.decoder_model_merged).toBe('q4f16');
    expect(customVlmEntry('me/smol', 'idefics3')).toMatchObject({ family: 'smolvlm', vision: { canCrop: false } });
    expect(customVlmEntry('me/llama', 'llama')).toBeNull();
  });
});

describe('model load errors', () => {
  it('tells a missing model from a damaged one', () => {
    expect(modelLoadError('m', new Error('Could not locate file: "x/config.json"')).code).toBe('model-missing');
    expect(modelLoadError('m', new SyntaxError(`Unexpected token '<', "<!doctype "... is not valid JSON`)).code).toBe('model-missing');
    expect(modelLoadError('m', new Error('Failed to load model because protobuf parsing failed.')).code).toBe('model-corrupt');
    expect(modelLoadError('m', new Error('something else')).code).toBe('model-failed');
  });
});
