import { describe, expect, it } from 'vitest';
import { hitAt, mean, ndcgAt, pageKey, recallAt, reciprocalRankAt, scoreRanking, summarise } from '../../src/reward/metrics.ts';
import { AppError } from '../../src/errors.ts';

const log2 = Math.log2;
// Three gold pages; the ranking finds two of them, at ranks 1 and 3, and misses z.pdf#9.
const ranked = ['a.pdf#1', 'x.pdf#1', 'b.pdf#2', 'y.pdf#4', 'c.pdf#1'];
const gold = ['a.pdf#1', 'b.pdf#2', 'z.pdf#9'];

describe('pageKey', () => {
  it('joins file and 1-based page', () => {
    expect(pageKey('slide_6_1024.jpg', 1)).toBe('slide_6_1024.jpg#1');
  });
});

describe('recallAt (share of distinct gold pages in the top k)', () => {
  it('counts gold pages found over all gold pages', () => {
    expect(recallAt(ranked, gold, 1)).toBeCloseTo(1 / 3); // a
    expect(recallAt(ranked, gold, 2)).toBeCloseTo(1 / 3); // a, x
    expect(recallAt(ranked, gold, 3)).toBeCloseTo(2 / 3); // a, x, b
    expect(recallAt(ranked, gold, 5)).toBeCloseTo(2 / 3); // z never retrieved
  });
  it('reads k beyond the list as the whole list', () => {
    expect(recallAt(['b.pdf#2'], gold, 100)).toBeCloseTo(1 / 3);
  });
  it('lets a duplicate take a slot but counts a gold page once', () => {
    // top 2 = a, a: one distinct gold page of two
    expect(recallAt(['a.pdf#1', 'a.pdf#1', 'b.pdf#2'], ['a.pdf#1', 'b.pdf#2'], 2)).toBe(0.5);
    expect(recallAt(['a.pdf#1', 'a.pdf#1', 'b.pdf#2'], ['a.pdf#1', 'b.pdf#2'], 3)).toBe(1);
  });
  it('treats gold as a set and is 0 without gold or without a ranking', () => {
    expect(recallAt(ranked, ['a.pdf#1', 'a.pdf#1'], 1)).toBe(1);
    expect(recallAt(ranked, [], 5)).toBe(0);
    expect(recallAt([], gold, 5)).toBe(0);
  });
});

describe('hitAt', () => {
  it('is 1 when any gold page is in the top k', () => {
    expect(hitAt(ranked, gold, 1)).toBe(1);
    expect(hitAt(ranked, ['b.pdf#2'], 2)).toBe(0); // b is 3rd
    expect(hitAt(ranked, ['b.pdf#2'], 3)).toBe(1);
    expect(hitAt(ranked, ['b.pdf#2'], 50)).toBe(1);
  });
  it('is 0 without gold or ranking', () => {
    expect(hitAt(ranked, [], 5)).toBe(0);
    expect(hitAt([], gold, 5)).toBe(0);
  });
});

describe('ndcgAt (binary relevance)', () => {
  it('matches the hand-computed value', () => {
    // DCG@3 = 1/log2(2) + 0/log2(3) + 1/log2(4) = 1 + 0.5 = 1.5
    // IDCG@3 (min(|gold| = 3, k = 3) = 3 ones) = 1 + 1/log2(3) + 1/log2(4) = 2.1309...
    const ideal3 = 1 + 1 / log2(3) + 0.5;
    expect(ndcgAt(ranked, gold, 3)).toBeCloseTo(1.5 / ideal3, 10);
    expect(ndcgAt(ranked, gold, 3)).toBeCloseTo(0.70392, 5);
    // k = 5: same DCG, IDCG still has only 3 relevant pages
    expect(ndcgAt(ranked, gold, 5)).toBeCloseTo(1.5 / ideal3, 10);
    // k = 1: DCG = 1, IDCG = 1
    expect(ndcgAt(ranked, gold, 1)).toBe(1);
    // one gold page at rank 2: (1/log2(3)) / 1 = 0.6309...
    expect(ndcgAt(['x', 'a'], ['a'], 2)).toBeCloseTo(1 / log2(3), 10);
  });
  it('is 1 for a perfect ranking and 0 for a ranking with no gold page', () => {
    expect(ndcgAt(['a', 'b', 'x'], ['b', 'a'], 3)).toBeCloseTo(1, 12);
    expect(ndcgAt(['x', 'y'], ['a'], 2)).toBe(0);
  });
  it('scores a duplicate gold page once, so nDCG never passes 1', () => {
    // DCG = 1 + 0 (repeat of a) + 1/log2(4) = 1.5; IDCG (2 gold) = 1 + 1/log2(3) = 1.6309...
    const value = ndcgAt(['a', 'a', 'b'], ['a', 'b'], 3);
    expect(value).toBeCloseTo(1.5 / (1 + 1 / log2(3)), 10);
    expect(value).toBeLessThan(1);
  });
  it('uses the whole list when k is larger than it', () => {
    // DCG = 1; IDCG@10 with 2 gold pages = 1 + 1/log2(3)
    expect(ndcgAt(['a'], ['a', 'b'], 10)).toBeCloseTo(1 / (1 + 1 / log2(3)), 10);
  });
  it('is 0 without gold pages', () => {
    expect(ndcgAt(ranked, [], 3)).toBe(0);
  });
});

