/** Every family the app runs, found by config.json's model_type (never by a class or function name). */
import { CLIP, E5, JINA_CLIP, SIGLIP } from './embedders.ts';
import { IDEFICS3 } from './idefics3.ts';
import { QWEN2_5_VL } from './qwen2_5-vl.ts';
import { QWEN2_VL } from './qwen2-vl.ts';
import { QWEN3_VL } from './qwen3-vl.ts';
import type { EmbedderFamily, VlmFamily } from './types.ts';

export const VLM_FAMILIES: readonly VlmFamily[] = [QWEN3_VL, QWEN2_5_VL, QWEN2_VL, IDEFICS3];
export const EMBEDDER_FAMILIES: readonly EmbedderFamily[] = [E5, SIGLIP, JINA_CLIP, CLIP];

export function vlmFamilyFor(modelType: string): VlmFamily | null {
  return VLM_FAMILIES.find((f) => f.modelTypes.includes(modelType)) ?? null;
}

export function embedderFamilyFor(modelType: string): EmbedderFamily | null {
  return EMBEDDER_FAMILIES.find((f) => f.modelTypes.includes(modelType)) ?? null;
}

export { CLIP, E5, IDEFICS3, JINA_CLIP, QWEN2_5_VL, QWEN2_VL, QWEN3_VL, SIGLIP };
export * from './types.ts';
