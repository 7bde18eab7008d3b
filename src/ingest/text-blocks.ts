/**
 * Plain-text and Markdown files as blocks of text to lay out on pages (pure): the bytes decoded
 * (UTF-8, or UTF-16 with its byte-order mark; binary refused), a text file's paragraphs kept line
 * for line, and Markdown's structure read from its lines with the markup characters taken out.
 * The text stays data throughout: nothing here is ever HTML.
 */
import { AppError } from '../errors.ts';

/** How a block is set: body text, monospace (plain text, code, tables) or a heading level. */
export type TextStyle = 'body' | 'mono' | 'h1' | 'h2' | 'h3' | 'h4';

/** One logical line: wrapped on the page, its continuation lines indented by `hang` (in characters). */
export interface BlockLine {
  text: string;
  /** Indentation of the whole line, in nesting levels (lists, quotes). */
  level: number;
  /** Leading characters (a list marker, a text line's indentation) the continuation lines align after. */
  hang: number;
}

export interface TextBlock {
  style: TextStyle;
  lines: BlockLine[];
  /** A page break before this block (a form feed in a text file). */
  pageBreak?: boolean;
  /** A horizontal rule (Markdown's ---), drawn with no text. */
  rule?: boolean;
}

/** Text files by name: the bytes must then be text. */
export function textTypeOf(name: string): 'text' | 'markdown' | null {
  if (/\.txt$/i.test(name)) return 'text';
  if (/\.(md|markdown)$/i.test(name)) return 'markdown';
  return null;
}

/** C0 controls other than tab, line feed, vertical tab, form feed and carriage return; and DEL. */
const CONTROLS = /[\u0001-\u0008\u000e-\u001f\u007f]/g;
/** Text copied out of PDFs keeps a stray control character here and there; binary data is full of them. */
const MOST_CONTROLS = (length: number) => Math.max(16, length / 100);

/**
 * The file's text, or an AppError when it is not text (a NUL, controls in more than one character
 * of a hundred, not UTF-8). Stray controls become spaces. Whether it holds any text is for
 * `textFileBlocks` to say.
 */
export function decodeText(bytes: Uint8Array, name: string): string {
  const encoding = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : 'utf-8';
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    text = '\u0000';
  }
  if (text.includes('\u0000') || (text.match(CONTROLS)?.length ?? 0) > MOST_CONTROLS(text.length)) {
    throw new AppError('unsupported-file', `“${name}” is not plain text (it holds binary data, or text that is not UTF-8), so it cannot be added. Save it as UTF-8 text and try again.`);
  }
  return text.replace(CONTROLS, ' ');
}

/**
 * A text or Markdown file's blocks, or an AppError when it is not text (see `decodeText`) or holds
 * no text to lay out: blank, or (Markdown) nothing but markup such as link definitions. The one
 * check that a text file holds text.
 */
export function textFileBlocks(bytes: Uint8Array, name: string, type: 'text' | 'markdown'): TextBlock[] {
  const text = decodeText(bytes, name);
  const blocks = type === 'markdown' ? markdownBlocks(text) : plainBlocks(text);
  if (!blocks.length) throw new AppError('empty-file', `“${name}” holds no text.`);
  return blocks;
}

/** Tabs to spaces, to the next multiple of four columns. */
function expandTabs(line: string): string {
  if (!line.includes('\t')) return line;
  const [first, ...rest] = line.split('\t');
  return rest.reduce((out, part) => out + ' '.repeat(4 - (out.length % 4)) + part, first!);
}

const lineOf = (text: string, level = 0, hang = 0): BlockLine => ({ text, level, hang });

