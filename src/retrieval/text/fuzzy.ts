/**
 * Query words no page in scope holds: a typo ("advertsing", "Neflix") is matched to the indexed
 * words within one edit (two for long words), and a word OCR glued to its neighbours
 * ("BRENDANHODGSON": the recogniser often drops spaces in capitals) to the indexed words that
 * contain it.
 */
export function closeTerms(term: string, vocabulary: Iterable<string>): string[] {
  if (term.length < 4 || /\d/.test(term)) return [];
  const limit = term.length >= 8 ? 2 : 1;
  const out: string[] = [];
  for (const word of vocabulary) {
    if (word.includes(' ') || Math.abs(word.length - term.length) > limit || word[0] !== term[0] && limit === 1) continue;
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

/** Indexed words (up to 40 letters) that contain the term: words OCR ran together. */
export function containingTerms(term: string, vocabulary: Iterable<string>): string[] {
  if (term.length < 4 || /\d/.test(term)) return [];
  const out: string[] = [];
  for (const word of vocabulary) if (word.length > term.length && word.length <= 40 && !word.includes(' ') && word.includes(term)) out.push(word);
  return out;
}
