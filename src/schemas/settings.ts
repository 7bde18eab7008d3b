/**
 * The user's settings: one schema gives the defaults, the checks (with a sentence each), the form's
 * limits and the type. Saved settings are read through it, so old or foreign data cannot break the app.
 */
import * as v from 'valibot';
import { DEFAULT_AGENT_CONFIG } from './agent-config.ts';
import { VRAG_VISUAL_TOKENS } from '../models/families/types.ts';
import { BBOX_CONVENTIONS } from '../shapes.ts';
import { decimal, wholeNumber } from './parse.ts';
import { PROMPT_STYLES } from './prompt-style.ts';

const weight = (label: string) => decimal(label, 0, 10, ' (0 turns the signal off)');

/** The name each field goes by in the schema's sentences (the settings form shows its own label instead). */
export const FIELD_NAMES = {
  maxActions: 'Max actions',
  topK: 'Top-k',
  bm25: 'BM25 weight',
  textDense: 'Text embedding weight',
  imageDense: 'Image embedding weight',
  minVisualTokens: 'Min image tokens',
  maxVisualTokens: 'Max image tokens',
  maxNewTokens: 'Max new tokens',
  bestOfN: 'Best-of-N samples',
  modelHost: 'Model host',
} as const;

export const SETTINGS_FIELDS = {
  maxActions: wholeNumber(FIELD_NAMES.maxActions, 1, 50),
  topK: wholeNumber(FIELD_NAMES.topK, 1, 100),
  bm25: weight(FIELD_NAMES.bm25),
  textDense: weight(FIELD_NAMES.textDense),
  imageDense: weight(FIELD_NAMES.imageDense),
  minVisualTokens: wholeNumber(FIELD_NAMES.minVisualTokens, 4, 16384),
  maxVisualTokens: wholeNumber(FIELD_NAMES.maxVisualTokens, 4, 16384),
  maxNewTokens: wholeNumber(FIELD_NAMES.maxNewTokens, 1, 8192),
  bestOfN: wholeNumber(FIELD_NAMES.bestOfN, 1, 16),
};

const HOST = v.pipe(v.string(), v.regex(/^https?:\/\/\S+$/, `${FIELD_NAMES.modelHost} must be an http:// or https:// address, e.g. https://huggingface.co/.`));

const REMOTE = v.pipe(
  v.object({
    enabled: v.optional(v.boolean(), false),
    endpoint: v.optional(v.string(), ''),
    apiKey: v.optional(v.string(), ''),
    model: v.optional(v.string(), ''),
    /** How the served model writes boxes: Qwen2.5-VL (VRAG-RL's checkpoints) in pixels, Qwen2-VL and Qwen3-VL on a 0..1000 grid, some servers in 0..1. */
    boxes: v.optional(v.picklist(BBOX_CONVENTIONS, 'Remote boxes must be pixels, 0..1000 or 0..1.'), 'absolute'),
  }),
  v.check((r) => !r.enabled || (r.endpoint.trim() !== '' && r.model.trim() !== ''), 'To use the remote endpoint, enter its URL and the model name it serves.'),
);

export const SettingsSchema = v.pipe(
  v.object({
    maxActions: v.optional(SETTINGS_FIELDS.maxActions, DEFAULT_AGENT_CONFIG.maxActions),
    topK: v.optional(SETTINGS_FIELDS.topK, DEFAULT_AGENT_CONFIG.topK),
    weights: v.optional(
      v.object({
        bm25: v.optional(SETTINGS_FIELDS.bm25, 1),
        textDense: v.optional(SETTINGS_FIELDS.textDense, 1),
        imageDense: v.optional(SETTINGS_FIELDS.imageDense, 1),
      }),
      { bm25: 1, textDense: 1, imageDense: 1 },
    ),
    /** Visual tokens per image the model sees (VRAG-RL: 256 to 512); each family turns them into pixels on its own grid. */
    minVisualTokens: v.optional(SETTINGS_FIELDS.minVisualTokens, VRAG_VISUAL_TOKENS.min),
    maxVisualTokens: v.optional(SETTINGS_FIELDS.maxVisualTokens, VRAG_VISUAL_TOKENS.max),
    /** Hub host (or mirror) models are downloaded from. */
    modelHost: v.optional(HOST, 'https://huggingface.co/'),
    device: v.optional(v.picklist(['auto', 'webgpu', 'wasm'], 'Device must be Automatic, WebGPU or WASM.'), 'auto'),
    maxNewTokens: v.optional(SETTINGS_FIELDS.maxNewTokens, 512),
    bestOfN: v.optional(SETTINGS_FIELDS.bestOfN, 1),
    constrainActions: v.optional(v.boolean(), false),
    remote: v.optional(REMOTE, { enabled: false, endpoint: '', apiKey: '', model: '', boxes: 'absolute' }),
    /**
     * The prompt format chosen for each model, as [model key, style] pairs (a Map's entries: model
     * ids are data, never object keys); a model not listed is talked to in `vrag`. The key is the
     * loaded model's id, or `remote:<served model name>` for the endpoint (src/session/options.ts).
     */
    promptStyles: v.optional(v.array(v.tuple([v.string(), v.picklist(PROMPT_STYLES, 'A prompt format must be VRAG ("vrag") or tool calls in JSON ("tools").')]), 'Prompt formats must be a list of [model, "vrag" or "tools"] pairs.'), []),
  }),
  v.check((s) => s.maxVisualTokens >= s.minVisualTokens, 'Max image tokens must be at least Min image tokens.'),
);

export type Settings = v.InferOutput<typeof SettingsSchema>;

/** Every problem with a settings draft, one sentence each; empty when it can be saved. */
export function settingsProblems(value: unknown): string[] {
  const result = v.safeParse(SettingsSchema, value);
  return result.success ? [] : [...new Set(result.issues.map((i) => i.message))];
}

export function parseSettings(value: unknown): Settings | null {
  const result = v.safeParse(SettingsSchema, value);
  return result.success ? result.output : null;
}

export const DEFAULT_SETTINGS: Settings = v.parse(SettingsSchema, {});
