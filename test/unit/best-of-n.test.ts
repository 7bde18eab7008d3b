import { describe, expect, it } from 'vitest';
import type { EpisodeResult } from '../../src/agent/episode.ts';
import { bestOfN, lexicalSupport, retrievalAgreement, selectBest } from '../../src/reward/best-of-n.ts';
import { trajectoryOf, turnOf } from '../support/trajectories.ts';

/** A finished episode that searched `pages` in order and then gave `answer` (or none). */
function episode(pages: string[], answer: string | null): EpisodeResult {
  const turns = [
    ...pages.map((p, i) => turnOf(i, `<think>t</think><search>${p}</search>`, { search: { query: p, results: [], shownPageId: p } })),
    ...(answer ? [turnOf(pages.length, `<think>t</think><answer>${answer}</answer>`)] : []),
  ];
  const trajectory = trajectoryOf('q', turns);
  return { outcome: trajectory.outcome, trajectory, images: new Map() };
}

describe('best-of-N selection', () => {
  it('retrieval agreement is the mean Jaccard overlap with the other samples', () => {
    // a={1,2} b={2,3} c={1,2}: a-b 1/3, a-c 1, b-c 1/3
    expect(retrievalAgreement([['1', '2'], ['2', '3'], ['1', '2']])).toEqual([2 / 3, 1 / 3, 2 / 3]);
    expect(retrievalAgreement([['1']])).toEqual([1]);
  });

  it('picks the sample whose answer is supported and whose pages agree with the others', async () => {
    const samples = [episode(['p1'], 'wrong guess'), episode(['p2'], '37%'), episode(['p2', 'p3'], '37%'), episode(['p2'], null)];
    const support = async (_q: string, answer: string) => (answer === '37%' ? 1 : 0);
    const { index, scores } = await selectBest('q', samples, support);
    expect(index).toBe(1);
    // sample 1: pattern 1, support 1, agreement mean(0, 1/2, 1) = 0.5 -> 0.2 + 0.5 + 0.15
    expect(scores[1]!.total).toBeCloseTo(0.85, 10);
    expect(scores[3]!.total).toBe(0); // no answer, no score
  });

  it('bestOfN samples N times and returns the best with every score', async () => {
    const made: number[] = [];
    const result = await bestOfN(3, 'q', async (i) => (made.push(i), episode([`p${i}`], i === 2 ? 'right' : 'x')), async (_q, a) => (a === 'right' ? 1 : 0));
    expect(made).toEqual([0, 1, 2]);
    expect(result.index).toBe(2);
    expect(result.scores).toHaveLength(3);
  });

  it('lexical support: the share of answer words found on the retrieved pages, CJK by character', () => {
    expect(lexicalSupport('Mr. Henderson', ['Congratulations Mr Henderson, your gross income'])).toBe(1);
    expect(lexicalSupport('Paris and Rome', ['The capital is Paris.'])).toBeCloseTo(1 / 3, 10);
    expect(lexicalSupport('数据中心', ['更加安全、可靠的数据中心网络'])).toBe(1);
    expect(lexicalSupport('', ['x'])).toBe(0);
  });
});
