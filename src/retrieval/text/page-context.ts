/**
 * What a page is about beyond its own words: the headings in force where it starts and its own
 * headings. A 10-K's cash flow statement runs over two pages and a note over five; the pages after
 * the first carry numbers, not the title that says what they are. A heading is a short line set
 * larger than the page's body text, in capitals, or in title case, without the digits of a table
 * row. Headings repeated on many pages (running heads: "Table of Contents", the company's name)
 * carry nothing and are left out.
 */
export interface ContextLine {
  text: string;
  /** Left, top, right, bottom, in page pixels (absent for plain text). */
  box?: readonly number[];
}

/** How many of the latest headings before a page are carried onto it. */
const CARRIED = 3;
/** A heading on more than this share of the pages is a running head. */
const RUNNING_SHARE = 0.3;

/** Each page's context text: its own headings, or those carried onto it when it has none. */
export function pageContexts(pages: readonly (readonly ContextLine[])[]): string[] {
  const headings = pages.map(headingsOf);
  const pagesWith = new Map<string, number>();
  for (const list of headings) for (const key of new Set(list.map(keyOf))) pagesWith.set(key, (pagesWith.get(key) ?? 0) + 1);
  const limit = Math.max(2, RUNNING_SHARE * pages.length);
  const carried: string[] = [];
  return headings.map((list) => {
    const own = list.filter((h) => (pagesWith.get(keyOf(h)) ?? 0) <= limit);
    // A page with headings of its own is about them; one without continues the last section.
    const context = (own.length ? own : carried).join('\n');
    carried.push(...own);
    carried.splice(0, Math.max(0, carried.length - CARRIED));
    return context;
  });
}

const keyOf = (heading: string) => heading.toLowerCase().replace(/[^\p{L}]+/gu, ' ').trim();

export function headingsOf(lines: readonly ContextLine[]): string[] {
  const heights = lines.flatMap((l) => (l.box && wordCount(l.text) >= 4 ? [l.box[3]! - l.box[1]!] : [])).sort((a, b) => a - b);
  const body = heights.length ? heights[Math.floor(heights.length / 2)]! : 0;
  return lines.filter((line) => isHeading(line, body)).map((l) => l.text.trim());
}

function isHeading(line: ContextLine, bodyHeight: number): boolean {
  const text = line.text.trim();
  const words = wordCount(text);
  if (words === 0 || words > 12 || /[.;,:]$/.test(text)) return false;
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  const digits = text.match(/\p{N}/gu)?.length ?? 0;
  if (letters < 4 || digits > 0.2 * (letters + digits)) return false;
  const larger = bodyHeight > 0 && line.box !== undefined && line.box[3]! - line.box[1]! >= 1.2 * bodyHeight;
  const upper = text.match(/\p{Lu}/gu)?.length ?? 0;
  const capitals = upper >= 0.8 * letters;
  const titleCase = words >= 2 && words <= 10 && text.split(/\s+/).every((w) => !/^\p{L}{4,}/u.test(w) || /^\p{Lu}/u.test(w));
  return larger || capitals || titleCase;
}

const wordCount = (text: string) => text.match(/\p{L}+/gu)?.length ?? 0;
