/**
 * The one registry of models a user can pick (like web-llm's config). Sizes are the download for
 * the listed dtype, rounded; every file is fetched from the configured hub host or a local folder.
 */
import type { VisionSpec } from '../agent/types.ts';
import { DEFAULT_PIXEL_BOUNDS } from '../perception/geometry.ts';

/** transformers.js dtypes used here, per ONNX file. */
export type DType = 'fp32' | 'fp16' | 'q8' | 'q4' | 'q4f16';

export interface VlmEntry {
  kind: 'vlm';
  id: string;
  label: string;
  hubId: string;
  /** transformers.js model family (config.model_type). */
  family: 'qwen3_vl' | 'qwen2_5_vl' | 'qwen2_vl' | 'smolvlm';
  /** dtype per ONNX file, on WebGPU with shader-f16 / without / on WASM. */
  dtypes: { f16: Record<string, DType>; f32: Record<string, DType>; wasm: Record<string, DType> };
  downloadMB: number;
  vision: VisionSpec;
  license: string;
  note?: string;
}

export interface EmbedderEntry {
  kind: 'embedder';
  id: string;
  label: string;
  hubId: string;
  /** What it embeds: page text, page images (with text queries in the same space), or multi-vector. */
  modality: 'text' | 'image' | 'multi-vector';
  /** transformers.js model family (config.model_type). */
  family: 'bert' | 'clip' | 'jina_clip' | 'siglip';
  dtype: DType;
  dims: number;
  downloadMB: number;
  /** Prefixes some embedders were trained with (e5: "query: " / "passage: "). */
  queryPrefix?: string;
  documentPrefix?: string;
  license: string;
}

export type ModelEntry = VlmEntry | EmbedderEntry;

const QWEN_FILES = ['embed_tokens', 'vision_encoder', 'decoder_model_merged'] as const;
const perFile = (dtype: DType, vision: DType = dtype) =>
  Object.fromEntries(QWEN_FILES.map((f) => [f, f === 'vision_encoder' ? vision : dtype])) as Record<string, DType>;
const qwenDtypes = { f16: perFile('q4f16', 'fp16'), f32: perFile('q4', 'fp32'), wasm: perFile('q4', 'fp32') };

/** SmolVLM: small and fast, but it cannot ground boxes, so the agent refuses its crops. */
function smolVlm(id: string, label: string, hubId: string, downloadMB: number, note: string): VlmEntry {
  const dtypes = (f16: boolean): Record<string, DType> => ({
    embed_tokens: f16 ? 'fp16' : 'fp32',
    vision_encoder: f16 ? 'fp16' : 'fp32',
    decoder_model_merged: f16 ? 'q4f16' : 'q4',
  });
  return {
    kind: 'vlm',
    id,
    label,
    hubId,
    family: 'smolvlm',
    dtypes: { f16: dtypes(true), f32: dtypes(false), wasm: dtypes(false) },
    downloadMB,
    vision: { convention: 'relative-1', pixelBounds: DEFAULT_PIXEL_BOUNDS, canCrop: false },
    license: 'Apache-2.0',
    note,
  };
}

