import type { DType, EmbedderEntry } from '../config.ts';
import type { Device } from '../device.ts';
import type { ModelSourceSettings } from '../env.ts';

export interface EmbedderLoadRequest {
  modelId: string;
  family: EmbedderEntry['family'];
  modality: EmbedderEntry['modality'];
  device: Device;
  dtype: DType;
  source: ModelSourceSettings;
  queryPrefix?: string;
  documentPrefix?: string;
}

export interface EmbedderInfo {
  modelId: string;
  modality: EmbedderEntry['modality'];
  device: Device;
  dtype: DType;
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
