/**
 * Every family the app runs, found by config.json's model_type (never by a class or function
 * name), in one place: the model worker, a folder the user imports and a hub id the user types
 * all go through `vlmFamilyOfConfig` / `embedderFamilyOfConfig`.
 */
import { AppError } from '../../errors.ts';
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

/** config.json's `model_type` ('' when the config has none). */
export function modelTypeOf(config: unknown): string {
  const type = (config as { model_type?: unknown } | null)?.model_type;
  return typeof type === 'string' ? type : '';
}

const names = (families: readonly { name: string }[]) => {
  const all = families.map((f) => f.name);
  return `${all.slice(0, -1).join(', ')} and ${all.at(-1)!}`;
};

/** The VLM family of a model's config.json, or a 'model-failed' error that names what the app runs. */
export function vlmFamilyOfConfig(config: unknown, modelId: string): VlmFamily {
  const type = modelTypeOf(config);
  const family = vlmFamilyFor(type);
  if (!family) throw new AppError('model-failed', `“${modelId}” is a “${type}” model; this app runs ${names(VLM_FAMILIES)} exports for transformers.js.`);
  return family;
}

/** The embedder family of a model's config.json, which must embed `modality`; else a 'model-failed' error. */
export function embedderFamilyOfConfig(config: unknown, modelId: string, modality: EmbedderFamily['modality']): EmbedderFamily {
  const type = modelTypeOf(config);
  const family = embedderFamilyFor(type);
  if (!family || family.modality !== modality) {
    throw new AppError('model-failed', `“${modelId}” is a “${type}” model, not a ${modality === 'text' ? 'text (BERT-like)' : 'image (CLIP, SigLIP, jina-clip)'} embedder.`);
  }
  return family;
}

export { CLIP, E5, IDEFICS3, JINA_CLIP, QWEN2_5_VL, QWEN2_VL, QWEN3_VL, SIGLIP };
export * from './types.ts';
