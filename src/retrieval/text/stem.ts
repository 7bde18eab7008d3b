/** English stemming (Porter's algorithm, the `stemmer` package); tokens with digits are left alone. */
import { stemmer } from 'stemmer';

export function stem(word: string): string {
  return word.length < 3 || /\d/.test(word) ? word : stemmer(word);
}
