/**
 * Answering a question, the one road: the episode, or best-of-N's samples scored by their support
 * on the pages they retrieved. `session.ask` takes it with the session's parts; the app's Ask and
 * Batch panels are given `session.ask` with the saved settings (their tests, `askWith` over
 * scripted parts).
 */
import { runEpisode, type EpisodeResult } from '../agent/episode.ts';
import type { AgentConfig, AgentEvent } from '../agent/types.ts';
import type { Perception } from '../perception/types.ts';
import type { Answerer } from '../policies/answerer.ts';
import type { Retriever } from '../retrieval/types.ts';
import { bestOfN, type BestOfN, type SupportScorer } from '../reward/best-of-n.ts';

/** What answering is made of. */
export interface AskParts {
  /** A retriever over these documents (all of them without ids). */
  retriever: (docIds?: readonly string[]) => Retriever;
  perception: Perception;
  /** The model to answer with; throws an AppError with what to do when none is available. Called again for each further best-of-N sample. */
  answerer: () => Answerer | Promise<Answerer>;
  /** Best-of-N's support score. */
  support: SupportScorer;
}

/** One question's run: its scope, budget, sample count, cancel and the streaming trace. */
export interface AskRun {
  /** The documents searched (every document without ids). */
  docIds?: readonly string[];
  agent?: Partial<AgentConfig>;
  /** Above 1 (and with a sampling policy): best-of-N over that many sampled episodes. */
  bestOfN?: number;
  signal?: AbortSignal;
  /** Every step of every episode, as it happens. */
  onEvent?: (event: AgentEvent) => void;
  /** A best-of-N sample starts (index from 0). */
  onSample?: (index: number, n: number) => void;
}

export interface Answer {
  /** The episode that answers: the greedy one, or the best of the samples. */
  result: EpisodeResult;
  /** Best-of-N's choice and every sample's score; null for a single greedy episode. */
  bestOf: BestOfN | null;
}

/** Answers one question on the road with its parts chosen: the question's run, and the model when the caller has it already. */
export type Ask = (question: string, run?: AskRun & { answerer?: AskParts['answerer'] }) => Promise<Answer>;

export async function askWith(parts: AskParts, question: string, run: AskRun = {}): Promise<Answer> {
  const first = await parts.answerer();
  const n = run.bestOfN ?? 1;
  if (n > 1 && first.sampling) {
    const sample = async (i: number) => {
      run.onSample?.(i, n);
      const sampling = i === 0 ? first.sampling : (await parts.answerer()).sampling;
      return episode(parts, question, run, sampling ?? first.sampling!);
    };
    const bestOf = await bestOfN(n, question, sample, parts.support, undefined, run.signal);
    return { result: bestOf.best, bestOf };
  }
  return { result: await episode(parts, question, run, first.policy), bestOf: null };
}

function episode(parts: AskParts, question: string, run: AskRun, policy: Answerer['policy']): Promise<EpisodeResult> {
  return runEpisode({
    question,
    policy,
    retriever: parts.retriever(run.docIds),
    perception: parts.perception,
    ...(run.agent ? { config: run.agent } : {}),
    ...(run.signal ? { signal: run.signal } : {}),
    ...(run.onEvent ? { onEvent: run.onEvent } : {}),
  });
}
