/** CTC greedy decoding of the PaddleOCR recogniser's output (pure). */

/** PaddleOCR's character list: index 0 is the CTC blank, then the dictionary's lines, then a space. */
export function recognitionCharset(dictionary: string): string[] {
  const lines = dictionary.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return ['', ...lines, ' '];
}

export interface Decoded {
  text: string;
  /** Mean probability of the kept characters (0 when none). */
  score: number;
}

/**
 * Decodes one sequence of `steps` probability rows of `classes` values each (row-major, starting at
 * `offset`): best class per step, repeats merged, blanks dropped.
 */
export function ctcGreedyDecode(probs: ArrayLike<number>, steps: number, classes: number, charset: readonly string[], offset = 0): Decoded {
  if (charset.length !== classes) throw new RangeError(`charset has ${charset.length} entries but the model outputs ${classes} classes`);
  let text = '';
  let sum = 0;
  let kept = 0;
  let previous = -1;
  for (let t = 0; t < steps; t++) {
    const row = offset + t * classes;
    let best = 0;
    let bestP = probs[row]!;
    for (let c = 1; c < classes; c++) {
      const p = probs[row + c]!;
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    if (best !== 0 && best !== previous) {
      text += charset[best];
      sum += bestP;
      kept++;
    }
    previous = best;
  }
  return { text, score: kept ? sum / kept : 0 };
}
