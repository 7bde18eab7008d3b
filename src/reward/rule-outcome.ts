import { anls } from './anls.ts';
import { listMatch, listReadings } from './list.ts';
import { hasCjk, normalizeAnswer } from './normalize.ts';
import { isNotAnswerable, saysNotAnswerable } from './not-answerable.ts';
import { DEFAULT_RELATIVE_TOLERANCE, numericMatch } from './numeric.ts';
import { parseQuantity } from './quantity.ts';

/** MMLongBench-Doc's answer_format values ('None' is used for "Not answerable" questions). */
export type AnswerFormat = 'Str' | 'Int' | 'Float' | 'List' | 'None';

export type RuleMethod = 'exact' | 'numeric' | 'anls' | 'list';

export interface RuleOutcome {
  correct: boolean;
  /** 1 or 0, except ANLS similarity for free text and the weakest item for lists. */
  score: number;
  method: RuleMethod;
}

export interface RuleOptions {
  /** Relative tolerance for Float (and unspecified) numbers; Int answers must be exact. */
  tolerance?: number;
}

// Int answers are counts: 1251 is not 1250. A hair of tolerance absorbs float noise only.
const INT_TOLERANCE = 1e-9;

/**
 * Scores an answer without a judge model, choosing the method from the answer format:
 * - "Not answerable" references: correct iff the answer says it cannot be answered ('exact').
 * - List (or a bracketed reference with no format): order-insensitive item match ('list').
 * - A reference that is a single number: any number in the answer within tolerance, units
 *   agreeing ('numeric'); Int is exact, Float and others use `tolerance` (1%).
 * - Other text: normalised equality or the normalised reference appearing whole in the answer
 *   ('exact'; answers may carry extra words); references with digits, links or e-mail addresses
 *   stop there, other text gets ANLS with the 0.5 threshold ('anls').
 */
export function ruleOutcome(
  reference: string,
  generated: string,
  answerFormat?: AnswerFormat,
  options: RuleOptions = {},
): RuleOutcome {
  if (isNotAnswerable(reference)) return binary(saysNotAnswerable(generated), 'exact');
  if (answerFormat === 'List' || (answerFormat === undefined && looksLikeList(reference))) {
    return { ...listMatch(reference, generated), method: 'list' };
  }
  if (parseQuantity(reference)) {
    const tolerance = answerFormat === 'Int' ? INT_TOLERANCE : (options.tolerance ?? DEFAULT_RELATIVE_TOLERANCE);
    return binary(numericMatch(reference, generated, tolerance) === true, 'numeric');
  }
  const expected = normalizeAnswer(reference);
  const answer = normalizeAnswer(generated);
  if (expected === answer || containsWhole(answer, expected)) return binary(true, 'exact');
  if (needsExactMatch(reference)) return binary(false, 'exact');
  const score = anls([reference], generated);
  return { correct: score > 0, score, method: 'anls' };
}

function binary(correct: boolean, method: RuleMethod): RuleOutcome {
  return { correct, score: correct ? 1 : 0, method };
}

function looksLikeList(reference: string): boolean {
  const trimmed = reference.trim();
  return trimmed.startsWith('[') && trimmed.endsWith(']') && listReadings(trimmed)[0]!.length > 0;
}

function containsWhole(answer: string, expected: string): boolean {
  if (expected === '') return false;
  if (hasCjk(expected)) return answer.includes(expected);
  return ` ${answer} `.includes(` ${expected} `);
}

/** Text where a near miss is a different answer: anything with digits, links, e-mail addresses. */
function needsExactMatch(reference: string): boolean {
  return /\d|https?:\/\/|www\.|[^\s@]+@[^\s@]+\.[^\s@]+/i.test(reference);
}