describe('k must be a whole number of at least 1', () => {
  it.each([0, -1, 2.5, Number.NaN])('rejects k = %s', (k) => {
    for (const metric of [recallAt, hitAt, ndcgAt]) {
      expect(() => metric(ranked, gold, k)).toThrow(AppError);
    }
  });
});

describe('mean', () => {
  it('averages, and is NaN for nothing', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(mean([0.5])).toBe(0.5);
    expect(mean([])).toBeNaN();
  });
});

describe('reciprocalRankAt', () => {
  it('is 1 / the rank of the first gold page in the top k, else 0', () => {
    expect(reciprocalRankAt(ranked, gold, 5)).toBe(1); // a at rank 1
    expect(reciprocalRankAt(ranked, ['b.pdf#2'], 5)).toBeCloseTo(1 / 3);
    expect(reciprocalRankAt(ranked, ['b.pdf#2'], 2)).toBe(0);
    expect(reciprocalRankAt(ranked, [], 5)).toBe(0);
    expect(reciprocalRankAt([], gold, 5)).toBe(0);
  });
});

describe('scoreRanking', () => {
  it('names each metric by k', () => {
    const scores = scoreRanking(ranked, gold, [1, 3]);
    expect(Object.keys(scores).sort()).toEqual(['hit@1', 'hit@3', 'mrr@3', 'ndcg@1', 'ndcg@3', 'recall@1', 'recall@3']);
    expect(scores['recall@3']).toBeCloseTo(2 / 3);
    expect(scores['mrr@3']).toBe(1);
    expect(scores['hit@1']).toBe(1);
    expect(scores['ndcg@3']).toBeCloseTo(0.70392, 5);
  });
});

describe('summarise', () => {
  it('averages every metric per signal, in order of first appearance', () => {
    const summary = summarise([
      { questionId: 'q1', signal: 'bm25', scores: { 'recall@5': 1, 'hit@5': 1 } },
      { questionId: 'q1', signal: 'dense', scores: { 'recall@5': 0.5, 'hit@5': 1 } },
      { questionId: 'q2', signal: 'bm25', scores: { 'recall@5': 0, 'hit@5': 0 } },
      { questionId: 'q3', signal: 'bm25', scores: { 'recall@5': 0.5, 'hit@5': 1, 'ndcg@5': 0.25 } },
    ]);
    expect(summary.map((s) => s.signal)).toEqual(['bm25', 'dense']);
    const bm25 = summary[0]!;
    expect(bm25.questions).toBe(3);
    expect(bm25.means['recall@5']).toBeCloseTo((1 + 0 + 0.5) / 3); // 0.5
    expect(bm25.means['hit@5']).toBeCloseTo(2 / 3);
    expect(bm25.means['ndcg@5']).toBe(0.25); // only q3 reports it
    expect(summary[1]).toEqual({ signal: 'dense', questions: 1, means: { 'recall@5': 0.5, 'hit@5': 1 } });
  });
  it('is empty for no results and refuses a question scored twice under one signal', () => {
    expect(summarise([])).toEqual([]);
    const twice = { questionId: 'q1', signal: 'bm25', scores: { 'hit@1': 1 } };
    expect(() => summarise([twice, twice])).toThrow(/scored twice/);
  });
});
