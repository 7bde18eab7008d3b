/**
 * The model that answers (`Answerer`): greedy for a single answer, sampling at 0.7 for best-of-N.
 * Built here once, from a loaded VLM or a remote endpoint; every answering path takes this one type.
 */
import type { BBoxConvention } from '../perception/geometry.ts';
import type { Policy } from '../agent/types.ts';
import { QWEN2_5_VL, QWEN2_VL } from '../models/families/index.ts';
import { visionSpec, type VisualTokenBounds } from '../models/families/types.ts';
import type { LoadedVlm } from '../models/vlm/load.ts';
import { RemotePolicy } from './remote/policy.ts';
import type { EndpointFetch } from './remote/relay-client.ts';
import { VlmPolicy } from './vlm.ts';

/** The model that answers: the app's loaded VLM, a remote endpoint, the eval oracle or a test's scripted policy. */
export interface Answerer {
  /** Greedy decoding. */
  policy: Policy;
  /** The same model sampling at SAMPLING_TEMPERATURE, for best-of-N; null when it answers only once. */
  sampling: Policy | null;
  /** Which model answers, in words (reports and logs). */
  label?: string;
  /** The loaded VLM it runs on (none for an endpoint): the session keeps it until the question that uses it ends. */
  model?: LoadedVlm;
}

export const SAMPLING_TEMPERATURE = 0.7;

export interface GenerationOptions {
  maxNewTokens: number;
  visualTokens: VisualTokenBounds;
  constrainActions: boolean;
}

export function localAnswerer(loaded: LoadedVlm, options: GenerationOptions): Answerer & { sampling: Policy } {
  const vision = visionSpec(loaded.family, options.visualTokens);
  const make = (temperature: number) =>
    new VlmPolicy(loaded.client, loaded.modelId, vision, { maxNewTokens: options.maxNewTokens, temperature, constrainActions: options.constrainActions });
  return { policy: make(0), sampling: make(SAMPLING_TEMPERATURE), label: loaded.label, model: loaded };
}

export interface EndpointOptions {
  endpoint: string;
  model: string;
  apiKey?: string;
  /** How the served model writes boxes (default: pixels, as the VRAG-RL checkpoints, Qwen2.5-VL, do). */
  boxes?: BBoxConvention;
}

/**
 * A remote OpenAI-compatible server: Qwen2.5-VL's pixel boxes by default, the 0..1000 grid of
 * Qwen2-VL and Qwen3-VL, or fractions of the image (0..1) as some other servers write them. Images
 * are prepared on the 0..1000 family's grid for either relative convention.
 */
export function remoteAnswerer(endpoint: EndpointOptions, options: Omit<GenerationOptions, 'constrainActions'>, send: EndpointFetch): Answerer & { sampling: Policy } {
  const boxes = endpoint.boxes ?? 'absolute';
  const family = visionSpec(boxes === 'absolute' ? QWEN2_5_VL : QWEN2_VL, options.visualTokens);
  const vision = { ...family, convention: boxes };
  const make = (temperature: number) =>
    new RemotePolicy({ ...endpoint, ...(endpoint.apiKey ? { apiKey: endpoint.apiKey } : {}), vision, maxTokens: options.maxNewTokens, temperature }, send);
  return { policy: make(0), sampling: make(SAMPLING_TEMPERATURE), label: `${endpoint.model} (endpoint)` };
}
