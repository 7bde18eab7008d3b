/** What a user configures to run the agent on a remote OpenAI-compatible server (e.g. vLLM). */
import type { VisionSpec } from '../../agent/types.ts';
import { AppError } from '../../errors.ts';
import { QWEN2_5_VL, visionSpec } from '../../models/families/index.ts';

export interface RemoteSettings {
  /** Base URL of the API, e.g. http://gpu-box:8000/v1 (normalised by `normalizeEndpoint`). */
  endpoint: string;
  /** Sent as `Authorization: Bearer <key>` when set. */
  apiKey?: string;
  /** The served model name, e.g. what vLLM was started with (`--served-model-name`). */
  model: string;
  vision: VisionSpec;
  maxTokens: number;
  temperature: number;
  /** Extra stop strings passed to the server. Actions are cut client-side, so none are needed. */
  stop?: string[];
}

/** VRAG-RL checkpoints are Qwen2.5-VL: boxes in absolute pixels of the image they were shown. */
export const QWEN25_VL_VISION: VisionSpec = visionSpec(QWEN2_5_VL);

export type RemoteSettingsInput = Pick<RemoteSettings, 'endpoint' | 'model'> & Partial<RemoteSettings>;

/** Fills defaults and validates; throws 'invalid-config' with a sentence for the user. */
export function remoteSettings(input: RemoteSettingsInput): RemoteSettings {
  const model = input.model.trim();
  if (!model) throw new AppError('invalid-config', 'Enter the model name the server serves (for vLLM, its --served-model-name).');
  const maxTokens = input.maxTokens ?? 512;
  if (!Number.isInteger(maxTokens) || maxTokens < 1) {
    throw new AppError('invalid-config', 'Max tokens must be a whole number of at least 1.');
  }
  const temperature = input.temperature ?? 0;
  if (!(temperature >= 0 && temperature <= 2)) throw new AppError('invalid-config', 'Temperature must be between 0 and 2.');
  const apiKey = input.apiKey?.trim();
  return {
    endpoint: normalizeEndpoint(input.endpoint),
    ...(apiKey ? { apiKey } : {}),
    model,
    vision: input.vision ?? QWEN25_VL_VISION,
    maxTokens,
    temperature,
    ...(input.stop?.length ? { stop: [...input.stop] } : {}),
  };
}

/**
 * The API base URL without a trailing slash. Accepts what people paste: the base URL, or the full
 * chat-completions URL.
 */
export function normalizeEndpoint(input: string): string {
  const text = input.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AppError('invalid-config', `"${text}" is not a URL. Enter the server's API address, e.g. http://localhost:8000/v1.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AppError('invalid-config', `The endpoint must start with http:// or https:// (got "${text}").`);
  }
  if (url.search || url.hash) {
    throw new AppError('invalid-config', `The endpoint should be a plain address like http://localhost:8000/v1, without "?" or "#" parts.`);
  }
  const path = url.pathname.replace(/\/+$/, '').replace(/\/chat\/completions$/, '');
  return `${url.origin}${path}`;
}

/** Where page images go when this endpoint is used: its origin, for the app to show the user. */
export function endpointOrigin(endpoint: string): string {
  return new URL(endpoint).origin;
}