/** A text file: paragraphs between blank lines, every line as written (monospace); a form feed starts a page. */
export function plainBlocks(text: string): TextBlock[] {
  const blocks: TextBlock[] = [];
  text.split('\f').forEach((part, i) => {
    let lines: string[] = [];
    let pageBreak = i > 0;
    const flush = () => {
      // A wrapped line continues under its own indentation.
      if (lines.length) blocks.push({ style: 'mono', lines: lines.map((l) => lineOf(l, 0, l.length - l.trimStart().length)), ...(pageBreak ? { pageBreak } : {}) });
      if (lines.length) pageBreak = false;
      lines = [];
    };
    for (const raw of part.split(/\r\n|\r|\n/)) {
      const line = expandTabs(raw).trimEnd();
      if (line) lines.push(line);
      else flush();
    }
    flush();
  });
  return blocks;
}

/** Inline Markdown markup taken out (each span at most 1,000 characters, so no line takes long): code spans and escapes kept literally, emphasis marks, links → their text, images → their alt text. */
export function stripInline(text: string): string {
  const literal: string[] = [];
  // Code spans and backslash escapes are kept as written: put aside, then put back.
  const keep = (value: string) => `\uE000${literal.push(value) - 1}\uE001`;
  let out = text.replace(/(`+)(.{1,1000}?)\1|\\([!-/:-@[-`{-~])/g, (_, _ticks: string, code: string | undefined, escaped: string | undefined) =>
    keep(code !== undefined ? code.trim() || code : escaped!),
  );
  out = out
    .replace(/!\[([^\]]{0,1000})\]\([^)]{0,2000}\)/g, '$1')
    .replace(/\[([^\]]{1,1000})\]\([^)]{0,2000}\)/g, '$1')
    .replace(/\[([^\]]{1,1000})\]\[[^\]]{0,1000}\]/g, '$1')
    .replace(/<((?:https?|mailto|ftp):[^>\s]{1,2000})>/gi, '$1')
    .replace(/(\*\*|__)(?=\S)(.{1,1000}?)(?<=\S)\1/g, '$2')
    .replace(/\*(?=\S)(.{1,1000}?)(?<=\S)\*/g, '$1')
    .replace(/(?<![\p{L}\p{N}_])_(?=\S)(.{1,1000}?)(?<=\S)_(?![\p{L}\p{N}_])/gu, '$1')
    .replace(/~~(?=\S)(.{1,1000}?)(?<=\S)~~/g, '$1');
  return out.replace(/\uE000(\d+)\uE001/g, (_, i: string) => literal[Number(i)]!);
}

const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const LIST = /^([ \t]*)([-*+]|\d{1,9}[.)])[ \t]+(.*)$/;
const QUOTE = /^ {0,3}>[ \t]?/;
const TABLE_SEPARATOR = /^\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?$/;
const REFERENCE = /^ {0,3}\[[^\]]+\]:[ \t]*\S+/;

/** Markdown: headings, paragraphs (reflowed), lists, quotes, code blocks, tables and rules, with the markup taken out. */
export function markdownBlocks(text: string): TextBlock[] {
  const lines = text.split(/\r\n|\r|\n/).map(expandTabs);
  const read: MarkdownRead = { blocks: [], open: null, joining: false };
  for (let i = frontMatter(lines, read.blocks); i < lines.length; i++) {
    const fence = FENCE.exec(lines[i]!);
    if (fence) i = codeBlock(lines, i, fence[1]!, read);
    else readLine(lines[i]!, read);
  }
  return read.blocks.filter((b) => b.rule || b.lines.some((l) => l.text.trim()));
}

/** Markdown read so far: its blocks, the block lines are being added to, and whether the next text line joins its last line. */
interface MarkdownRead {
  blocks: TextBlock[];
  open: TextBlock | null;
  /** The paragraph line being joined from source lines. */
  joining: boolean;
}

/** Ends the open block: the next line starts a new one. */
function closeBlock(read: MarkdownRead): void {
  read.open = null;
  read.joining = false;
}

/** Opens a new block of `style` that lines are added to. */
function openBlock(read: MarkdownRead, style: TextStyle): TextBlock {
  read.open = { style, lines: [] };
  read.blocks.push(read.open);
  return read.open;
}

