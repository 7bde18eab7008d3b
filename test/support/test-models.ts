/** How browser tests reach the generated test models (served by the Vite dev server from the repo). */
import type { ModelSourceSettings } from '../../src/models/env.ts';

export const TEST_MODEL_SOURCE: ModelSourceSettings = {
  remoteHost: 'https://huggingface.co/',
  allowRemote: false,
  localModelPath: '/test/models/generated/',
};

export const TINY_VLM_DTYPE = { embed_tokens: 'fp32', vision_encoder: 'fp32', decoder_model_merged: 'fp32' } as const;

/** The files of the generated tiny Qwen2-VL, as a user would pick its folder. */
export const TINY_VLM_FILES = [
  'config.json',
  'generation_config.json',
  'preprocessor_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'onnx/vision_encoder.onnx',
  'onnx/embed_tokens.onnx',
  'onnx/decoder_model_merged.onnx',
];

/** Reads the tiny VLM's folder from the dev server (browser tests). */
export function tinyVlmFolder(): Promise<{ path: string; data: Blob }[]> {
  return Promise.all(
    TINY_VLM_FILES.map(async (path) => ({ path, data: await (await fetch(`/test/models/generated/tiny-qwen2-vl/${path}`)).blob() })),
  );
}
