/** Text files as pages (pure parts): decoding, Markdown's markup taken out, wrapping and page breaks. */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { decodeText, markdownBlocks, plainBlocks, stripInline, textFileBlocks, textTypeOf, type TextStyle } from '../../src/ingest/text-blocks.ts';
import { layoutPages, letterPage, pageMargin, textStyles, wrapLine, type Measure } from '../../src/ingest/text-layout.ts';

const HEIGHT = 2000;
/** Fixed-width type: a character is 0.6 of the font size wide, as a monospace face. */
const fixed: Measure = (text: string, style: TextStyle) => text.length * 0.6 * textStyles(HEIGHT)[style].size;
const utf8 = (s: string) => new TextEncoder().encode(s);

/** The AppError reading `name` as the text file its name says it is (decoded, then its blocks) gives. */
function refused(bytes: Uint8Array, name: string): AppError {
  try {
    textFileBlocks(bytes, name, textTypeOf(name)!);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error(`${name} should have been refused`);
}

describe('decodeText', () => {
  it('reads UTF-8 (with or without a byte-order mark) and UTF-16 with one', () => {
    expect(decodeText(utf8('Grüße, 世界\n'), 'a.txt')).toBe('Grüße, 世界\n');
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('bom')]), 'a.txt')).toBe('bom');
    expect(decodeText(new Uint8Array([0xff, 0xfe, 0x68, 0, 0x69, 0]), 'a.txt')).toBe('hi');
  });
  it('refuses binary, invalid UTF-8 and files with no text, saying which file', () => {
    const zip = refused(new Uint8Array([0x50, 0x4b, 3, 4, 20, 0, 0, 0]), 'notes.txt');
    expect([zip.code, zip.message]).toEqual(['unsupported-file', expect.stringContaining('“notes.txt” is not plain text')]);
    expect(refused(new Uint8Array([0x61, 0xc3, 0x28, 0x62]), 'latin.md').code).toBe('unsupported-file');
    const blank = refused(utf8(' \n\t\n'), 'blank.txt');
    expect([blank.code, blank.message]).toEqual(['empty-file', '“blank.txt” holds no text.']);
    // Markdown with nothing but markup (a link definition, an empty heading, an empty code block) holds no text either.
    const markup = refused(utf8('[ref]: https://x.test\n#\n```\n```\n\n'), 'refs.md');
    expect([markup.code, markup.message]).toEqual(['empty-file', '“refs.md” holds no text.']);
    expect(textFileBlocks(utf8(' \n---\n'), 'rule.md', 'markdown')).toEqual([{ style: 'body', lines: [], rule: true }]);
  });
  it('keeps text copied out of a PDF with a stray control character (as a space), and refuses text full of them', () => {
    const page = `Question 3 A1\n${'Every submission is reviewed by two readers. '.repeat(40)}\n\u00033 A2 done`;
    expect(decodeText(utf8(page), 'review.txt')).toContain('\n 3 A2 done');
    const dense = Array.from({ length: 400 }, (_, i) => String.fromCharCode(i % 2 ? 0x41 : 0x03)).join('');
    expect(refused(utf8(dense), 'dump.txt').code).toBe('unsupported-file');
  });
  it('knows text files by name', () => {
    expect(['a.TXT', 'b.md', 'c.markdown', 'd.pdf', 'e.txt.gz'].map(textTypeOf)).toEqual(['text', 'markdown', 'markdown', null, null]);
  });
});

describe('Markdown', () => {
  it('takes inline markup out, keeping code spans and escapes as written', () => {
    expect(stripInline('Some **bold**, *em*, _under_ and ~~gone~~ words')).toBe('Some bold, em, under and gone words');
    expect(stripInline('See [the docs](https://x.test/a_b) and ![a chart](c.png), <https://y.test>')).toBe('See the docs and a chart, https://y.test');
    expect(stripInline('call `a_b * c_d` or snake_case_name, 2 * 3 * 4, \\*literal\\*')).toBe('call a_b * c_d or snake_case_name, 2 * 3 * 4, *literal*');
  });
  it('reads headings, paragraphs, lists, quotes, code, tables and rules', () => {
    const md = [
      '---', 'title: Notes', '---',
      '# Title #', '', 'A paragraph', 'on two lines.  ', 'Hard break.', '',
      'Setext', '======', '',
      '- one', '  - nested **item**', '1. first', '- [x] done', '',
      '> quoted *text*', '', '```ts', 'const a = `x` * 2;', '```', '',
      '| a | b |', '|---|:-:|', '| 1 | **2** |', '', '***', '[ref]: https://x.test', '## Sub',
    ].join('\n');
    const blocks = markdownBlocks(md);
    const summary = blocks.map((b) => [b.style, b.rule ? '<rule>' : b.lines.map((l) => (l.level ? `${l.level}:` : '') + l.text).join(' / ')]);
    expect(summary).toEqual([
      ['mono', '--- / title: Notes / ---'],
      ['h1', 'Title'],
      ['body', 'A paragraph on two lines. / Hard break.'],
      ['h1', 'Setext'],
      ['body', '• one / 1:• nested item / 1. first / • ☑ done'],
      ['body', '1:quoted text'],
      ['mono', 'const a = `x` * 2;'],
      ['mono', '| a | b | / | 1 | 2 |'],
      ['body', '<rule>'],
      ['h2', 'Sub'],
    ]);
    expect(blocks[4]!.lines[0]!.hang).toBe(2);
  });
});

