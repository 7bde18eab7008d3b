/**
 * What the Qwen-VL families share: three ONNX sessions, images resized by `smart_resize` to
 * multiples of patch x merge pixels (one visual token per merge x merge patches).
 */
import type { BBoxConvention } from '../../shapes.ts';
import type { VlmFamily } from './types.ts';

const SESSIONS = ['embed_tokens', 'vision_encoder', 'decoder_model_merged'];

/** onnx-community's Qwen-VL exports: q4f16 on f16 WebGPU, a q4 decoder with fp32 vision elsewhere, 8-bit vision on WASM. */
const DTYPES: VlmFamily['dtypes'] = {
  'webgpu-f16': { embed_tokens: 'fp16', vision_encoder: 'q4f16', decoder_model_merged: 'q4f16' },
  webgpu: { embed_tokens: 'fp32', vision_encoder: 'fp32', decoder_model_merged: 'q4' },
  wasm: { embed_tokens: 'fp16', vision_encoder: 'q8', decoder_model_merged: 'q4' },
};

/** The language model's fields that transformers.js reads from `text_config` for Qwen2.5-VL and Qwen3-VL. */
const TEXT_FIELDS = [
  'hidden_size',
  'intermediate_size',
  'num_attention_heads',
  'num_key_value_heads',
  'num_hidden_layers',
  'head_dim',
  'vocab_size',
  'max_position_embeddings',
  'rope_theta',
  'rope_scaling',
  'rms_norm_eps',
  'bos_token_id',
  'eos_token_id',
  'tie_word_embeddings',
] as const;

/**
 * Checkpoints saved by transformers before 4.52 (the VRAG-RL ones among them) keep Qwen2.5-VL's
 * language model sizes at the top of config.json; transformers.js reads them from `text_config`
 * and fails on such a config. The fields are copied there, as newer transformers writes them.
 */
function nestTextConfig(config: Record<string, unknown>): Record<string, unknown> | null {
  if (config.text_config || config.num_hidden_layers === undefined) return null;
  const text: Record<string, unknown> = { model_type: `${String(config.model_type)}_text` };
  for (const field of TEXT_FIELDS) if (config[field] !== undefined) text[field] = config[field];
  return { ...config, text_config: text };
}

export function qwenVlFamily(spec: {
  name: string;
  modelTypes: readonly string[];
  patchSize: number;
  mergeSize: number;
  convention: BBoxConvention;
  chatTemplateFile?: string;
  /** transformers.js reads this family's language model sizes from `text_config`. */
  nestsTextConfig?: boolean;
}): VlmFamily {
  const factor = spec.patchSize * spec.mergeSize;
  return {
    kind: 'vlm',
    name: spec.name,
    modelTypes: spec.modelTypes,
    convention: spec.convention,
    canCrop: true,
    sessions: SESSIONS,
    dtypes: DTYPES,
    inputs: 'qwen-vl',
    pixelBounds: (tokens) => ({ minPixels: tokens.min * factor * factor, maxPixels: tokens.max * factor * factor, factor }),
    ...(spec.chatTemplateFile ? { chatTemplateFile: spec.chatTemplateFile } : {}),
    ...(spec.nestsTextConfig ? { normalizeConfig: nestTextConfig } : {}),
  };
}
