import type { Trajectory } from '../agent/types.ts';

/** The pages that hold the evidence for a question, by page id (`${docId}:${pageNumber}`). */
export type GoldPages = ReadonlySet<string>;

export function goldPages(pageIds: Iterable<string>): GoldPages {
  return new Set(pageIds);
}

/** The pages the searches showed the model, in turn order; crops and empty searches add nothing. */
export function retrievedPages(trajectory: Trajectory): string[] {
  return trajectory.turns.flatMap((turn) => (turn.search?.shownPageId ? [turn.search.shownPageId] : []));
}

/**
 * Binary-relevance NDCG of `retrieved` (in order) against `gold`, as VRAG-RL's reward computes it:
 * DCG = Σ_{i≥1} (2^rel_i − 1) / log2(i + 1).
 *
 * The ideal list is VRAG-RL's `[1] * len(gold) + [0] * (len(retrieved) - len(gold))`: |gold| ones,
 * then zeros for the rest of the retrieved list. In Python a negative repeat count gives an empty
 * list, so when fewer pages were retrieved than there are gold pages the ideal list still holds
 * all |gold| ones: IDCG uses |gold| ones, not min(|gold|, len(retrieved)), and a trajectory that
 * stops before it has seen every gold page cannot reach 1. (The trailing zeros add nothing.)
 * Pass `idealOnes: 'truncated'` for the textbook NDCG@len(retrieved), which uses min(|gold|, len) ones.
 *
 * A gold page counts once, at its first position; the agent never shows a page twice, and this
 * keeps the value in [0, 1] for lists that do repeat. NDCG is 0 when IDCG is 0 (no gold pages).
 */
export function retrievalNdcg(
  retrieved: readonly string[],
  gold: GoldPages,
  idealOnes: 'all-gold' | 'truncated' = 'all-gold',
): number {
  const seen = new Set<string>();
  const relevance = retrieved.map((pageId) => {
    const relevant = gold.has(pageId) && !seen.has(pageId);
    seen.add(pageId);
    return relevant ? 1 : 0;
  });
  const ones = idealOnes === 'all-gold' ? gold.size : Math.min(gold.size, retrieved.length);
  const ideal = [...Array<number>(ones).fill(1), ...Array<number>(Math.max(0, retrieved.length - ones)).fill(0)];
  const idcg = dcg(ideal);
  return idcg === 0 ? 0 : dcg(relevance) / idcg;
}

function dcg(relevance: readonly number[]): number {
  return relevance.reduce((sum, rel, index) => sum + (2 ** rel - 1) / Math.log2(index + 2), 0);
}
