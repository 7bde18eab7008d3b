/**
 * Text blocks laid out on letter-shaped pages (pure): each logical line wrapped to the text width
 * (words kept whole unless one alone is too wide), pages broken between paragraphs where one fits,
 * never leaving a single line of a paragraph behind or ahead, headings kept with what follows and
 * a main heading starting a new page once the page is partly filled. Every line placed gets its
 * box in page pixels: the text layer search, snippets and the viewer's word marks read.
 */
import type { Box } from './geometry.ts';
import type { TextBlock, TextStyle } from './text-blocks.ts';

/** A US letter page, 8.5 × 11 inches, as tall as a PDF page is rendered. */
export function letterPage(height: number): { width: number; height: number } {
  return { width: Math.round((height * 8.5) / 11), height };
}

/** The page's margin on every side: an inch on letter paper. */
export const pageMargin = (height: number) => Math.round(height / 11);

export interface StyleMetrics {
  /** Font size in pixels. */
  size: number;
  /** Advance from one line to the next. */
  lineHeight: number;
  /** Space above the block when it does not open the page. */
  before: number;
  bold: boolean;
  mono: boolean;
}

/** Type sizes for a page `height` pixels tall: 11-point body text on letter paper, 10-point monospace (80 columns). */
export function textStyles(height: number): Record<TextStyle, StyleMetrics> {
  const point = height / 792;
  const style = (pt: number, lead: number, before: number, bold: boolean, mono = false): StyleMetrics => ({
    size: pt * point,
    lineHeight: pt * point * lead,
    before: before * point,
    bold,
    mono,
  });
  return {
    body: style(11, 1.4, 8, false),
    mono: style(9.4, 1.3, 9, false, true),
    h1: style(20, 1.25, 18, true),
    h2: style(16, 1.25, 16, true),
    h3: style(13.5, 1.3, 12, true),
    h4: style(11.5, 1.3, 10, true),
  };
}

/** Width of `text` set in `style`, in page pixels (the canvas's measureText in the worker). */
export type Measure = (text: string, style: TextStyle) => number;

export interface PlacedLine {
  text: string;
  style: TextStyle;
  /** Where the text (its first letter, after any indentation) starts, and its baseline. */
  x: number;
  baseline: number;
  box: Box;
  /** Each word's box, where the viewer marks a search's words. */
  words: { text: string; box: Box }[];
}

export interface LaidPage {
  lines: PlacedLine[];
  /** Horizontal rules: their y in page pixels. */
  rules: number[];
}

export interface Layout {
  pages: LaidPage[];
  /** Text was left over when `maxPages` were full: the share of the text laid out, 0..1. */
  laidShare?: number;
}

