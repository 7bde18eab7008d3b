/**
 * Text to BM25 terms, for mixed English/Chinese pages. Latin-script words are lower-cased, stop
 * words dropped and light-stemmed (plural, -ing, -ed…), so "revenues" finds "revenue"; numbers keep
 * their decimals and lose thousands separators ("1,234.5" is "1234.5"); a hyphenated compound also
 * counts as one word ("e-commerce" gives "e", "commerce" and "ecommerce"). CJK runs become
 * overlapping character bigrams, a dictionary-free stand-in for words.
 */
import { stem } from './stem.ts';
import { QUESTION_WORDS, STOP_WORDS } from './stop-words.ts';

const CJK = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}';
// A CJK run, a number with separators, or a (hyphenated) word of non-CJK letters and digits:
// "网络VPC是" is 网络 | VPC | 是, never one word.
const LETTER = `(?:(?![${CJK}])[\\p{L}\\p{N}])`;
const TOKEN = new RegExp(`[${CJK}]+|\\d+(?:[.,]\\d+)*|${LETTER}+(?:[-‐‑'’]${LETTER}+)*`, 'gu');
const CJK_START = new RegExp(`^[${CJK}]`, 'u');
const DIGIT_START = /^\d/;

/** The terms of a page or a query, in order (positions matter for the phrase signal). */
export function analyze(text: string, options: { query?: boolean } = {}): string[] {
  const terms: string[] = [];
  for (const [token] of text.normalize('NFKC').toLowerCase().matchAll(TOKEN)) {
    if (CJK_START.test(token)) pushBigrams(Array.from(token), terms);
    else if (DIGIT_START.test(token)) terms.push(number(token));
    else pushWord(token, terms, options.query === true);
  }
  return withScaledNumbers(terms);
}

const SCALES = new Map([['thousand', 1e3], ['million', 1e6], ['billion', 1e9], ['trillion', 1e12]]);

/**
 * "1.577 billion" and "$1,577 million" are one amount; tables write it "1,577" under "(in
 * millions)" or "1,577,000" under "(in thousands)". An amount with a scale word also counts as
 * its whole number of thousands and of millions, so each form finds the others.
 */
function withScaledNumbers(terms: string[]): string[] {
  const extra: string[] = [];
  for (let i = 0; i + 1 < terms.length; i++) {
    const scale = SCALES.get(terms[i + 1]!);
    if (scale === undefined || !/^\d+(\.\d+)?$/.test(terms[i]!)) continue;
    const amount = Number(terms[i]) * scale;
    for (const unit of [1e3, 1e6]) {
      const inUnits = Math.round((amount / unit) * 1000) / 1000;
      const written = String(inUnits);
      if (inUnits >= 1 && written !== terms[i] && !written.includes('e')) extra.push(written);
    }
  }
  return extra.length ? [...terms, ...extra] : terms;
}

function pushWord(token: string, out: string[], query: boolean): void {
  // "FY2015" and "Q3" are also their letters and digits ("fiscal 2015" pages say "2015").
  if (/\p{L}\d|\d\p{L}/u.test(token) && !/[-‐‑'’]/.test(token)) {
    out.push(token);
    for (const [piece] of token.matchAll(/\d+|\p{L}+/gu)) if (!STOP_WORDS.has(piece)) out.push(DIGIT_START.test(piece) ? piece : stem(piece));
    return;
  }
  const parts = token.split(/[-‐‑'’]/);
  // Possessive "company's" is "company"; a compound is its parts and the joined word.
  if (parts.length === 2 && parts[1] === 's') parts.pop();
  for (const part of parts) {
    if (part === '' || STOP_WORDS.has(part) || (query && QUESTION_WORDS.has(part))) continue;
    out.push(stem(part));
  }
  if (parts.length > 1) out.push(stem(parts.join('')));
}

/** "1,234,567" → "1234567" and "3.50" stays "3.50"; a comma with other than three digits after it separates numbers. */
function number(token: string): string {
  return /^\d{1,3}(,\d{3})+(\.\d+)?$/.test(token) ? token.replaceAll(',', '') : token;
}

function pushBigrams(chars: string[], out: string[]): void {
  if (chars.length === 1) {
    out.push(chars[0]!);
    return;
  }
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
}
