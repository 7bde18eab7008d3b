const HAN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
// Punctuation goes, except between two digits, so "3.5", "1,200" and "2015-03-24" survive.
const PUNCTUATION = /(?<!\d)\p{P}|\p{P}(?!\d)/gu;
const ARTICLES = /\b(?:a|an|the)\b/g;

/** Unicode NFKC, lower case, no outer or repeated whitespace. */
export function lightNormalize(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * For exact matching: light normalisation, then no punctuation, no English articles, single
 * spaces; text with Chinese (or other CJK) characters loses every space, since spacing there is
 * arbitrary.
 */
export function normalizeAnswer(text: string): string {
  const plain = lightNormalize(text).replace(PUNCTUATION, ' ').replace(ARTICLES, ' ').replace(/\s+/g, ' ').trim();
  return HAN.test(plain) ? plain.replace(/\s+/g, '') : plain;
}

export function hasCjk(text: string): boolean {
  return HAN.test(text);
}
