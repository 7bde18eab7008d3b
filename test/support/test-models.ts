/** How browser tests reach the generated test models (served by the Vite dev server from the repo). */
import type { ModelSourceSettings } from '../../src/models/env.ts';

export const TEST_MODEL_SOURCE: ModelSourceSettings = {
  remoteHost: 'https://huggingface.co/',
  allowRemote: false,
  localModelPath: '/test/models/generated/',
};

export const TINY_VLM_DTYPE = { embed_tokens: 'fp32', vision_encoder: 'fp32', decoder_model_merged: 'fp32' } as const;
