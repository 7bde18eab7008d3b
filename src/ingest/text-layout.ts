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
  const layout = new PageLayout(blocks, measure, height, maxPages);
  for (const [index, block] of blocks.entries()) {
    if (!layout.lay(block, blocks[index + 1])) return layout.cut();
  }
  return layout.finish();
}

const isHeading = (style: TextStyle) => style !== 'body' && style !== 'mono';

/** The pages laid out so far, the page being filled and how far down it is. */
class PageLayout {
  private readonly styles: Record<TextStyle, StyleMetrics>;
  private readonly margin: number;
  private readonly bottom: number;
  private readonly textWidth: number;
  private readonly levelIndent: number;
  private readonly pages: LaidPage[] = [];
  private page: LaidPage = { lines: [], rules: [] };
  private y: number;
  /** Characters laid out, of `total`. */
  private laid = 0;
  private readonly total: number;

  constructor(
    blocks: readonly TextBlock[],
    private readonly measure: Measure,
    height: number,
    private readonly maxPages: number,
  ) {
    const { width } = letterPage(height);
    this.styles = textStyles(height);
    this.margin = pageMargin(height);
    this.bottom = height - this.margin;
    this.textWidth = width - 2 * this.margin;
    this.levelIndent = this.styles.body.size * 1.8;
    this.y = this.margin;
    this.total = blocks.reduce((n, b) => n + b.lines.reduce((k, l) => k + l.text.length, 0), 0) || 1;
  }

  /** Lays one block out (`next` follows it); false once `maxPages` are full. */
  lay(block: TextBlock, next: TextBlock | undefined): boolean {
    if (block.pageBreak && !this.newPage()) return false;
    if (block.rule) return this.rule(this.styles[block.style]);
    const rows = this.rowsOf(block);
    if (isHeading(block.style) && !this.placeHeading(block.style, rows, next)) return false;
    return this.placeRows(rows, block.style);
  }

  /** The pages of a layout that ran out of pages, with the share of the text laid out. */
  cut(): Layout {
    return { pages: this.pages, laidShare: this.laid / this.total };
  }

  /** The pages of a layout that holds all the text. */
  finish(): Layout {
    if (!this.empty()) this.pages.push(this.page);
    return { pages: this.pages };
  }

  private empty(): boolean {
    return this.page.lines.length === 0 && this.page.rules.length === 0;
  }

  /** Space above a block of style `s`: none at the top of a page. */
  private gap(s: StyleMetrics): number {
    return this.empty() ? 0 : s.before;
  }

  /** Ends the page (an empty one goes on being filled); false once `maxPages` are full. */
  private newPage(): boolean {
    if (this.empty()) return true;
    this.pages.push(this.page);
    this.page = { lines: [], rules: [] };
    this.y = this.margin;
    return this.pages.length < this.maxPages;
  }

  /** A block's logical lines wrapped to the text width, less their indentation and hang. */
  private rowsOf(block: TextBlock): Row[] {
    const { measure } = this;
    return block.lines.flatMap((line) => {
      const indent = line.level * this.levelIndent;
      const m = (s: string) => measure(s, block.style);
      const hang = line.hang ? Math.min(m(line.text.slice(0, line.hang)), (this.textWidth - indent) / 2) : 0;
      return wrapLine(line.text, this.textWidth - indent - hang, m).map((text, i) => ({ text, indent: indent + (i > 0 ? hang : 0) }));
    });
  }

  /** A horizontal rule, a line high, on a new page when it does not fit. */
  private rule(s: StyleMetrics): boolean {
    if (this.y + this.gap(s) + s.lineHeight > this.bottom && !this.newPage()) return false;
    this.y += this.gap(s) + s.lineHeight / 2;
    if (!this.empty() || this.y > this.margin) this.page.rules.push(Math.round(this.y));
    this.y += s.lineHeight / 2;
    return true;
  }

  /** A main heading opens a page that is already partly filled; any heading goes with the start of what follows. */
  private placeHeading(style: TextStyle, rows: Row[], next: TextBlock | undefined): boolean {
    const s = this.styles[style];
    const filled = (this.y - this.margin) / (this.bottom - this.margin);
    const following = next && !next.rule ? Math.min(2, this.rowsOf(next).length) * this.styles[next.style].lineHeight + this.styles[next.style].before : 0;
    const need = this.gap(s) + rows.length * s.lineHeight + following;
    const opens = (style === 'h1' && filled > 0.25) || (style === 'h2' && filled > 0.5);
    return !(opens || this.y + need > this.bottom) || this.newPage();
  }

  /** A block's rows, as many on each page as fit, new pages as they are needed. */
  private placeRows(rows: Row[], style: TextStyle): boolean {
    const s = this.styles[style];
    let at = 0;
    while (at < rows.length) {
      const take = this.rowsHere(rows.length - at, s);
      if (take > 0) {
        this.y += this.gap(s);
        for (const row of rows.slice(at, at + take)) this.place(row, style, s);
        at += take;
      }
      if (at < rows.length && !this.newPage()) return false;
    }
    return true;
  }

  /** How many of a block's `left` rows go on this page: those that fit, if the block is not broken too near either end. */
  private rowsHere(left: number, s: StyleMetrics): number {
    const room = Math.floor((this.bottom - this.y - this.gap(s)) / s.lineHeight);
    let take = Math.min(room, left);
    if (take < left && !this.empty()) {
      // Breaking inside the paragraph: at least two rows on each side, and a short paragraph moves whole.
      take = left <= 4 ? 0 : Math.min(take, left - 2);
      if (take < 2) take = 0;
    }
    if (take <= 0 && this.empty()) take = 1;
    return take;
  }

  /** One row on the page, with its box and its words' boxes. */
  private place(row: Row, style: TextStyle, s: StyleMetrics): void {
    const { measure } = this;
    const x = this.margin + row.indent;
    const baseline = this.y + (s.lineHeight - s.size) / 2 + ASCENT * s.size;
    this.y += s.lineHeight;
    this.laid += row.text.length;
    const text = row.text.trim();
    if (!text) return;
    const start = x + measure(row.text.slice(0, row.text.length - row.text.trimStart().length), style);
    const top = Math.round(baseline - ASCENT * s.size);
    const under = Math.round(baseline + (1 - ASCENT) * s.size);
    const span = (from: number, to: number): Box => [Math.round(start + measure(text.slice(0, from), style)), top, Math.round(start + measure(text.slice(0, to), style)), under];
    const words = [...text.matchAll(WORD)].map((m) => ({ text: m[0], box: span(m.index, m.index + m[0].length) }));
    this.page.lines.push({ text, style, x: start, baseline, box: span(0, text.length), words });
  }
}
