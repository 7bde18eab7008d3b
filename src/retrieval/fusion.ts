/** Reciprocal rank fusion: score(page) = Σ over signals of w_s / (k + rank_s(page)), ranks from 1. */
import type { RankedPage, ScoredPage } from './types.ts';

export const DEFAULT_RRF_K = 60;

/** One signal's ranked list, best first. */
export interface SignalRanking {
  signal: string;
  pages: readonly ScoredPage[];
}

export type SignalWeights = Readonly<Record<string, number>>;

/** A fused result: always says which signals found it. */
export type FusedPage = RankedPage & { signals: string[] };

/**
 * Fuses rankings into one list of at most `limit` pages, best first (ties by page id). A signal
 * weighted 0 (or negative) contributes nothing and is not listed in `signals`; unlisted signals
 * weigh 1.
 */
export function reciprocalRankFusion(
  rankings: readonly SignalRanking[],
  limit: number,
  weights: SignalWeights = {},
  k = DEFAULT_RRF_K,
): FusedPage[] {
  const fused = new Map<string, { score: number; signals: string[]; matched?: ScoredPage['matched'] }>();
  for (const { signal, pages } of rankings) {
    const weight = weightOf(weights, signal);
    if (!(weight > 0)) continue;
    pages.forEach(({ pageId, matched }, index) => {
      const entry = fused.get(pageId) ?? { score: 0, signals: [] };
      if (entry.signals.includes(signal)) return; // a page counts once per signal, at its best rank
      entry.score += weight / (k + index + 1);
      entry.signals.push(signal);
      if (matched) entry.matched = matched;
      fused.set(pageId, entry);
    });
  }
  return [...fused]
    .map(([pageId, { score, signals, matched }]) => ({ pageId, score, signals, ...(matched && { matched }) }))
    .sort((a, b) => b.score - a.score || (a.pageId < b.pageId ? -1 : a.pageId > b.pageId ? 1 : 0))
    .slice(0, Math.max(0, limit));
}

/** A signal's weight: 1 unless set. Only the weights' own keys count, so no signal name reads `Object.prototype`. */
export function weightOf(weights: SignalWeights, signal: string): number {
  return (Object.hasOwn(weights, signal) ? weights[signal] : undefined) ?? 1;
}
