import { describe, expect, it } from 'vitest';
import { folderVariant, usesF16 } from '../../src/models/folder-dtype.ts';
import type { Policy } from '../../src/agent/types.ts';
import { answererInStyle, answerOptions, generationFor, modelKey, promptStyleFor, withPromptStyle } from '../../src/session/options.ts';
import { askShortcut, formatBytes, formatDuration } from '../../src/ui/format.ts';
import { DEFAULT_SETTINGS, loadSettings, saveSettings, SETTINGS_KEY, validateSettings, type StorageLike } from '../../src/ui/settings-store.ts';
import { describeMatches, matchedTerms, snippet } from '../../src/ui/snippet.ts';

const memory = (initial: Record<string, string> = {}): StorageLike & { data: Record<string, string> } => {
  const data = { ...initial };
  return { data, getItem: (k) => data[k] ?? null, setItem: (k, v) => void (data[k] = v) };
};

describe('settings store', () => {
  it('round-trips valid settings and starts from the defaults', () => {
    const storage = memory();
    expect(loadSettings(storage)).toEqual(DEFAULT_SETTINGS);
    const changed = { ...DEFAULT_SETTINGS, topK: 3, weights: { bm25: 0, textDense: 2, imageDense: 1 } };
    saveSettings(storage, changed);
    expect(loadSettings(storage)).toEqual(changed);
  });

  it('ignores unreadable, foreign or invalid saved data', () => {
    expect(loadSettings(memory({ [SETTINGS_KEY]: '{not json' }))).toEqual(DEFAULT_SETTINGS);
    expect(loadSettings(memory({ [SETTINGS_KEY]: JSON.stringify({ topK: 'ten', extra: 1 }) }))).toEqual(DEFAULT_SETTINGS);
    expect(loadSettings(memory({ [SETTINGS_KEY]: JSON.stringify({ maxActions: 0 }) }))).toEqual(DEFAULT_SETTINGS);
    // Keys missing from an older save take their defaults.
    expect(loadSettings(memory({ [SETTINGS_KEY]: JSON.stringify({ topK: 7 }) }))).toEqual({ ...DEFAULT_SETTINGS, topK: 7 });
  });

  it('explains every invalid value and refuses to save', () => {
    const bad = { ...DEFAULT_SETTINGS, maxActions: 1.5, minVisualTokens: 2, modelHost: 'ftp://x', remote: { ...DEFAULT_SETTINGS.remote, enabled: true } };
    expect(validateSettings(bad)).toEqual([
      'Max actions must be a whole number from 1 to 50.',
      'Min image tokens must be a whole number from 4 to 16384.',
      'Model host must be an http:// or https:// address, e.g. https://huggingface.co/.',
      'To use the remote endpoint, enter its URL and the model name it serves.',
    ]);
    expect(() => saveSettings(memory(), bad)).toThrow(/Max actions/);
  });
});

describe('prompt format per model', () => {
  it('is kept per model key in the settings, vrag unless chosen, model ids staying data', () => {
    const storage = memory();
    let settings = { ...DEFAULT_SETTINGS, promptStyles: withPromptStyle(DEFAULT_SETTINGS, 'onnx-community/Qwen3-VL-2B-Instruct-ONNX', 'tools') };
    settings = { ...settings, promptStyles: withPromptStyle(settings, '__proto__', 'tools') };
    settings = { ...settings, promptStyles: withPromptStyle(settings, modelKey({ endpoint: { endpoint: 'http://gpu:8000/v1', model: 'vrag-7b' } }), 'tools') };
    saveSettings(storage, settings);
    const styles = answerOptions(loadSettings(storage)).promptStyles;
    expect(promptStyleFor(styles, 'onnx-community/Qwen3-VL-2B-Instruct-ONNX')).toBe('tools');
    expect(promptStyleFor(styles, '__proto__')).toBe('tools');
    expect(promptStyleFor(styles, 'remote:vrag-7b')).toBe('tools');
    expect(promptStyleFor(styles, 'constructor')).toBe('vrag');
    expect(promptStyleFor(styles, 'onnx-community/Qwen2.5-VL-3B-Instruct-ONNX')).toBe('vrag');
    // Back to vrag, the default: the model is no longer listed.
    expect(withPromptStyle(settings, '__proto__', 'vrag').map(([key]) => key)).toEqual(['onnx-community/Qwen3-VL-2B-Instruct-ONNX', 'remote:vrag-7b']);
    const bad = JSON.stringify({ ...settings, promptStyles: [['some-model', 'json']] });
    expect(loadSettings(memory({ [SETTINGS_KEY]: bad }))).toEqual(DEFAULT_SETTINGS);
    expect(validateSettings(JSON.parse(bad))).toEqual(['A prompt format must be VRAG ("vrag") or tool calls in JSON ("tools").']);
  });

  it('dresses the answerer in its style: tools talks JSON and generates unconstrained, vrag leaves it as it is', () => {
    const policy: Policy = { name: 'general', vision: {} as Policy['vision'], reply: async () => '{"think": "", "answer": "4"}' };
    const answerer = { policy, sampling: null, label: 'General' };
    expect(answererInStyle(answerer, 'vrag')).toBe(answerer);
    const tools = answererInStyle(answerer, 'tools');
    expect(tools.policy.promptStyle).toBe('tools');
    expect(tools.sampling).toBeNull();
    expect(tools.label).toBe('General');
    const generation = { maxNewTokens: 64, visualTokens: { min: 256, max: 512 }, constrainActions: true };
    expect(generationFor(generation, 'vrag')).toBe(generation);
    expect(generationFor(generation, 'tools')).toEqual({ ...generation, constrainActions: false });
  });
});

