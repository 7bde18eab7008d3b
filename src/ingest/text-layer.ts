/** pdf.js text-layer items to lines with boxes in page-image pixels (pure). */
import type { Box } from './geometry.ts';
import type { TextLine } from './types.ts';

/** The fields of pdf.js's TextItem this module reads. */
export interface PdfTextItem {
  str: string;
  /** Text-space to PDF user-space matrix [a, b, c, d, e, f]. */
  transform: number[];
  /** Advance along the text direction, in user-space units. */
  width: number;
  hasEOL: boolean;
}

export type Matrix = [number, number, number, number, number, number];

/** Share of the font height above the baseline; the rest is below it. */
const ASCENT = 0.8;

export function multiply(m: readonly number[], n: readonly number[]): Matrix {
  const [a, b, c, d, e, f] = m as Matrix;
  const [a2, b2, c2, d2, e2, f2] = n as Matrix;
  return [a * a2 + c * b2, b * a2 + d * b2, a * c2 + c * d2, b * c2 + d * d2, a * e2 + c * f2 + e, b * e2 + d * f2 + f];
}

interface Placed {
  str: string;
  box: Box;
  baseline: number;
  fontHeight: number;
  hasEOL: boolean;
}

/**
 * Places each item with the viewport transform (PDF user space → page-image pixels, as pdf.js's
 * viewport.transform) and `scale` (pixels per user unit), then groups items into lines.
 */
export function textLines(items: readonly PdfTextItem[], viewportTransform: readonly number[], scale: number): TextLine[] {
  const lines: TextLine[] = [];
  let current: Placed[] = [];
  const flush = () => {
    const line = mergeLine(current);
    if (line) lines.push(line);
    current = [];
  };
  for (const item of items) {
    const placed = place(item, viewportTransform, scale);
    const last = current.at(-1);
    if (last && placed.str && !continuesLine(last, placed)) flush();
    if (placed.str) current.push(placed);
    if (item.hasEOL) flush();
  }
  flush();
  return lines;
}

function place(item: PdfTextItem, viewportTransform: readonly number[], scale: number): Placed {
  const tx = multiply(viewportTransform, item.transform);
  const fontHeight = Math.hypot(tx[2], tx[3]);
  const angle = Math.atan2(tx[1], tx[0]);
  const along = [Math.cos(angle) * item.width * scale, Math.sin(angle) * item.width * scale];
  const up = [Math.sin(angle) * fontHeight, -Math.cos(angle) * fontHeight];
  const xs: number[] = [];
  const ys: number[] = [];
  for (const t of [0, 1]) {
    for (const h of [-(1 - ASCENT), ASCENT]) {
      xs.push(tx[4] + t * along[0]! + h * up[0]!);
      ys.push(tx[5] + t * along[1]! + h * up[1]!);
    }
  }
  const box: Box = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
  return { str: item.str, box, baseline: tx[5], fontHeight, hasEOL: item.hasEOL };
}

function continuesLine(last: Placed, next: Placed): boolean {
  const height = Math.max(1, Math.min(last.fontHeight, next.fontHeight));
  const sameBaseline = Math.abs(last.baseline - next.baseline) < 0.5 * height;
  const notBackwards = next.box[0] > last.box[0] - height;
  return sameBaseline && notBackwards;
}

function mergeLine(items: Placed[]): TextLine | null {
  let text = '';
  items.forEach((item, i) => {
    const prev = items[i - 1];
    if (prev) {
      const gap = item.box[0] - prev.box[2];
      if (gap > 0.15 * Math.min(prev.fontHeight, item.fontHeight) && !/\s$/.test(text) && !/^\s/.test(item.str)) text += ' ';
    }
    text += item.str;
  });
  text = text.replace(/\s+/g, ' ').trim();
  if (!text) return null;
  const round = (v: number) => Math.round(v);
  const box: Box = [
    round(Math.min(...items.map((i) => i.box[0]))),
    round(Math.min(...items.map((i) => i.box[1]))),
    round(Math.max(...items.map((i) => i.box[2]))),
    round(Math.max(...items.map((i) => i.box[3]))),
  ];
  return { text, box, score: 1 };
}

/** Whether a page's text layer carries real text, or the page needs OCR (scans, slides as pictures). */
export function hasUsableText(text: string, minChars: number): boolean {
  return (text.match(/[\p{L}\p{N}]/gu)?.length ?? 0) >= minChars;
}

/** The page's text: its lines, one per row. */
export function pageText(lines: readonly TextLine[]): string {
  return lines.map((l) => l.text).join('\n');
}