/** YAML front matter (--- to --- at the top) as a monospace block, shown as written; returns the first line after it. */
function frontMatter(lines: readonly string[], blocks: TextBlock[]): number {
  if (lines[0]?.trim() !== '---') return 0;
  const end = lines.indexOf('---', 1);
  if (end <= 0) return 0;
  blocks.push({ style: 'mono', lines: lines.slice(0, end + 1).map((l) => lineOf(l)) });
  return end + 1;
}

/** A fenced code block opened by `fence` at line `at`, its lines as written; returns its closing fence's line (or the last line's next). */
function codeBlock(lines: readonly string[], at: number, fence: string, read: MarkdownRead): number {
  const closing = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}[ \\t]*$`);
  const code: BlockLine[] = [];
  let i = at + 1;
  for (; i < lines.length && !closing.test(lines[i]!); i++) code.push(lineOf(lines[i]!.trimEnd()));
  if (code.length) read.blocks.push({ style: 'mono', lines: code });
  closeBlock(read);
  return i;
}

/** A line outside code blocks: blank, a Setext underline, a heading, a rule, a link definition, a table row, or text. */
function readLine(raw: string, read: MarkdownRead): void {
  if (!raw.trim()) return closeBlock(read);
  const para = read.open;
  // Setext headings: a paragraph line underlined with === or ---.
  if (para?.style === 'body' && read.joining && para.lines.length === 1 && /^ {0,3}(=+|-+)[ \t]*$/.test(raw)) {
    para.style = raw.trim()[0] === '=' ? 'h1' : 'h2';
    return closeBlock(read);
  }
  const heading = HEADING.exec(raw);
  if (heading) {
    const level = Math.min(heading[1]!.length, 4);
    const words = stripInline(heading[2] ?? '').trim();
    if (words) read.blocks.push({ style: `h${level}` as TextStyle, lines: [lineOf(words)] });
    return closeBlock(read);
  }
  if (RULE.test(raw)) {
    read.blocks.push({ style: 'body', lines: [], rule: true });
    return closeBlock(read);
  }
  if (REFERENCE.test(raw)) return;
  const trimmed = raw.trim();
  if (trimmed.startsWith('|')) return tableRow(trimmed, read);
  textLine(raw, read);
}

/** A table row, monospace as written less its inline markup; the separator row is left out. */
function tableRow(trimmed: string, read: MarkdownRead): void {
  if (TABLE_SEPARATOR.test(trimmed)) return;
  const open = read.open;
  const table = open?.style === 'mono' && !read.joining ? open : openBlock(read, 'mono');
  table.lines.push(lineOf(stripInline(trimmed)));
}

/** A line of text, its quote marks counted as levels: a list item starts a line of its own, other text joins the paragraph's last line unless that ended in a hard break. */
function textLine(raw: string, read: MarkdownRead): void {
  let body = raw;
  let level = 0;
  while (QUOTE.test(body)) {
    body = body.replace(QUOTE, '');
    level++;
  }
  const item = LIST.exec(body);
  const open = read.open;
  const block = open?.style === 'body' ? open : openBlock(read, 'body');
  if (item) {
    const marker = /\d/.test(item[2]!) ? item[2]! : '•';
    const text = stripInline(item[3]!.replace(/^\[([ xX])\]\s+/, (_, done: string) => (done === ' ' ? '☐ ' : '☑ ')));
    block.lines.push(lineOf(`${marker} ${text}`, level + Math.floor(item[1]!.length / 2), marker.length + 1));
    read.joining = true;
    return;
  }
  const hardBreak = /( {2,}|\\)$/.test(body);
  const words = stripInline(body.trim().replace(/\\$/, ''));
  const last = block.lines.at(-1);
  if (read.joining && last) last.text += ` ${words}`;
  else block.lines.push(lineOf(words, level));
  read.joining = !hardBreak;
}
