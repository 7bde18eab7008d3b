import type { RgbaImage, Size } from '../../shapes.ts';
import type { Device } from '../device.ts';
import type { Variant } from '../files.ts';
import type { ModelSourceSettings } from '../hub.ts';

/** A chat message in the shape chat templates expect: images are placeholders, pixels travel separately. */
export interface VlmMessage {
  role: 'system' | 'user' | 'assistant';
  content: ({ type: 'text'; text: string } | { type: 'image' })[];
}

/** The ONNX files to load and the bytes expected of every file (for a progress total from the first byte). */
export interface VlmFiles {
  variant: Variant;
  /** Path in the repository -> bytes; files missing here are counted when their download starts. */
  expected: Record<string, number>;
}

export interface VlmLoadRequest {
  /** Hub id, or a folder name under the local model path. */
  modelId: string;
  /** A hub commit; 'main' when absent. Ignored for local folders. */
  revision?: string;
  device: Device;
  files: VlmFiles;
  /** What to reload with on WASM if the WebGPU device is lost. */
  fallback?: VlmFiles;
  source: ModelSourceSettings;
}

export interface VlmInfo {
  modelId: string;
  /** config.json's model_type. */
  modelType: string;
  device: Device;
  files: VlmFiles;
  /** Bytes of ONNX weights loaded: the model's memory footprint, before activations. */
  modelBytes: number;
  loadMs: number;
}

/** Right after `after` appears in the reply, only tokens that begin one of `openers` may follow (one run of whitespace first). */
export interface OpenerConstraint {
  after: string;
  openers: readonly string[];
}

export interface VlmGenerateRequest {
  messages: VlmMessage[];
  /** Pixels for each image placeholder, in order of appearance. */
  images: RgbaImage[];
  maxNewTokens: number;
  /** 0 or absent: greedy. */
  temperature?: number;
  /** Generation ends right after the first of these appears; it stays in the text. */
  stop?: readonly string[];
  constrain?: OpenerConstraint;
  /** false: process every image and recompute the whole prompt, reusing nothing of earlier turns (benchmarks compare the two). */
  reusePrefix?: boolean;
}

export type StopReason = 'stop-string' | 'eos' | 'max-tokens' | 'interrupted';

export interface VlmGenerateResult {
  /** The reply, cut just after the first stop string. */
  text: string;
  stop: StopReason;
  promptTokens: number;
  /** Prompt tokens served from the previous turn's KV cache instead of being recomputed. */
  reusedTokens: number;
  /** Images that went through the vision encoder this turn: only the new ones when the cache was reused. */
  encodedImages: number;
  newTokens: number;
  /** Size each image was seen at by the model (from the processor's grid), in order. */
  seenSizes: Size[];
  /** Tokens generated after an interrupt reached the model (at most 1). */
  tokensAfterInterrupt?: number;
  /** Building the inputs (chat template, images through the processor) before the model runs. */
  prepareMs: number;
  /** From the call to the first new token (prefill included). */
  firstTokenMs: number;
  totalMs: number;
}
