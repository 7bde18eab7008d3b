import { lightNormalize } from './normalize.ts';

/** Edit distance over Unicode code points (insertions, deletions, substitutions cost 1). */
export function levenshtein(a: string, b: string): number {
  const s = Array.from(a);
  const t = Array.from(b);
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const current = [i];
    for (let j = 1; j <= t.length; j++) {
      const substitute = previous[j - 1]! + (s[i - 1] === t[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitute));
    }
    previous = current;
  }
  return previous[t.length]!;
}

export const ANLS_THRESHOLD = 0.5;

/**
 * ANLS of one prediction against the acceptable answers: for each, the normalised Levenshtein
 * distance d = lev / max(length); similarity 1 − d when d < threshold, else 0; the best one wins.
 * Strings are compared after NFKC, lower case and whitespace collapsing, as in DocVQA.
 */
export function anls(acceptable: readonly string[], prediction: string, threshold = ANLS_THRESHOLD): number {
  const predicted = lightNormalize(prediction);
  let best = 0;
  for (const answer of acceptable) {
    const gold = lightNormalize(answer);
    const length = Math.max(Array.from(gold).length, Array.from(predicted).length);
    const distance = length === 0 ? 0 : levenshtein(gold, predicted) / length;
    best = Math.max(best, distance < threshold ? 1 - distance : 0);
  }
  return best;
}
