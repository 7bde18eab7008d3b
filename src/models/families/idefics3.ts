/**
 * SmolVLM (config model_type idefics3): its processor resizes and tiles images itself (512-pixel
 * tiles, 64 tokens each, plus a global view), so the app only caps the longest side at the
 * processor's 2048. It was not trained to ground boxes, so the agent refuses its crops.
 */
import type { VlmFamily } from './types.ts';

const LONGEST_EDGE = 2048;

export const IDEFICS3: VlmFamily = {
  kind: 'vlm',
  name: 'SmolVLM',
  modelTypes: ['idefics3', 'smolvlm'],
  convention: 'relative-1',
  canCrop: false,
  sessions: ['embed_tokens', 'vision_encoder', 'decoder_model_merged'],
  // HuggingFaceTB's exports: fp16 towers with a q4f16 decoder on f16 WebGPU, fp32 towers with a q4 decoder on WebGPU, 8-bit towers on WASM.
  dtypes: {
    'webgpu-f16': { embed_tokens: 'fp16', vision_encoder: 'fp16', decoder_model_merged: 'q4f16' },
    webgpu: { embed_tokens: 'fp32', vision_encoder: 'fp32', decoder_model_merged: 'q4' },
    wasm: { embed_tokens: 'q8', vision_encoder: 'q8', decoder_model_merged: 'q4' },
  },
  inputs: 'processor',
  pixelBounds: () => ({ minPixels: 1, maxPixels: LONGEST_EDGE * LONGEST_EDGE, factor: 1 }),
};
