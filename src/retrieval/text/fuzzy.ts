/**
 * Near matches for query words, used only where they earn their place: a typo ("advertsing",
 * "Neflix") for a word no page in scope holds, and, on pages read by OCR, a word the recogniser
 * glued to its neighbours ("BRENDANHODGSON": it often drops spaces in capitals) or misread.
 */

/** Indexed words within one edit of the term (two for words of 8 letters or more), same first letter. */
export function closeTerms(term: string, vocabulary: Iterable<string>): string[] {
  if (term.length < 5 || /\d/.test(term)) return [];
  const limit = term.length >= 8 ? 2 : 1;
  const out: string[] = [];
  for (const word of vocabulary) {
    if (word[0] !== term[0] || Math.abs(word.length - term.length) > limit || word.includes(' ') || word === term) continue;
    if (editDistance(term, word, limit) <= limit) out.push(word);
  }
  return out;
}

/** Levenshtein distance, giving up (limit + 1) once it must exceed `limit`. */
export function editDistance(a: string, b: string, limit: number): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      best = Math.min(best, current[j]!);
    }
    if (best > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * Indexed words (up to 40 letters) that begin or end with the term and have at least three more
 * letters: words OCR ran together ("brendanhodgson" for "hodgson"), never a word that merely holds
 * the term inside it ("mind" for "ind", "distributed" for "trib").
 */
export function runTogetherTerms(term: string, vocabulary: Iterable<string>): string[] {
  if (term.length < 4 || /\d/.test(term)) return [];
  const out: string[] = [];
  for (const word of vocabulary) {
    if (word.length < term.length + 3 || word.length > 40 || word.includes(' ')) continue;
    if (word.startsWith(term) || word.endsWith(term)) out.push(word);
  }
  return out;
}
