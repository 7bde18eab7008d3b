/**
 * Best-of-N answering: sample N episodes (temperature > 0), score each by its pattern reward, a
 * judge's verdict that the answer is supported by the pages it retrieved, and how much its
 * retrieved pages agree with the other samples'; return the best with its score. It lives with
 * the rewards it scores by; the session runs it (src/session/ask.ts), so the agent loop never
 * imports the reward.
 */
import { finalAnswer } from './answer.ts';
import { patternReward } from './pattern.ts';
import { retrievedPages } from './retrieval.ts';
import type { EpisodeResult } from '../agent/episode.ts';

export interface SelectionWeights {
  pattern: number;
  support: number;
  agreement: number;
}

export const DEFAULT_SELECTION_WEIGHTS: SelectionWeights = { pattern: 0.2, support: 0.5, agreement: 0.3 };

/** 0..1: how well the answer is supported by the pages the episode looked at (a judge model, or lexical overlap). */
export type SupportScorer = (question: string, answer: string, pageIds: string[], signal?: AbortSignal) => Promise<number>;

export interface SampleScore {
  pattern: number;
  support: number;
  agreement: number;
  total: number;
}

export interface BestOfN {
  best: EpisodeResult;
  index: number;
  scores: SampleScore[];
}

/** Mean Jaccard overlap of each sample's retrieved pages with every other sample's. */
export function retrievalAgreement(pageSets: readonly (readonly string[])[]): number[] {
  return pageSets.map((mine, i) => {
    const others = pageSets.filter((_, j) => j !== i);
    if (others.length === 0) return 1;
    const a = new Set(mine);
    const overlaps = others.map((theirs) => {
      const b = new Set(theirs);
      const union = new Set([...a, ...b]).size;
      return union === 0 ? 1 : [...a].filter((p) => b.has(p)).length / union;
    });
    return overlaps.reduce((s, x) => s + x, 0) / overlaps.length;
  });
}

/** Scores finished samples and picks the best (the first one on ties). */
export async function selectBest(
  question: string,
  samples: EpisodeResult[],
  support: SupportScorer,
  weights: SelectionWeights = DEFAULT_SELECTION_WEIGHTS,
  signal?: AbortSignal,
): Promise<BestOfN> {
  if (samples.length === 0) throw new Error('best-of-N needs at least one sample');
  const pages = samples.map((s) => retrievedPages(s.trajectory));
  const agreement = retrievalAgreement(pages);
  const scores: SampleScore[] = [];
  for (const [i, sample] of samples.entries()) {
    const answer = finalAnswer(sample.trajectory);
    const pattern = patternReward(sample.trajectory);
    const supported = answer ? await support(question, answer, pages[i]!, signal) : 0;
    const total = answer ? weights.pattern * pattern + weights.support * supported + weights.agreement * agreement[i]! : 0;
    scores.push({ pattern, support: supported, agreement: agreement[i]!, total });
  }
  const index = scores.reduce((best, s, i) => (s.total > scores[best]!.total ? i : best), 0);
  return { best: samples[index]!, index, scores };
}

/** Runs `sample` N times (sequentially: one model) and selects the best. */
export async function bestOfN(
  n: number,
  question: string,
  sample: (i: number) => Promise<EpisodeResult>,
  support: SupportScorer,
  weights?: SelectionWeights,
  signal?: AbortSignal,
): Promise<BestOfN> {
  const samples: EpisodeResult[] = [];
  for (let i = 0; i < n; i++) {
    if (signal?.aborted) break;
    samples.push(await sample(i));
  }
  return selectBest(question, samples, support, weights, signal);
}

const WORD = /[\p{L}\p{N}]+/gu;

/**
 * Without a judge model: the share of the answer's words (CJK characters one by one) that occur
 * in the text of the pages the episode retrieved.
 */
export function lexicalSupport(answer: string, pageTexts: readonly string[]): number {
  const tokens = (text: string) =>
    (text.toLowerCase().match(WORD) ?? []).flatMap((w) => (/[\u3400-\u9fff]/.test(w) ? [...w] : [w]));
  const words = [...new Set(tokens(answer))];
  if (words.length === 0) return 0;
  const page = new Set(pageTexts.flatMap(tokens));
  return words.filter((w) => page.has(w)).length / words.length;
}
