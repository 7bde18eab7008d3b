import type { DType } from '../config.ts';
import type { Device } from '../device.ts';
import type { ModelSourceSettings } from '../env.ts';
import type { RgbaImage } from '../../perception/types.ts';

/** A chat message in the shape chat templates expect: images are placeholders, pixels travel separately. */
export interface VlmMessage {
  role: 'system' | 'user' | 'assistant';
  content: ({ type: 'text'; text: string } | { type: 'image' })[];
}

export interface VlmLoadRequest {
  /** Hub id, or a folder name under the local model path. */
  modelId: string;
  device: Device;
  dtype: Record<string, DType>;
  /** dtypes to reload with on WASM if the WebGPU device is lost. */
  wasmDtype: Record<string, DType>;
  source: ModelSourceSettings;
}

export interface VlmInfo {
  modelId: string;
  device: Device;
  dtype: Record<string, DType>;
  /** Bytes of ONNX weights loaded: the model's memory footprint, before activations. */
  modelBytes: number;
  loadMs: number;
}

export interface VlmGenerateRequest {
  messages: VlmMessage[];
  /** Pixels for each image placeholder, in order of appearance. */
  images: RgbaImage[];
  maxNewTokens: number;
  /** 0 or absent: greedy. */
  temperature?: number;
  /** Allow only action openers right after </think>. */
  constrainActions?: boolean;
}

export type StopReason = 'action' | 'eos' | 'max-tokens' | 'interrupted';

export interface VlmGenerateResult {
  /** The reply, cut just after the first complete action. */
  text: string;
  stop: StopReason;
  promptTokens: number;
  /** Prompt tokens served from the previous turn's KV cache instead of being recomputed. */
  reusedTokens: number;
  newTokens: number;
  /** Tokens generated after an interrupt reached the model (at most 1). */
  tokensAfterInterrupt?: number;
  /** From the call to the first new token (prefill included). */
  firstTokenMs: number;
  totalMs: number;
}