describe('plain text', () => {
  it('keeps every line as written, paragraphs between blank lines, a form feed as a page break', () => {
    const blocks = plainBlocks('one\n\ttwo\r\n\n\nthree   \fnext page');
    expect(blocks.map((b) => [b.lines.map((l) => l.text), b.pageBreak ?? false])).toEqual([
      [['one', '    two'], false],
      [['three'], false],
      [['next page'], true],
    ]);
    // A wrapped line continues under its own indentation.
    expect(blocks[0]!.lines.map((l) => l.hang)).toEqual([0, 4]);
  });
});

describe('layout', () => {
  it('wraps at spaces, and inside a word only when it alone is too wide', () => {
    const m = (s: string) => s.length;
    expect(wrapLine('the quick brown fox jumps', 10, m)).toEqual(['the quick', 'brown fox', 'jumps']);
    expect(wrapLine('a abcdefghijklmnopqrstuvwxyz b', 10, m)).toEqual(['a', 'abcdefghij', 'klmnopqrst', 'uvwxyz b']);
    expect(wrapLine('    indented', 20, m)).toEqual(['    indented']);
    expect(wrapLine('', 20, m)).toEqual(['']);
  });

  it('fills letter pages with about 50 lines of 80 columns, each line boxed inside the margins', () => {
    const text = Array.from({ length: 200 }, (_, i) => `line ${i + 1} ${'x'.repeat(60)}`).join('\n');
    const { pages, laidShare } = layoutPages(plainBlocks(text), fixed, HEIGHT);
    expect(laidShare).toBeUndefined();
    expect(letterPage(HEIGHT)).toEqual({ width: 1545, height: 2000 });
    const perPage = pages.map((p) => p.lines.length);
    expect(perPage.reduce((a, b) => a + b)).toBe(200);
    expect(perPage[0]).toBeGreaterThanOrEqual(45);
    expect(perPage[0]).toBeLessThanOrEqual(55);
    // 80 columns fit the text width.
    expect(fixed('x'.repeat(80), 'mono')).toBeLessThanOrEqual(1545 - 2 * pageMargin(HEIGHT));
    const margin = pageMargin(HEIGHT);
    for (const line of pages.flatMap((p) => p.lines)) {
      const [x1, y1, x2, y2] = line.box;
      expect(x1).toBe(margin);
      expect(x2).toBeLessThanOrEqual(1545 - margin);
      expect(y1).toBeGreaterThanOrEqual(margin - 1);
      expect(y2).toBeLessThanOrEqual(HEIGHT - margin + 1);
      expect(y2 - y1).toBeCloseTo(textStyles(HEIGHT).mono.size, -1);
    }
    expect(pages[1]!.lines[0]!.text).toBe(`line ${perPage[0]! + 1} ${'x'.repeat(60)}`);
    const line = pages[0]!.lines[0]!;
    expect(line.words.map((w) => w.text)).toEqual(['line', '1', 'x'.repeat(60)]);
    expect(line.words[1]!.box[0]).toBe(Math.round(margin + fixed('line ', 'mono')));
  });

  it('breaks between paragraphs: a short one moves whole, a long one is split with two lines or more on each side', () => {
    const paragraph = (name: string, lines: number) => Array.from({ length: lines }, (_, i) => `${name} l${i}`).join('\n');
    const pagesOf = (...parts: [string, number][]) =>
      layoutPages(plainBlocks(parts.map(([name, n]) => paragraph(name, n)).join('\n\n')), fixed, HEIGHT).pages.map((p) => [p.lines[0]!.text, p.lines.at(-1)!.text]);
    // 53 rows fill a page; 50 leave room for two more after the blank line.
    expect(pagesOf(['A', 53])).toEqual([['A l0', 'A l52']]);
    expect(pagesOf(['A', 50], ['B', 3])).toEqual([['A l0', 'A l49'], ['B l0', 'B l2']]);
    // Room for one line only: the paragraph moves rather than leave a line behind.
    expect(pagesOf(['A', 51], ['C', 10])).toEqual([['A l0', 'A l50'], ['C l0', 'C l9']]);
    expect(pagesOf(['A', 40], ['D', 20])).toEqual([['A l0', 'D l11'], ['D l12', 'D l19']]);
    // Twelve would fit, but would leave one line alone on the next page.
    expect(pagesOf(['A', 40], ['E', 13])).toEqual([['A l0', 'E l10'], ['E l11', 'E l12']]);
  });

  it('starts a main heading on a new page once the page is partly filled, and keeps any heading with what follows', () => {
    const filler = Array.from({ length: 14 }, (_, i) => `Sentence ${i} of a paragraph that fills some of the page.`).join(' ');
    const md = `# One\n\n${filler}\n\n${filler}\n\n# Two\n\nShort.\n\n### Three\n\nText under three.`;
    const { pages } = layoutPages(markdownBlocks(md), fixed, HEIGHT);
    expect(pages.map((p) => p.lines[0]!.text)).toEqual(['One', 'Two']);
    expect(pages[1]!.lines.map((l) => l.style)).toEqual(['h1', 'body', 'h3', 'body']);
    const [h1, body] = pages[1]!.lines;
    expect(h1!.box[3] - h1!.box[1]).toBeGreaterThan(body!.box[3] - body!.box[1]);
  });

  it('stops at maxPages and says how much of the text was laid out', () => {
    const text = Array.from({ length: 500 }, (_, i) => `line ${i}`).join('\n');
    const { pages, laidShare } = layoutPages(plainBlocks(text), fixed, HEIGHT, 2);
    expect(pages).toHaveLength(2);
    expect(laidShare).toBeGreaterThan(0.1);
    expect(laidShare).toBeLessThan(0.3);
  });
});
