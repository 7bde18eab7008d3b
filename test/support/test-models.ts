/** How tests reach the generated test models (served by the Vite dev server from the repository). */
import { chooseDevice, probeDevice, variantFor, type Device } from '../../src/models/device.ts';
import type { EmbedderLoadRequest } from '../../src/models/embed/types.ts';
import type { ModelSourceSettings } from '../../src/models/hub.ts';
import { expectedFiles, findModel, type EmbedderEntry, type Variant, type VariantName, type VlmEntry } from '../../src/models/registry.ts';
import type { VlmLoadRequest } from '../../src/models/vlm/types.ts';

export const GENERATED = '/test/models/generated/';

export const TEST_MODEL_SOURCE: ModelSourceSettings = { remoteHost: 'https://huggingface.co/', allowRemote: false, localModelPath: GENERATED };

/** The scripted VLMs: boxes in absolute input pixels (Qwen2.5-VL) and in 0..1000 (Qwen3-VL). */
export const SCRIPTED_VLM = { absolute: 'scripted-qwen2.5-vl', relative1000: 'scripted-qwen3-vl' } as const;

export const FP32_VARIANT: Variant = {
  dtype: { embed_tokens: 'fp32', vision_encoder: 'fp32', decoder_model_merged: 'fp32' },
  externalData: {},
  files: [],
};

export const Q4_EXTERNAL_VARIANT: Variant = {
  dtype: { embed_tokens: 'q4', vision_encoder: 'q4', decoder_model_merged: 'q4' },
  externalData: { 'embed_tokens_q4.onnx': 1, 'vision_encoder_q4.onnx': 1, 'decoder_model_merged_q4.onnx': 1 },
  files: [],
};

/** The variant each generated model folder outside the registry holds. */
const FOLDER_VARIANTS: Record<string, Variant> = {
  'scripted-qwen2.5-vl': FP32_VARIANT,
  'scripted-qwen3-vl': Q4_EXTERNAL_VARIANT,
  'damaged-qwen2-vl': FP32_VARIANT,
};

/** The request the app sends for a registry model, served from its generated folder instead of the hub. */
export function registryVlmRequest(id: string, device: Device, variant: VariantName = device === 'wasm' ? 'wasm' : 'webgpu'): VlmLoadRequest {
  const entry = findModel(id) as VlmEntry;
  const files = (name: VariantName) => ({ variant: structuredClone(entry.variants[name]!), expected: expectedFiles(entry, name) });
  return { modelId: entry.hubId, device, files: files(variant), fallback: files('wasm'), source: TEST_MODEL_SOURCE };
}

/** A request for a generated model folder by name (the scripted and the damaged VLMs). */
export function folderVlmRequest(modelId: string, device: Device): VlmLoadRequest {
  const variant = structuredClone(FOLDER_VARIANTS[modelId] ?? FP32_VARIANT);
  return { modelId, device, files: { variant, expected: {} }, fallback: { variant, expected: {} }, source: TEST_MODEL_SOURCE };
}

/** The request the app sends for a registry embedder on `device` (as the app chooses its files: SigLIP's fp16-only towers need f16 shaders). */
export async function registryEmbedderRequest(id: string, device: Device): Promise<EmbedderLoadRequest> {
  const entry = findModel(id) as EmbedderEntry;
  const chosen = variantFor(entry, chooseDevice(await probeDevice(), device))!;
  const name = chosen.name;
  return {
    modelId: entry.hubId,
    family: entry.family,
    device: chosen.device,
    dtype: { ...entry.variants[name]!.dtype },
    expected: expectedFiles(entry, name),
    source: TEST_MODEL_SOURCE,
  };
}

let manifest: Promise<Record<string, string[]>> | null = null;

/** The files of a generated model folder, as a user would pick the folder (browser tests). */
export async function modelFolder(modelId: string): Promise<{ path: string; data: Blob }[]> {
  manifest ??= fetch(`${GENERATED}manifest.json`).then((r) => r.json());
  const paths = (await manifest)[modelId];
  if (!paths) throw new Error(`no generated model ${modelId}`);
  return Promise.all(paths.map(async (path) => ({ path, data: await (await fetch(`${GENERATED}${modelId}/${path}`)).blob() })));
}