describe('model folder variants', () => {
  const sessions = ['embed_tokens', 'vision_encoder', 'decoder_model_merged'];
  const paths = ['config.json', 'onnx/embed_tokens.onnx', 'onnx/embed_tokens_fp16.onnx', 'onnx/vision_encoder.onnx', 'onnx/vision_encoder_fp16.onnx', 'onnx/decoder_model_merged_q4.onnx', 'onnx/decoder_model_merged_q4f16.onnx'];
  it('prefers f16 variants on WebGPU with f16 shaders and q4/f32 elsewhere', () => {
    const f16 = folderVariant(paths, true, sessions)!;
    expect(f16.dtype).toEqual({ embed_tokens: 'fp16', vision_encoder: 'fp16', decoder_model_merged: 'q4f16' });
    expect(usesF16(f16.dtype)).toBe(true);
    const f32 = folderVariant(paths, false, sessions)!;
    expect(f32.dtype).toEqual({ embed_tokens: 'fp32', vision_encoder: 'fp32', decoder_model_merged: 'q4' });
    expect(usesF16(f32.dtype)).toBe(false);
  });
  it('finds external data files, in as many chunks as the folder holds', () => {
    const q4 = ['onnx/embed_tokens_q4.onnx', 'onnx/embed_tokens_q4.onnx_data', 'onnx/vision_encoder_q4.onnx', 'onnx/decoder_model_merged_q4.onnx', 'onnx/decoder_model_merged_q4.onnx_data', 'onnx/decoder_model_merged_q4.onnx_data_1'];
    expect(folderVariant(q4, false, sessions)!.externalData).toEqual({ 'embed_tokens_q4.onnx': 1, 'decoder_model_merged_q4.onnx': 2 });
  });
  it('is null when a needed file has no variant', () => {
    expect(folderVariant(['onnx/embed_tokens.onnx'], false, sessions)).toBeNull();
  });
});

describe('formatting', () => {
  it('bytes and durations read naturally', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(12_300_000)).toBe('12.3 MB');
    expect(formatBytes(10.7e9)).toBe('10.7 GB');
    expect(formatDuration(42.2)).toBe('43 s');
    expect(formatDuration(125)).toBe('2 min 5 s');
    expect(formatDuration(3 * 3600 + 120)).toBe('3 h 2 min');
  });

  it('the Ask shortcut is written as the platform writes it', () => {
    for (const mac of ['macOS', 'MacIntel', 'iPad', 'iPhone']) expect(askShortcut(mac)).toEqual({ hint: '⌘+Enter', keys: 'Meta+Enter' });
    for (const other of ['Linux x86_64', 'Win32', 'Windows', 'Android', '']) expect(askShortcut(other)).toEqual({ hint: 'Ctrl+Enter', keys: 'Control+Enter' });
  });
});

describe('search snippets', () => {
  it('shows the passage around the first query word, with every query word marked', () => {
    const text = `${'Intro words. '.repeat(30)}Online travel revenues grew 12% while offline travel fell.`;
    const parts = snippet(text, 'online travel revenue', 80);
    expect(parts[0]).toEqual({ text: '…', match: false });
    expect(parts.filter((p) => p.match).map((p) => p.text)).toEqual(['Online', 'travel', 'revenues', 'travel']);
    expect(parts.map((p) => p.text).join('')).toContain('Online travel revenues grew 12%');
  });
  it('marks only what the search matched: never a word that merely starts like a query word', () => {
    const marked = (parts: { text: string; match: boolean }[]) => parts.filter((p) => p.match).map((p) => p.text);
    expect(marked(snippet('The mind of India: industry and distributed trips.', 'India trips'))).toEqual(['India', 'trips']);
    expect(marked(snippet('SPEAKERS BRENDANHODGSON and others', 'Hodgson', 160, matchedTerms([{ terms: ['brendanhodgson'] }])))).toEqual(['BRENDANHODGSON']);
    expect(describeMatches([{ word: 'India', similar: false }, { word: 'advertsing', similar: true }])).toBe('the words India; similar spelling: advertsing');
  });
  it('shows the start of the page when no word is on it, and nothing for an empty page', () => {
    expect(snippet('Alpha beta gamma.', 'zebra')).toEqual([{ text: 'Alpha beta gamma.', match: false }]);
    expect(snippet('', 'zebra')).toEqual([]);
  });
});
