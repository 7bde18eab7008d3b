/**
 * BM25 tokens for mixed English/Chinese text: lower-case word tokens for alphabetic scripts and
 * overlapping character bigrams for CJK runs (a lone CJK character stays a unigram), since
 * Chinese has no spaces between words and bigrams are a robust dictionary-free stand-in.
 */
const CJK = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}';
const TOKEN_RUN = new RegExp(`[${CJK}]+|[^\\s\\p{P}\\p{S}${CJK}]+`, 'gu');
const CJK_RUN = new RegExp(`^[${CJK}]`, 'u');

export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  // NFKC folds full-width Latin and digits (common in Chinese slides) to their ASCII forms.
  for (const [run] of text.normalize('NFKC').toLowerCase().matchAll(TOKEN_RUN)) {
    if (CJK_RUN.test(run)) pushBigrams(Array.from(run), tokens);
    else tokens.push(run);
  }
  return tokens;
}

function pushBigrams(chars: string[], out: string[]): void {
  if (chars.length === 1) {
    out.push(chars[0]!);
    return;
  }
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
}
