/** Reading order for text boxes and joining lines into page text (pure). */
import type { Box } from './geometry.ts';

/** Rows are close enough when their tops differ by less than this share of the smaller box's height. */
const SAME_ROW = 0.5;

const sameRow = (a: Box, b: Box) => Math.abs(a[1] - b[1]) < SAME_ROW * Math.min(a[3] - a[1], b[3] - b[1]);

/**
 * Top-to-bottom, then left-to-right within a row: PaddleOCR's sorted_boxes (sort by top, then let a box
 * move left past boxes of the same row), with a row tolerance relative to the text height.
 */
export function sortReadingOrder<T extends { box: Box }>(items: readonly T[]): T[] {
  const sorted = [...items].sort((a, b) => a.box[1] - b.box[1] || a.box[0] - b.box[0]);
  for (let i = 1; i < sorted.length; i++) {
    for (let j = i; j > 0; j--) {
      const prev = sorted[j - 1]!;
      const cur = sorted[j]!;
      if (!(sameRow(prev.box, cur.box) && cur.box[0] < prev.box[0])) break;
      sorted[j - 1] = cur;
      sorted[j] = prev;
    }
  }
  return sorted;
}

/** Page text from lines in reading order: a space between pieces of one row, a newline between rows. */
export function joinLines(lines: readonly { text: string; box: Box }[]): string {
  let text = '';
  lines.forEach((line, i) => {
    if (i > 0) text += sameRow(lines[i - 1]!.box, line.box) ? ' ' : '\n';
    text += line.text;
  });
  return text;
}
