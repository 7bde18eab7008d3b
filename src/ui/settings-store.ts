/**
 * The user's settings: defaults, validation and persistence in a Storage (localStorage in the
 * app). Pure: no DOM, so it is unit-tested in Node with any Storage-like object.
 */
import { DEFAULT_AGENT_CONFIG } from '../agent/types.ts';
import type { DeviceOverride } from '../models/device.ts';
import { DEFAULT_SOURCE } from '../models/env.ts';
import { VRAG_VISUAL_TOKENS } from '../models/families/types.ts';

export interface Settings {
  maxActions: number;
  topK: number;
  weights: { bm25: number; textDense: number; imageDense: number };
  /** Visual tokens per image the model sees (VRAG-RL: 256 to 512); each family turns them into pixels on its own grid. */
  minVisualTokens: number;
  maxVisualTokens: number;
  /** Hub host (or mirror) models are downloaded from. */
  modelHost: string;
  device: DeviceOverride;
  maxNewTokens: number;
  bestOfN: number;
  constrainActions: boolean;
  remote: { enabled: boolean; endpoint: string; apiKey: string; model: string };
}

export const DEFAULT_SETTINGS: Settings = {
  maxActions: DEFAULT_AGENT_CONFIG.maxActions,
  topK: DEFAULT_AGENT_CONFIG.topK,
  weights: { bm25: 1, textDense: 1, imageDense: 1 },
  minVisualTokens: VRAG_VISUAL_TOKENS.min,
  maxVisualTokens: VRAG_VISUAL_TOKENS.max,
  modelHost: DEFAULT_SOURCE.remoteHost,
  device: 'auto',
  maxNewTokens: 512,
  bestOfN: 1,
  constrainActions: false,
  remote: { enabled: false, endpoint: '', apiKey: '', model: '' },
};

export const SETTINGS_KEY = 'vrag-settings';

export type StorageLike = Pick<Storage, 'getItem' | 'setItem'>;

/** Problems with a settings draft, one sentence each; empty when it can be saved. */
export function validateSettings(s: Settings): string[] {
  const problems: string[] = [];
  const whole = (value: number, min: number, max: number, name: string) => {
    if (!Number.isInteger(value) || value < min || value > max) problems.push(`${name} must be a whole number from ${min} to ${max}.`);
  };
  whole(s.maxActions, 1, 50, 'Max actions');
  whole(s.topK, 1, 100, 'Top-k');
  whole(s.bestOfN, 1, 16, 'Best-of-N samples');
  whole(s.maxNewTokens, 1, 8192, 'Max new tokens');
  for (const [name, w] of [['BM25 weight', s.weights.bm25], ['Text embedding weight', s.weights.textDense], ['Image embedding weight', s.weights.imageDense]] as const) {
    if (!(w >= 0 && w <= 10)) problems.push(`${name} must be between 0 and 10 (0 turns the signal off).`);
  }
  whole(s.minVisualTokens, 4, 16384, 'Min image tokens');
  whole(s.maxVisualTokens, 4, 16384, 'Max image tokens');
  if (!(s.maxVisualTokens >= s.minVisualTokens)) problems.push('Max image tokens must be at least Min image tokens.');
  if (!['auto', 'webgpu', 'wasm'].includes(s.device)) problems.push('Device must be Automatic, WebGPU or WASM.');
  if (!/^https?:\/\/\S+$/.test(s.modelHost)) problems.push('Model host must be an http:// or https:// address, e.g. https://huggingface.co/.');
  if (s.remote.enabled && (!s.remote.endpoint.trim() || !s.remote.model.trim())) {
    problems.push('To use the remote endpoint, enter its URL and the model name it serves.');
  }
  return problems;
}

/** Reads saved settings over the defaults; anything unreadable or invalid falls back to the defaults. */
export function loadSettings(storage: StorageLike): Settings {
  let saved: unknown;
  try {
    saved = JSON.parse(storage.getItem(SETTINGS_KEY) ?? 'null');
  } catch {
    return structuredClone(DEFAULT_SETTINGS);
  }
  const merged = merge(DEFAULT_SETTINGS, saved);
  return validateSettings(merged).length === 0 ? merged : structuredClone(DEFAULT_SETTINGS);
}

export function saveSettings(storage: StorageLike, settings: Settings): void {
  const problems = validateSettings(settings);
  if (problems.length) throw new Error(problems.join(' '));
  storage.setItem(SETTINGS_KEY, JSON.stringify(settings));
}

/** Copies the values of `saved` whose type matches the default's, key by key (so old or foreign data cannot break the app). */
function merge<T>(defaults: T, saved: unknown): T {
  if (typeof defaults !== 'object' || defaults === null) return (typeof saved === typeof defaults ? saved : defaults) as T;
  const out = { ...defaults } as Record<string, unknown>;
  if (typeof saved !== 'object' || saved === null) return structuredClone(defaults);
  for (const [key, value] of Object.entries(defaults as Record<string, unknown>)) {
    out[key] = merge(value, (saved as Record<string, unknown>)[key]);
  }
  return out as T;
}
