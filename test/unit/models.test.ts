import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTION_CONSTRAINT, ACTION_STOPS, endOfFirstAction } from '../../src/agent/protocol.ts';
import { chooseDevice, variantFor } from '../../src/models/device.ts';
import { E5, embedderFamilyFor, embedderFamilyOfConfig, IDEFICS3, QWEN2_5_VL, QWEN2_VL, QWEN3_VL, vlmFamilyFor, vlmFamilyOfConfig } from '../../src/models/families/index.ts';
import { folderFileUrl, LOCAL_FOLDER_HOST, modelFileUrl, parseModelFileUrl } from '../../src/models/hub.ts';
import { modelLoadError } from '../../src/models/load-errors.ts';
import { DownloadProgress } from '../../src/models/progress.ts';
import { customVlmEntry, downloadBytes, expectedFiles, findModel, MODELS, type ModelEntry, type VlmEntry } from '../../src/models/registry.ts';
import { endOfFirstStop } from '../../src/models/stop.ts';
import { continuesOpener, maskToOpeners, openerCandidates, pendingOpener } from '../../src/models/vlm/constrain.ts';

const OPENERS = ACTION_CONSTRAINT.openers;

describe('stop strings', () => {
  it('end the reply right after the first one, as the agent needs after its first action', () => {
    const text = '<think>t</think>\n<search>q</search>\n<image>';
    expect(text.slice(0, endOfFirstStop(text, ACTION_STOPS))).toBe('<think>t</think>\n<search>q</search>');
    expect(endOfFirstStop('<think>t</think><search>q</sea', ACTION_STOPS)).toBe(-1);
    expect(endOfFirstStop('<bbox>[1,2,3,4]</bbox><answer>x</answer>', ACTION_STOPS)).toBe('<bbox>[1,2,3,4]</bbox>'.length);
    expect(endOfFirstStop('<answer>x</answer>', [])).toBe(-1);
  });

  it('cut a protocol reply where the agent\'s own parser ends its first action', () => {
    for (const reply of ['<think>a</think>\n<search>q</search> more', '<think>a</think><bbox>[1, 2, 3, 4]</bbox><answer>x</answer>', '<answer>y</answer>']) {
      expect(endOfFirstStop(reply, ACTION_STOPS)).toBe(endOfFirstAction(reply));
    }
  });
});

describe('action-opener constraint', () => {
  it('applies only between </think> and a complete opener', () => {
    expect(pendingOpener('<think>still thinking', ACTION_CONSTRAINT)).toBeNull();
    expect(pendingOpener('<think>a</think>', ACTION_CONSTRAINT)).toBe('');
    expect(pendingOpener('<think>a</think>\n<sea', ACTION_CONSTRAINT)).toBe('\n<sea');
    expect(pendingOpener('<think>a</think>\n<search>q', ACTION_CONSTRAINT)).toBeNull();
  });

  it('allows whitespace, opener prefixes and whole openers; nothing else', () => {
    expect(continuesOpener('', '\n', OPENERS)).toBe(true);
    expect(continuesOpener('', '<', OPENERS)).toBe(true);
    expect(continuesOpener('\n<', 'bb', OPENERS)).toBe(true);
    expect(continuesOpener('', '<answer>', OPENERS)).toBe(true);
    expect(continuesOpener('', '<answer> Paris', OPENERS)).toBe(true);
    expect(continuesOpener('<sea', 'rch>The', OPENERS)).toBe(true);
    expect(continuesOpener('', 'The', OPENERS)).toBe(false);
    expect(continuesOpener('<s', 'x', OPENERS)).toBe(false);
    expect(continuesOpener('', '</think>', OPENERS)).toBe(false);
    expect(continuesOpener('', '', OPENERS)).toBe(false);
  });

  it('finds every token that can ever pass, and masks the rest at each step', () => {
    const vocab = ['<', 'search', '>', 'hello', ' ', '<bbox>', '</think>', 'rch>The', ''];
    const candidates = openerCandidates(vocab, OPENERS);
    expect(Array.from(candidates)).toEqual([0, 1, 2, 4, 5, 7]);
    const logits = new Float32Array(vocab.length).fill(1);
    maskToOpeners(logits, '', vocab, candidates, OPENERS);
    expect(Array.from(logits)).toEqual([1, -Infinity, -Infinity, -Infinity, 1, 1, -Infinity, -Infinity, -Infinity]);
    const next = new Float32Array(vocab.length).fill(1);
    maskToOpeners(next, '<', vocab, candidates, OPENERS);
    expect(Array.from(next)).toEqual([-Infinity, 1, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity]);
  });

  it('on the real Qwen vocabulary only a few hundred tokens are ever looked at', () => {
    const tokenizer = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../shared/models-metadata/qwen3-vl/tokenizer.json'), 'utf8')) as { model: { vocab: Record<string, number> } };
    // Byte-level pieces: 'Ġ' is a space; good enough to size the candidate set.
    const texts: string[] = [];
    for (const [piece, id] of Object.entries(tokenizer.model.vocab)) texts[id] = piece.replaceAll('Ġ', ' ').replaceAll('Ċ', '\n');
    const candidates = openerCandidates(texts, OPENERS);
    expect(texts.length).toBeGreaterThan(150_000);
    expect(candidates.length).toBeGreaterThan(20);
    expect(candidates.length).toBeLessThan(2_000);
  });
});