/** Share of the font size above the baseline (as the PDF text layer's boxes). */
const ASCENT = 0.8;
/** A word as the viewer marks them: letters and digits, with inner punctuation. */
const WORD = /[\p{L}\p{N}](?:[\p{L}\p{N}.,'’‐‑-]*[\p{L}\p{N}])?/gu;

/** One wrapped row of a block, before it is placed. */
interface Row {
  text: string;
  indent: number;
}

/** Breaks one logical line into rows no wider than `width`: at spaces, and inside a word only when it alone is too wide. */
export function wrapLine(text: string, width: number, measure: (s: string) => number): string[] {
  const rows: string[] = [];
  let current = '';
  for (const token of text.match(/\s+|\S+/g) ?? []) {
    if (measure(current + token) <= width) {
      current += token;
      continue;
    }
    if (/^\s/.test(token)) {
      rows.push(current);
      current = '';
      continue;
    }
    if (current.trim()) rows.push(current.trimEnd());
    current = '';
    // Only the next row's characters are measured: a word may be a megabyte of base64.
    let word = token;
    while (word.length > 1) {
      let fit = 1;
      while (fit < word.length && measure(word.slice(0, fit + 1)) <= width) fit++;
      if (fit === word.length) break;
      rows.push(word.slice(0, fit));
      word = word.slice(fit);
    }
    current = word;
  }
  if (current.trim() || rows.length === 0) rows.push(current.trimEnd());
  return rows;
}

/** Lays `blocks` out on pages of `height` pixels; stops once `maxPages` are full. */
export function layoutPages(blocks: readonly TextBlock[], measure: Measure, height: number, maxPages = Infinity): Layout {
  const { width } = letterPage(height);
  const styles = textStyles(height);
  const margin = pageMargin(height);
  const bottom = height - margin;
  const textWidth = width - 2 * margin;
  const levelIndent = styles.body.size * 1.8;
  const pages: LaidPage[] = [];
  let page: LaidPage = { lines: [], rules: [] };
  let y = margin;
  const empty = () => page.lines.length === 0 && page.rules.length === 0;
  const newPage = () => {
    if (empty()) return true;
    pages.push(page);
    page = { lines: [], rules: [] };
    y = margin;
    return pages.length < maxPages;
  };
  const rowsOf = (block: TextBlock): Row[] =>
    block.lines.flatMap((line) => {
      const indent = line.level * levelIndent;
      const m = (s: string) => measure(s, block.style);
      const hang = line.hang ? Math.min(m(line.text.slice(0, line.hang)), (textWidth - indent) / 2) : 0;
      return wrapLine(line.text, textWidth - indent - hang, m).map((text, i) => ({ text, indent: indent + (i > 0 ? hang : 0) }));
    });
  const total = blocks.reduce((n, b) => n + b.lines.reduce((k, l) => k + l.text.length, 0), 0) || 1;
  let laid = 0;

  for (const [index, block] of blocks.entries()) {
    const s = styles[block.style];
    const gap = () => (empty() ? 0 : s.before);
    if (block.pageBreak && !newPage()) return stop();
    if (block.rule) {
      if (y + gap() + s.lineHeight > bottom && !newPage()) return stop();
      y += gap() + s.lineHeight / 2;
      if (!empty() || y > margin) page.rules.push(Math.round(y));
      y += s.lineHeight / 2;
      continue;
    }
    const rows = rowsOf(block);
    const heading = block.style !== 'body' && block.style !== 'mono';
    if (heading) {
      // A main heading opens a page that is already partly filled; any heading goes with the start of what follows.
      const filled = (y - margin) / (bottom - margin);
      const next = blocks[index + 1];
      const following = next && !next.rule ? Math.min(2, rowsOf(next).length) * styles[next.style].lineHeight + styles[next.style].before : 0;
      const need = gap() + rows.length * s.lineHeight + following;
      const opens = (block.style === 'h1' && filled > 0.25) || (block.style === 'h2' && filled > 0.5);
      if ((opens || y + need > bottom) && !newPage()) return stop();
    }
    let at = 0;
    while (at < rows.length) {
      const room = Math.floor((bottom - y - gap()) / s.lineHeight);
      const left = rows.length - at;
      let take = Math.min(room, left);
      if (take < left && !empty()) {
        // Breaking inside the paragraph: at least two rows on each side, and a short paragraph moves whole.
        take = left <= 4 ? 0 : Math.min(take, left - 2);
        if (take < 2) take = 0;
      }
      if (take <= 0 && empty()) take = 1;
      if (take > 0) {
        y += gap();
        for (const row of rows.slice(at, at + take)) place(row, block.style, s);
        at += take;
      }
      if (at < rows.length && !newPage()) return stop();
    }
  }
  if (!empty()) pages.push(page);
  return { pages };

  function place(row: Row, style: TextStyle, s: StyleMetrics): void {
    const x = margin + row.indent;
    const baseline = y + (s.lineHeight - s.size) / 2 + ASCENT * s.size;
    y += s.lineHeight;
    laid += row.text.length;
    const text = row.text.trim();
    if (!text) return;
    const start = x + measure(row.text.slice(0, row.text.length - row.text.trimStart().length), style);
    const top = Math.round(baseline - ASCENT * s.size);
    const under = Math.round(baseline + (1 - ASCENT) * s.size);
    const span = (from: number, to: number): Box => [Math.round(start + measure(text.slice(0, from), style)), top, Math.round(start + measure(text.slice(0, to), style)), under];
    const words = [...text.matchAll(WORD)].map((m) => ({ text: m[0], box: span(m.index, m.index + m[0].length) }));
    page.lines.push({ text, style, x: start, baseline, box: span(0, text.length), words });
  }

  function stop(): Layout {
    return { pages, laidShare: laid / total };
  }
}
