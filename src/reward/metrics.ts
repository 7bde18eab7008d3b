import { AppError } from '../errors.ts';

/**
 * Retrieval metrics over a ranked list of page keys and a set of gold page keys.
 *
 * Conventions, shared by every metric here:
 * - `ranked` is read as the retriever returned it: a duplicate still takes a slot in the top k,
 *   but a gold page counts once, at its first position.
 * - `gold` is a set (duplicates ignored). With no gold pages every metric is 0, so leave
 *   unanswerable questions out of retrieval averages rather than scoring them.
 * - k larger than the list just means the whole list.
 */

/** The key a page goes by in the metrics: `${file}#${page}`, pages 1-based. */
export function pageKey(file: string, page: number): string {
  return `${file}#${page}`;
}

/**
 * Recall@k: the fraction of the distinct gold pages that appear in the top k. MMLongBench-Doc
 * questions can need several evidence pages, so this is the share found, not "any found"
 * (that is `hitAt`).
 */
export function recallAt(ranked: readonly string[], gold: Iterable<string>, k: number): number {
  checkK(k);
  const goldSet = new Set(gold);
  if (goldSet.size === 0) return 0;
  return goldFound(ranked, goldSet, k).length / goldSet.size;
}

/** Hit@k: 1 when any gold page is in the top k, else 0. */
export function hitAt(ranked: readonly string[], gold: Iterable<string>, k: number): number {
  checkK(k);
  const goldSet = new Set(gold);
  return goldFound(ranked, goldSet, k).length > 0 ? 1 : 0;
}

/**
 * nDCG@k with binary relevance: DCG = Σ_{i=1..k} rel_i / log2(i + 1), divided by the DCG of an
 * ideal ranking with min(|gold|, k) relevant pages first.
 */
export function ndcgAt(ranked: readonly string[], gold: Iterable<string>, k: number): number {
  checkK(k);
  const goldSet = new Set(gold);
  if (goldSet.size === 0) return 0;
  let dcg = 0;
  const seen = new Set<string>();
  topK(ranked, k).forEach((key, index) => {
    if (goldSet.has(key) && !seen.has(key)) dcg += 1 / Math.log2(index + 2);
    seen.add(key);
  });
  let ideal = 0;
  for (let index = 0; index < Math.min(goldSet.size, k); index++) ideal += 1 / Math.log2(index + 2);
  return dcg / ideal;
}

/** Reciprocal rank: 1 / the rank of the first gold page in the top k, 0 when none is there (MRR is its mean). */
export function reciprocalRankAt(ranked: readonly string[], gold: Iterable<string>, k: number): number {
  checkK(k);
  const goldSet = new Set(gold);
  const index = topK(ranked, k).findIndex((key) => goldSet.has(key));
  return index < 0 ? 0 : 1 / (index + 1);
}

/** The arithmetic mean; NaN for no values (there is nothing to average). */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** recall@k, hit@k and ndcg@k for each k, named like "recall@5", and mrr@k at the largest k. */
export function scoreRanking(
  ranked: readonly string[],
  gold: Iterable<string>,
  ks: readonly number[],
): Record<string, number> {
  const goldList = [...gold];
  const scores: Record<string, number> = {};
  for (const k of ks) {
    scores[`recall@${k}`] = recallAt(ranked, goldList, k);
    scores[`hit@${k}`] = hitAt(ranked, goldList, k);
    scores[`ndcg@${k}`] = ndcgAt(ranked, goldList, k);
  }
  if (ks.length) {
    const deepest = Math.max(...ks);
    scores[`mrr@${deepest}`] = reciprocalRankAt(ranked, goldList, deepest);
  }
  return scores;
}

/** One question scored under one retrieval signal (bm25, dense, hybrid, ...). */
export interface RetrievalResult {
  questionId: string;
  signal: string;
  scores: Record<string, number>;
}

export interface SignalSummary {
  signal: string;
  /** How many questions were scored under this signal. */
  questions: number;
  /** Each metric averaged over the questions that report it. */
  means: Record<string, number>;
}

/** Averages every metric per signal, signals in order of first appearance. */
export function summarise(results: readonly RetrievalResult[]): SignalSummary[] {
  const bySignal = new Map<string, RetrievalResult[]>();
  for (const result of results) {
    const group = bySignal.get(result.signal) ?? [];
    if (group.some((other) => other.questionId === result.questionId)) {
      throw new AppError(
        'invalid-input',
        `Question ${result.questionId} was scored twice under "${result.signal}"; each question counts once per signal.`,
      );
    }
    group.push(result);
    bySignal.set(result.signal, group);
  }
  return [...bySignal].map(([signal, group]) => {
    const names = [...new Set(group.flatMap((result) => Object.keys(result.scores)))];
    const means: Record<string, number> = {};
    for (const name of names) {
      means[name] = mean(group.flatMap((result) => (name in result.scores ? [result.scores[name]!] : [])));
    }
    return { signal, questions: group.length, means };
  });
}

function goldFound(ranked: readonly string[], goldSet: ReadonlySet<string>, k: number): string[] {
  return [...new Set(topK(ranked, k).filter((key) => goldSet.has(key)))];
}

function topK(ranked: readonly string[], k: number): readonly string[] {
  return ranked.slice(0, k);
}

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1) {
    throw new AppError('invalid-input', `k must be a whole number of at least 1, not ${k}.`);
  }
}
