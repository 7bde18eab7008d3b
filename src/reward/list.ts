import { anls } from './anls.ts';
import { normalizeAnswer } from './normalize.ts';
import { numericMatch } from './numeric.ts';

const QUOTED = /'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"/g;
// Commas separate items unless they sit between digits ("1,234").
const SEPARATORS = /\s*(?:[;\n；，、]|(?<!\d),|,(?!\d))\s*/;
const SEPARATORS_AND_CONJUNCTIONS = /\s*(?:[;\n；，、&和及]|(?<!\d),|,(?!\d)|\band\b)\s*/i;

/**
 * The ways `text` can be read as a list: a bracketed literal ("['a', 'b']", as MMLongBench
 * writes references) gives its items; otherwise items split on commas, semicolons and new lines,
 * and also a second reading that splits on "and" too ("a, b and c"), since an item may hold an
 * "and" of its own ("black and white").
 */
export function listReadings(text: string): string[][] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[') && trimmed.endsWith(']')) {
    const quoted = [...trimmed.matchAll(QUOTED)].map((m) => (m[1] ?? m[2]!).replace(/\\(.)/g, '$1'));
    return [quoted.length > 0 ? quoted.map(cleanItem).filter(Boolean) : split(trimmed.slice(1, -1), SEPARATORS)];
  }
  const plain = split(trimmed, SEPARATORS);
  const withAnd = split(trimmed, SEPARATORS_AND_CONJUNCTIONS);
  return withAnd.length === plain.length ? [plain] : [plain, withAnd];
}

function split(text: string, separators: RegExp): string[] {
  return text.split(separators).map(cleanItem).filter(Boolean);
}

function cleanItem(item: string): string {
  return item
    .trim()
    .replace(/^(?:[-*•]|\d+[.)])\s+/, '')
    .replace(/^(?:and|or)\s+/i, '')
    .replace(/^["'“‘]+|["'”’.]+$/g, '')
    .trim();
}

/** How well one generated item answers one reference item: 1 or 0 for numbers and exact text, else ANLS. */
export function itemScore(reference: string, generated: string): number {
  const numeric = numericMatch(reference, generated);
  if (numeric !== null) return numeric ? 1 : 0;
  if (normalizeAnswer(reference) === normalizeAnswer(generated)) return 1;
  return anls([reference], generated);
}

/**
 * Order-insensitive list match (MMLongBench's answer_format "List"): the generated list must
 * have as many items as the reference, and each reference item must pair with its own generated
 * item. The score is the weakest pair's score, 0 when no full pairing exists.
 */
export function listMatch(reference: string, generated: string): { correct: boolean; score: number } {
  const expected = listReadings(reference)[0]!;
  let best = 0;
  for (const items of listReadings(generated)) {
    if (items.length !== expected.length || items.length === 0) continue;
    best = Math.max(best, bestPairing(expected, items));
  }
  return { correct: best > 0, score: best };
}

/** The highest weakest-pair score over all one-to-one pairings (lists are short: thresholds × matching). */
function bestPairing(expected: readonly string[], items: readonly string[]): number {
  const scores = expected.map((reference) => items.map((item) => itemScore(reference, item)));
  const thresholds = [...new Set(scores.flat().filter((s) => s > 0))].sort((a, b) => b - a);
  return thresholds.find((threshold) => hasPerfectMatching(scores, threshold)) ?? 0;
}

/** Kuhn's augmenting paths over pairs scoring at least `threshold`. */
function hasPerfectMatching(scores: readonly number[][], threshold: number): boolean {
  const owner = new Array<number>(scores.length).fill(-1);
  const assign = (row: number, visited: boolean[]): boolean => {
    for (let column = 0; column < scores[row]!.length; column++) {
      if (scores[row]![column]! < threshold || visited[column]) continue;
      visited[column] = true;
      if (owner[column] === -1 || assign(owner[column]!, visited)) {
        owner[column] = row;
        return true;
      }
    }
    return false;
  };
  return scores.every((_, row) => assign(row, new Array<boolean>(scores.length).fill(false)));
}
