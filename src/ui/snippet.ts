/**
 * A short passage of a page's text around the query's words, split into plain and matched parts
 * so the UI can highlight them (pure: no DOM). Words match case-insensitively, by their start
 * ("revenue" matches "revenues"), so the highlight follows what the search found.
 */
export interface SnippetPart {
  text: string;
  match: boolean;
}

const WORD = /[\p{L}\p{N}]{3,}/gu;

export function snippet(text: string, query: string, length = 160): SnippetPart[] {
  const flat = text.replace(/\s+/g, ' ').trim();
  const words = [...new Set((query.toLowerCase().match(WORD) ?? []).map((w) => w.slice(0, Math.max(3, w.length - 2))))];
  if (!flat) return [];
  const lower = flat.toLowerCase();
  const first = Math.min(...words.map((w) => lower.indexOf(w)).filter((i) => i >= 0), Infinity);
  const start = Number.isFinite(first) ? Math.max(0, first - Math.floor(length / 3)) : 0;
  const window = flat.slice(start, start + length);
  const parts: SnippetPart[] = [];
  const pattern = words.length ? new RegExp(`(${words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})[\\p{L}\\p{N}]*`, 'giu') : null;
  let at = 0;
  for (const match of pattern ? window.matchAll(pattern) : []) {
    if (match.index > at) parts.push({ text: window.slice(at, match.index), match: false });
    parts.push({ text: match[0], match: true });
    at = match.index + match[0].length;
  }
  if (at < window.length) parts.push({ text: window.slice(at), match: false });
  if (start > 0) parts.unshift({ text: '…', match: false });
  if (start + length < flat.length) parts.push({ text: '…', match: false });
  return parts;
}
