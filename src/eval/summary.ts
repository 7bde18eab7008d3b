/** Aggregates per-question evaluation results into the report's tables. Pure. */
import { mean, summarise, type SignalSummary } from '../reward/metrics.ts';

/** The status of a question none of whose documents could be added: retrieval could not answer it. */
export const DOCUMENT_SKIPPED = 'document-skipped';

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
  /** 'document-skipped' when none of the question's documents could be added (every score 0). */
  status?: typeof DOCUMENT_SKIPPED;
  /** The question's documents that could not be added, when any. */
  skippedFiles?: string[];
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

/** Retrieval of one group of questions (a document type, an evidence type), per signal. */
export interface GroupSummary {
  group: string;
  questions: number;
  signals: SignalSummary[];
}

export interface EvalSummary {
  questions: number;
  answerable: number;
  retrieval: SignalSummary[];
  /** Retrieval by `doc_type`, answerable questions only ('Unlabelled' without one). */
  retrievalByDocType: GroupSummary[];
  /** Retrieval by evidence type; a question with several counts in each ('Unlabelled' without any). */
  retrievalByEvidence: GroupSummary[];
  /** Documents that could not be added, and the questions left with none of their documents (counted as misses, never dropped). */
  skipped: { documents: number; questions: number };
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

const UNLABELLED = 'Unlabelled';

function retrievalOf(results: readonly QuestionResult[]): SignalSummary[] {
  return summarise(results.flatMap((r) => Object.entries(r.retrieval).map(([signal, scores]) => ({ questionId: r.id, signal, scores }))));
}

/** Retrieval per group, groups in order of first appearance; a question in several groups counts in each. */
export function retrievalByGroup(results: readonly QuestionResult[], groupsOf: (r: QuestionResult) => readonly string[]): GroupSummary[] {
  const groups = new Map<string, QuestionResult[]>();
  for (const result of results) {
    for (const group of new Set(groupsOf(result))) groups.set(group, [...(groups.get(group) ?? []), result]);
  }
  return [...groups].map(([group, members]) => ({ group, questions: members.length, signals: retrievalOf(members) }));
}

/**
 * The report's figures. Questions on skipped documents stay in every average with scores of 0;
 * only the figures about how episodes ran (pattern, turns, invalid actions, time) leave them out,
 * as no episode ran.
 */
export function summariseEvaluation(results: readonly QuestionResult[], skippedDocuments = 0): EvalSummary {
  const answerable = results.filter((r) => r.answerable);
  const summary: EvalSummary = {
    questions: results.length,
    answerable: answerable.length,
    retrieval: retrievalOf(answerable),
    retrievalByDocType: retrievalByGroup(answerable, (r) => [r.docType ?? UNLABELLED]),
    retrievalByEvidence: retrievalByGroup(answerable, (r) => (r.evidenceSources.length ? r.evidenceSources : [UNLABELLED])),
    skipped: { documents: skippedDocuments, questions: results.filter((r) => r.status === DOCUMENT_SKIPPED).length },
  };
  const withEpisodes = results.filter((r) => r.episode);
  if (withEpisodes.length === 0) return summary;
  const episodes = withEpisodes.map((r) => r.episode!);
  const ran = episodes.filter((e) => e.status !== DOCUMENT_SKIPPED);
  const turns = ran.reduce((n, e) => n + e.turns, 0);
  const histogram: Record<string, number> = {};
  for (const e of ran) histogram[e.turns] = (histogram[e.turns] ?? 0) + 1;
  const sources = [...new Set(withEpisodes.flatMap((r) => (r.evidenceSources.length ? r.evidenceSources : [r.answerable ? UNLABELLED : 'Not answerable'])))];
  const times = ran.map((e) => e.timeMs);
  summary.episodes = {
    accuracy: mean(episodes.map((e) => e.scores.outcome)),
    meanNdcg: mean(withEpisodes.filter((r) => r.answerable).map((r) => r.episode!.scores.retrieval)),
    meanPattern: mean(ran.map((e) => e.scores.pattern)),
    meanComposite: mean(episodes.map((e) => e.scores.composite)),
    finishRate: episodes.filter((e) => e.status === 'answered').length / episodes.length,
    invalidActionRate: turns ? ran.reduce((n, e) => n + e.invalidTurns, 0) / turns : 0,
    meanTurns: ran.length ? turns / ran.length : 0,
    turnsHistogram: histogram,
    timePerQuestionMs: { mean: mean(times), p50: percentile(times, 50), p95: percentile(times, 95) },
    byEvidence: sources.map((source) => {
      const group = withEpisodes.filter((r) =>
        r.evidenceSources.length ? r.evidenceSources.includes(source) : source === (r.answerable ? UNLABELLED : 'Not answerable'),
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
