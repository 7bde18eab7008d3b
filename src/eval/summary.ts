/** Aggregates per-question evaluation results into the report's tables. Pure. */
import { mean, summarise, type SignalSummary } from './metrics.ts';

export interface EpisodeScores {
  outcome: number;
  outcomeMethod: string;
  pattern: number;
  patternStrict: number;
  retrieval: number;
  composite: number;
}

export interface QuestionResult {
  id: string;
  question: string;
  reference: string;
  answerable: boolean;
  evidenceSources: string[];
  docType?: string;
  /** Retrieval metrics of the question's own text, per signal ('bm25', 'fused', ...). */
  retrieval: Record<string, Record<string, number>>;
  episode?: {
    status: string;
    answer?: string;
    turns: number;
    invalidTurns: number;
    timeMs: number;
    /** Pages the agent was shown, `${file}#${page}`, in order. */
    retrievedPages: string[];
    scores: EpisodeScores;
    /** With best-of-N: the chosen sample's index and every sample's selection score. */
    bestOf?: { chosen: number; selectionScores: number[] };
  };
}

export interface EvalSummary {
  questions: number;
  answerable: number;
  retrieval: SignalSummary[];
  episodes?: {
    accuracy: number;
    meanNdcg: number;
    meanPattern: number;
    meanComposite: number;
    finishRate: number;
    invalidActionRate: number;
    meanTurns: number;
    turnsHistogram: Record<string, number>;
    timePerQuestionMs: { mean: number; p50: number; p95: number };
    byEvidence: { source: string; questions: number; accuracy: number; ndcg: number }[];
  };
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function summariseEvaluation(results: readonly QuestionResult[]): EvalSummary {
  const answerable = results.filter((r) => r.answerable);
  const retrieval = summarise(
    answerable.flatMap((r) => Object.entries(r.retrieval).map(([signal, scores]) => ({ questionId: r.id, signal, scores }))),
  );
  const summary: EvalSummary = { questions: results.length, answerable: answerable.length, retrieval };
  const withEpisodes = results.filter((r) => r.episode);
  if (withEpisodes.length === 0) return summary;
  const episodes = withEpisodes.map((r) => r.episode!);
  const turns = episodes.reduce((n, e) => n + e.turns, 0);
  const histogram: Record<string, number> = {};
  for (const e of episodes) histogram[e.turns] = (histogram[e.turns] ?? 0) + 1;
  const sources = [...new Set(withEpisodes.flatMap((r) => (r.evidenceSources.length ? r.evidenceSources : [r.answerable ? 'Unlabelled' : 'Not answerable'])))];
  const times = episodes.map((e) => e.timeMs);
  summary.episodes = {
    accuracy: mean(episodes.map((e) => e.scores.outcome)),
    meanNdcg: mean(withEpisodes.filter((r) => r.answerable).map((r) => r.episode!.scores.retrieval)),
    meanPattern: mean(episodes.map((e) => e.scores.pattern)),
    meanComposite: mean(episodes.map((e) => e.scores.composite)),
    finishRate: episodes.filter((e) => e.status === 'answered').length / episodes.length,
    invalidActionRate: turns ? episodes.reduce((n, e) => n + e.invalidTurns, 0) / turns : 0,
    meanTurns: turns / episodes.length,
    turnsHistogram: histogram,
    timePerQuestionMs: { mean: mean(times), p50: percentile(times, 50), p95: percentile(times, 95) },
    byEvidence: sources.map((source) => {
      const group = withEpisodes.filter((r) =>
        r.evidenceSources.length ? r.evidenceSources.includes(source) : source === (r.answerable ? 'Unlabelled' : 'Not answerable'),
      );
      return {
        source,
        questions: group.length,
        accuracy: mean(group.map((r) => r.episode!.scores.outcome)),
        ndcg: mean(group.filter((r) => r.answerable).map((r) => r.episode!.scores.retrieval)),
      };
    }),
  };
  return summary;
}
