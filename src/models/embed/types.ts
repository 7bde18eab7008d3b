import type { Device } from '../device.ts';
import type { EmbedderFamily } from '../families/types.ts';
import type { DType } from '../files.ts';
import type { ModelSourceSettings } from '../hub.ts';

export interface EmbedderLoadRequest {
  modelId: string;
  /** A hub commit; 'main' when absent. */
  revision?: string;
  family: EmbedderFamily;
  device: Device;
  /** dtype per ONNX session (`model`, or `text_model` and `vision_model`). */
  dtype: Record<string, DType>;
  /** Path -> bytes of every file, for a progress total from the first byte. */
  expected: Record<string, number>;
  source: ModelSourceSettings;
}

export interface EmbedderInfo {
  modelId: string;
  modality: EmbedderFamily['modality'];
  device: Device;
  dtype: Record<string, DType>;
  dims: number;
  modelBytes: number;
  loadMs: number;
}

/**
 * Embeddings of a batch, L2-normalised, row-major in one array. Single-vector embedders give one
 * row per item; multi-vector (late-interaction, ColPali-style) embedders give `rowsPerItem[i]` rows
 * for item i, so a ColQwen/ColSmol export plugs in without changing callers.
 */
export interface EmbeddingBatch {
  dims: number;
  data: Float32Array;
  rowsPerItem?: number[];
}

/** Which side of retrieval a text is on (some embedders use different prefixes). */
export type TextRole = 'query' | 'document';
