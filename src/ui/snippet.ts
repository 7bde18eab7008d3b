/**
 * A short passage of a page's text around the words a search matched, split into plain and
 * matched parts so the UI can highlight them (pure: no DOM). A word is marked when its indexed
 * form is one the search matched ("revenues" for "revenue", "BRENDANHODGSON" for a similar
 * spelling), never because it merely starts like a query word.
 */
import { analyze } from '../retrieval/text/analyze.ts';

export interface SnippetPart {
  text: string;
  match: boolean;
}

const WORD = /[\p{L}\p{N}](?:[\p{L}\p{N}.,'’‐‑-]*[\p{L}\p{N}])?/gu;

/** `terms`: the indexed terms the search matched on this page; without them, the query's own terms. */
export function snippet(text: string, query: string, length = 160, terms?: ReadonlySet<string>): SnippetPart[] {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (!flat) return [];
  const wanted = terms ?? new Set(analyze(query, { query: true }));
  const isMatch = (word: string) => analyze(word).some((t) => wanted.has(t));
  let first = -1;
  for (const m of flat.matchAll(WORD)) {
    if (isMatch(m[0])) {
      first = m.index;
      break;
    }
  }
  const start = first >= 0 ? Math.max(0, first - Math.floor(length / 3)) : 0;
  const window = flat.slice(start, start + length);
  const parts: SnippetPart[] = [];
  let at = 0;
  for (const m of window.matchAll(WORD)) {
    if (!isMatch(m[0])) continue;
    if (m.index > at) parts.push({ text: window.slice(at, m.index), match: false });
    parts.push({ text: m[0], match: true });
    at = m.index + m[0].length;
  }
  if (at < window.length) parts.push({ text: window.slice(at), match: false });
  if (start > 0) parts.unshift({ text: '…', match: false });
  if (start + length < flat.length) parts.push({ text: '…', match: false });
  return parts;
}

/** The terms to mark for a result: what its words signal matched, else nothing of its own. */
export function matchedTerms(matched: readonly { terms: readonly string[] }[] | undefined): ReadonlySet<string> | undefined {
  return matched && matched.length ? new Set(matched.flatMap((m) => m.terms)) : undefined;
}

/** "found by words: India, trips; similar spelling: advertsing" for a result's matches. */
export function describeMatches(matched: readonly { word: string; similar: boolean }[]): string {
  const exact = matched.filter((m) => !m.similar).map((m) => m.word);
  const similar = matched.filter((m) => m.similar).map((m) => m.word);
  return [exact.length ? `the words ${exact.join(', ')}` : '', similar.length ? `similar spelling: ${similar.join(', ')}` : ''].filter(Boolean).join('; ');
}