describe('DownloadProgress', () => {
  it('sums files into one progress with bytes and time left', () => {
    let t = 0;
    const p = new DownloadProgress({}, () => t);
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

  it('knows the whole total from the first byte when the file list is pinned', () => {
    const entry = findModel('qwen3-vl-2b')!;
    const p = new DownloadProgress(expectedFiles(entry, 'wasm'));
    const first = p.update({ status: 'progress', file: '/config.json', loaded: 100, total: 1961 });
    expect(first.totalBytes).toBe(downloadBytes(entry, 'wasm'));
    expect(first.fraction).toBeCloseTo(100 / downloadBytes(entry, 'wasm')!, 12);
  });
});

describe('device choice', () => {
  const gpu = { webgpu: true, shaderF16: true, fallbackAdapter: false };
  it('prefers WebGPU with f16, then WebGPU, then WASM; honours the override', () => {
    expect(chooseDevice(gpu)).toMatchObject({ device: 'webgpu', variant: 'webgpu-f16' });
    expect(chooseDevice({ ...gpu, shaderF16: false })).toMatchObject({ device: 'webgpu', variant: 'webgpu' });
    expect(chooseDevice({ webgpu: false, shaderF16: false, fallbackAdapter: false })).toMatchObject({ device: 'wasm' });
    expect(chooseDevice(gpu, 'wasm')).toMatchObject({ device: 'wasm', variant: 'wasm' });
    expect(chooseDevice({ webgpu: false, shaderF16: false, fallbackAdapter: false }, 'webgpu').reason).toMatch(/no WebGPU adapter/);
  });

  it('treats a software (fallback) adapter as no GPU, unless WebGPU is asked for', () => {
    const swiftShader = { webgpu: true, shaderF16: true, fallbackAdapter: true };
    expect(chooseDevice(swiftShader)).toMatchObject({ device: 'wasm', variant: 'wasm', reason: expect.stringMatching(/software/) });
    expect(chooseDevice(swiftShader, 'webgpu')).toMatchObject({ device: 'webgpu' });
  });

  it('falls back to WASM files when a model has none for the device', () => {
    const siglip = findModel('siglip2-base')!;
    expect(variantFor(siglip, chooseDevice({ ...gpu, shaderF16: false }))).toMatchObject({ device: 'wasm', name: 'wasm' });
    expect(variantFor(siglip, chooseDevice(gpu))).toMatchObject({ device: 'webgpu', name: 'webgpu-f16' });
  });
});

interface PinnedList {
  revision?: string;
  files?: { path: string; size: number }[];
}

const metadata = (dir: string) => JSON.parse(readFileSync(resolve(import.meta.dirname, `../../../shared/models-metadata/${dir}/onnx-files.json`), 'utf8')) as PinnedList;

describe('model registry', () => {
  it('has unique ids and honest grounding flags', () => {
    expect(new Set(MODELS.map((m) => m.id)).size).toBe(MODELS.length);
    const vlms = MODELS.filter((m): m is VlmEntry => m.kind === 'vlm');
    expect(vlms.find((m) => m.family === QWEN2_5_VL)?.family.convention).toBe('absolute');
    expect(vlms.find((m) => m.family === QWEN3_VL)?.family.convention).toBe('relative-1000');
    expect(vlms.filter((m) => m.family.name === 'SmolVLM').every((m) => !m.family.canCrop)).toBe(true);
    expect(MODELS.some((m) => /tiny|scripted|generated/.test(m.id))).toBe(false);
  });

  it('pins entries with a known file list to exactly those files, bytes included', () => {
    const pinned: [string, string][] = [
      ['qwen3-vl-2b', 'qwen3-vl'],
      ['smolvlm-256m', 'smolvlm-256m'],
      ['siglip2-base', 'siglip2-base-patch16-224'],
    ];
    for (const [id, dir] of pinned) {
      const entry = findModel(id)!;
      const list = metadata(dir);
      const known = new Map(list.files!.map((f) => [f.path, f.size]));
      // A list without a revision (Git LFS pointers of a clone) leaves the entry's revision unknown too.
      expect(entry.revision, id).toBe(list.revision ?? null);
      for (const variant of Object.values(entry.variants)) {
        for (const file of variant!.files) expect([id, file.path, file.bytes]).toEqual([id, file.path, known.get(file.path)]);
      }
    }
  });

  it('asks for the external data of every graph that has it, and sizes are sums of the files', () => {
    const qwen3 = findModel('qwen3-vl-2b')!;
    expect(qwen3.variants.wasm!.externalData).toEqual({ 'embed_tokens_q4.onnx': 1, 'vision_encoder_q4.onnx': 1, 'decoder_model_merged_q4.onnx': 1 });
    expect(downloadBytes(qwen3, 'wasm')).toBe(1_534_532_835 - 1_300); // the pinned 13 files less processor_config.json, which nothing reads
    const smol = findModel('smolvlm-256m')!;
    expect(Math.round(downloadBytes(smol, 'webgpu-f16')! / 1e6)).toBe(325); // 321 MB of ONNX + the tokenizer
    expect(Math.round(downloadBytes(smol, 'webgpu')! / 1e6)).toBe(578);
  });

  it('says how well each file list is known', () => {
    const status = (id: string) => (findModel(id) as ModelEntry).fileList;
    expect(status('qwen3-vl-2b')).toBe('exact');
    expect(status('smolvlm-256m')).toBe('exact');
    expect(status('qwen2-vl-2b')).toBe('unverified');
    expect(status('qwen2.5-vl-3b')).toBe('unverified');
    expect(status('smolvlm-500m')).toBe('unverified');
  });
});

describe('families', () => {
  it('are found by config.json model_type, XLM-R spelled as config.json writes it', () => {
    expect(vlmFamilyFor('qwen2_vl')).toBe(QWEN2_VL);
    expect(vlmFamilyFor('idefics3')?.canCrop).toBe(false);
    expect(vlmFamilyFor('llama')).toBeNull();
    expect(embedderFamilyFor('xlm-roberta')?.modality).toBe('text');
    expect(embedderFamilyFor('siglip')?.textPadding).toEqual({ padding: 'max_length', truncation: true, max_length: 64 });
  });

  it('nest a flat Qwen2.5-VL config (VRAG-RL checkpoints) the way transformers.js reads it', () => {
    const flat = { model_type: 'qwen2_5_vl', hidden_size: 2048, num_hidden_layers: 36, num_key_value_heads: 2, num_attention_heads: 16, vocab_size: 151936 };
    const nested = QWEN2_5_VL.normalizeConfig!(flat)!;
    expect(nested.text_config).toMatchObject({ model_type: 'qwen2_5_vl_text', hidden_size: 2048, num_hidden_layers: 36, num_key_value_heads: 2 });
    expect(QWEN2_5_VL.normalizeConfig!(nested)).toBeNull();
  });
});

describe('model files', () => {
  it('have one URL, the template transformers.js fills in, and it parses back', () => {
    const url = modelFileUrl('https://hf-mirror.example.org', 'onnx-community/Qwen3-VL-2B-Instruct-ONNX', 'onnx/embed_tokens_q4.onnx', '3e4136ea');
    expect(url).toBe('https://hf-mirror.example.org/onnx-community/Qwen3-VL-2B-Instruct-ONNX/resolve/3e4136ea/onnx/embed_tokens_q4.onnx');
    expect(parseModelFileUrl(url)).toEqual({ host: 'https://hf-mirror.example.org/', modelId: 'onnx-community/Qwen3-VL-2B-Instruct-ONNX', revision: '3e4136ea', path: 'onnx/embed_tokens_q4.onnx' });
    expect(modelFileUrl('https://huggingface.co/', 'org/m', 'config.json')).toBe('https://huggingface.co/org/m/resolve/main/config.json');
    expect(folderFileUrl('my-vrag', 'onnx/x.onnx')).toBe(`${LOCAL_FOLDER_HOST}my-vrag/resolve/main/onnx/x.onnx`);
    expect(parseModelFileUrl('https://example.org/assets/ort.wasm')).toBeNull();
  });
});

describe('families from config.json', () => {
  it('are looked up in one place, with an error that says what the app runs', () => {
    expect(vlmFamilyOfConfig({ model_type: 'qwen3_vl' }, 'm')).toBe(QWEN3_VL);
    expect(() => vlmFamilyOfConfig({ model_type: 'llama' }, 'me/llm')).toThrow('“me/llm” is a “llama” model; this app runs Qwen3-VL, Qwen2.5-VL, Qwen2-VL and SmolVLM exports for transformers.js.');
    expect(() => vlmFamilyOfConfig(null, 'x')).toThrow(/is a “” model/);
    expect(embedderFamilyOfConfig({ model_type: 'xlm-roberta' }, 'm', 'text')).toBe(E5);
    expect(() => embedderFamilyOfConfig({ model_type: 'siglip' }, 'm', 'text')).toThrow(/not a text \(BERT-like\) embedder/);
  });

  it('own their usual files: SmolVLM\'s registry entries and a typed SmolVLM hub id load the same dtypes', () => {
    const smol = findModel('smolvlm-256m')!;
    const typed = customVlmEntry('me/smolvlm', IDEFICS3);
    for (const name of ['webgpu-f16', 'webgpu', 'wasm'] as const) expect(typed.variants[name]!.dtype).toEqual(smol.variants[name]!.dtype);
    expect(Object.keys(findModel('smolvlm-500m')!.variants)).toEqual(['webgpu-f16', 'wasm']);
    expect(customVlmEntry('me/qwen2', QWEN2_VL).variants.wasm!.dtype).toEqual(findModel('qwen2-vl-2b')!.variants.wasm!.dtype);
  });
});

describe('custom hub ids', () => {
  it('get the family\'s usual files, marked unverified', () => {
    expect(customVlmEntry('me/vrag-7b-onnx', QWEN2_5_VL)).toMatchObject({ hubId: 'me/vrag-7b-onnx', family: QWEN2_5_VL, fileList: 'unverified' });
    expect(customVlmEntry('me/qwen3', QWEN3_VL).variants['webgpu-f16']!.dtype.decoder_model_merged).toBe('q4f16');
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