export const MODELS: readonly ModelEntry[] = [
  {
    kind: 'vlm',
    id: 'qwen3-vl-2b',
    label: 'Qwen3-VL 2B Instruct',
    hubId: 'onnx-community/Qwen3-VL-2B-Instruct-ONNX',
    family: 'qwen3_vl',
    dtypes: qwenDtypes,
    downloadMB: 1400,
    vision: { convention: 'relative-1000', pixelBounds: DEFAULT_PIXEL_BOUNDS, canCrop: true },
    license: 'Apache-2.0',
    note: 'Default: best grounding per byte; boxes in 0..1000.',
  },
  {
    kind: 'vlm',
    id: 'qwen2.5-vl-3b',
    label: 'Qwen2.5-VL 3B Instruct',
    hubId: 'onnx-community/Qwen2.5-VL-3B-Instruct-ONNX',
    family: 'qwen2_5_vl',
    dtypes: qwenDtypes,
    downloadMB: 2900,
    vision: { convention: 'absolute', pixelBounds: DEFAULT_PIXEL_BOUNDS, canCrop: true },
    license: 'Qwen Research License',
    note: 'The VRAG-RL family: absolute pixel boxes. Converted VRAG-RL checkpoints load as this family.',
  },
  {
    kind: 'vlm',
    id: 'qwen2-vl-2b',
    label: 'Qwen2-VL 2B Instruct',
    hubId: 'onnx-community/Qwen2-VL-2B-Instruct',
    family: 'qwen2_vl',
    dtypes: qwenDtypes,
    downloadMB: 1500,
    vision: { convention: 'relative-1000', pixelBounds: DEFAULT_PIXEL_BOUNDS, canCrop: true },
    license: 'Apache-2.0',
  },
  smolVlm('smolvlm-500m', 'SmolVLM 500M Instruct', 'HuggingFaceTB/SmolVLM-500M-Instruct', 360, 'For weak machines. Cannot ground boxes, so crops are unavailable.'),
  smolVlm('smolvlm-256m', 'SmolVLM 256M Instruct', 'HuggingFaceTB/SmolVLM-256M-Instruct', 200, 'Smallest. Cannot ground boxes, so crops are unavailable.'),
  {
    kind: 'embedder',
    id: 'multilingual-e5-small',
    label: 'multilingual-e5-small (page text)',
    hubId: 'Xenova/multilingual-e5-small',
    modality: 'text',
    family: 'bert',
    dtype: 'q8',
    dims: 384,
    downloadMB: 118,
    queryPrefix: 'query: ',
    documentPrefix: 'passage: ',
    license: 'MIT',
  },
  {
    kind: 'embedder',
    id: 'jina-clip-v1',
    label: 'jina-clip-v1 (page images)',
    hubId: 'jinaai/jina-clip-v1',
    modality: 'image',
    family: 'jina_clip',
    dtype: 'q8',
    dims: 768,
    downloadMB: 230,
    license: 'Apache-2.0',
  },
];

export const DEFAULT_VLM = 'qwen3-vl-2b';
export const DEFAULT_TEXT_EMBEDDER = 'multilingual-e5-small';
export const DEFAULT_IMAGE_EMBEDDER = 'jina-clip-v1';

export function findModel(id: string): ModelEntry | undefined {
  return MODELS.find((m) => m.id === id);
}

/** How a model family sees images and writes boxes, for models loaded from a folder or a custom id. */
export function visionForModelType(modelType: string): VisionSpec {
  if (modelType === 'qwen2_5_vl') return { convention: 'absolute', pixelBounds: DEFAULT_PIXEL_BOUNDS, canCrop: true };
  if (modelType.startsWith('qwen2_vl') || modelType.startsWith('qwen3_vl')) {
    return { convention: 'relative-1000', pixelBounds: DEFAULT_PIXEL_BOUNDS, canCrop: true };
  }
  return { convention: 'relative-1', pixelBounds: DEFAULT_PIXEL_BOUNDS, canCrop: false };
}

/**
 * A registry entry for any hub id the user types, built from its config.json's model_type: the
 * families this app runs, with their usual ONNX variants. Returns null for other families.
 */
export function customVlmEntry(hubId: string, modelType: string): VlmEntry | null {
  const vision = visionForModelType(modelType);
  const base = { kind: 'vlm' as const, id: `custom:${hubId}`, label: hubId, hubId, downloadMB: 0, vision, license: 'see the model card' };
  if (modelType === 'qwen2_5_vl' || modelType === 'qwen2_vl' || modelType === 'qwen3_vl') {
    return { ...base, family: modelType, dtypes: qwenDtypes };
  }
  if (modelType === 'smolvlm' || modelType === 'idefics3') {
    return { ...smolVlm(base.id, hubId, hubId, 0, ''), license: base.license, note: 'Cannot ground boxes, so crops are unavailable.' };
  }
  return null;
}
