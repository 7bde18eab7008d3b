/**
 * Settings become search, generation and agent options here, and only here: the app maps the saved
 * settings, the command-line tools map their flags laid over the same defaults.
 */
import { withStyle } from '../agent/experts.ts';
import type { PromptStyle } from '../agent/styles.ts';
import type { AgentConfig } from '../agent/types.ts';
import type { Answerer, EndpointOptions, GenerationOptions } from '../policies/answerer.ts';
import type { SearchOptions } from '../retrieval/hybrid.ts';
import { DEFAULT_SETTINGS, type Settings } from '../schemas/settings.ts';

/** How a question is searched and answered: what `session.ask` takes besides the question's own scope and callbacks. */
export interface AnswerOptions {
  /** Signal weights of the agent's searches (0 turns a signal off). */
  weights: NonNullable<SearchOptions['weights']>;
  agent: AgentConfig;
  /** Episodes sampled for best-of-N (1: one greedy episode). */
  bestOfN: number;
  generation: GenerationOptions;
  /** An OpenAI-compatible server that answers instead of the loaded VLM; null for the local model. */
  endpoint: EndpointOptions | null;
  /** The prompt format chosen per model key (`modelKey`); a model not in it is talked to in `vrag`. */
  promptStyles: ReadonlyMap<string, PromptStyle>;
}

/** The search signals' weights, in the retriever's names. */
export function signalWeights(settings: Pick<Settings, 'weights'>): AnswerOptions['weights'] {
  return { bm25: settings.weights.bm25, 'text-dense': settings.weights.textDense, 'image-dense': settings.weights.imageDense };
}

/** A search with the settings' weights over these documents (every document without ids). */
export function searchOptions(settings: Pick<Settings, 'weights'>, docIds?: readonly string[]): SearchOptions {
  return { weights: signalWeights(settings), ...(docIds ? { docIds } : {}) };
}

export function generationOptions(settings: Pick<Settings, 'maxNewTokens' | 'minVisualTokens' | 'maxVisualTokens' | 'constrainActions'>): GenerationOptions {
  return {
    maxNewTokens: settings.maxNewTokens,
    visualTokens: { min: settings.minVisualTokens, max: settings.maxVisualTokens },
    constrainActions: settings.constrainActions,
  };
}

export function answerOptions(settings: Settings): AnswerOptions {
  return {
    weights: signalWeights(settings),
    agent: { maxActions: settings.maxActions, topK: settings.topK },
    bestOfN: settings.bestOfN,
    generation: generationOptions(settings),
    endpoint: settings.remote.enabled ? settings.remote : null,
    promptStyles: new Map(settings.promptStyles),
  };
}

/** The key a model's prompt format is kept under: a local model's id, or the endpoint's served model. */
export function modelKey(model: { modelId: string } | { endpoint: EndpointOptions }): string {
  return 'endpoint' in model ? `remote:${model.endpoint.model}` : model.modelId;
}

/** The prompt format chosen for a model: `vrag` unless the user chose otherwise for it. */
export function promptStyleFor(styles: ReadonlyMap<string, PromptStyle> | undefined, key: string): PromptStyle {
  return styles?.get(key) ?? 'vrag';
}

/** The settings' per-model formats with `key` set to `style` (`vrag`, the default, is not stored). */
export function withPromptStyle(settings: Pick<Settings, 'promptStyles'>, key: string, style: PromptStyle): Settings['promptStyles'] {
  const styles = new Map(settings.promptStyles);
  if (style === 'vrag') styles.delete(key);
  else styles.set(key, style);
  return [...styles];
}

/**
 * Generation in a prompt style: constrained decoding forces VRAG's tags after the thoughts, so a
 * model asked for JSON tool calls generates unconstrained.
 */
export function generationFor(generation: GenerationOptions, style: PromptStyle): GenerationOptions {
  return style === 'vrag' ? generation : { ...generation, constrainActions: false };
}

/** The answerer talked to in `style` (as is for `vrag`, the policies' own style). */
export function answererInStyle(answerer: Answerer, style: PromptStyle): Answerer {
  if (style === 'vrag') return answerer;
  return { ...answerer, policy: withStyle(answerer.policy, style), sampling: answerer.sampling && withStyle(answerer.sampling, style) };
}

/** The options of the default settings. */
export const DEFAULT_ANSWER_OPTIONS: AnswerOptions = answerOptions(DEFAULT_SETTINGS);

/** Settings from the command line's flags, the app's defaults for everything else. */
export function settingsWith(flags: Partial<Pick<Settings, 'maxActions' | 'topK' | 'maxNewTokens' | 'bestOfN'>> & { endpoint?: EndpointOptions | null }): Settings {
  const { endpoint, ...numbers } = flags;
  const given = Object.fromEntries(Object.entries(numbers).filter(([, value]) => value !== undefined));
  const settings: Settings = { ...structuredClone(DEFAULT_SETTINGS), ...given };
  if (endpoint) settings.remote = { enabled: true, endpoint: endpoint.endpoint, model: endpoint.model, apiKey: endpoint.apiKey ?? '', boxes: endpoint.boxes ?? 'absolute' };
  return settings;
}
