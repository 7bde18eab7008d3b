/**
 * One document's pages as BM25 sees them, packed: each field is a sorted vocabulary (one string,
 * terms joined by newlines) with its postings in typed arrays. Nothing a page says ever becomes an
 * object key (`constructor` is a word like any other), the stored form is a handful of strings and
 * typed arrays that IndexedDB clones fast, and a term is found by binary search.
 *
 * Two fields: `body`, the page's own words and adjacent-word phrases; `context`, what the page is
 * about beyond its own words: the headings in force where it starts (carried over from earlier
 * pages) and its own headings (see page-context.ts).
 */
import { analyze } from './analyze.ts';
import { statementTerms } from './financial-terms.ts';
import { pageContexts, type ContextLine } from './page-context.ts';

export const TEXT_INDEX_VERSION = 4;

/** A page handed to the index: its text, its lines (for headings) and whether OCR read it. */
export interface IndexPage {
  pageId: string;
  text: string;
  lines?: readonly ContextLine[];
  ocr?: boolean;
}

export interface PackedField {
  /** Sorted distinct terms joined by '\n' (a term never holds whitespace other than a phrase's one space). */
  vocabulary: string;
  /** Term i's postings are `postings[offsets[i] .. offsets[i + 1])`, as page, frequency pairs. */
  offsets: Uint32Array;
  postings: Uint32Array;
  /** Terms per page. */
  lengths: Uint32Array;
  /**
   * Per term: its highest frequency on one page, capped at 255 (255: that many or more). A search
   * bounds what the term can add to any page of the document without reading its postings.
   */
  maxFrequency: Uint8Array;
}

/** The stored form of one document's index. */
export interface DocumentTerms {
  version: typeof TEXT_INDEX_VERSION;
  docId: string;
  pageIds: string[];
  /** 1 where the page's text was read by OCR (run-together words are matched there). */
  ocr: Uint8Array;
  body: PackedField;
  context: PackedField;
  /** Per body term: the pages holding it in their body or their headings (BM25F's document frequency). */
  bodyOrContext: Uint32Array;
}

/** A field ready to search: the vocabulary split once. */
export interface Field extends Omit<PackedField, 'vocabulary'> {
  terms: readonly string[];
  /** Positions of the single words (the terms that are not phrases), in order. */
  words: Uint32Array;
}

/** A document ready to search. */
export interface IndexedDocument {
  docId: string;
  pageIds: readonly string[];
  ocr: Uint8Array;
  body: Field;
  context: Field;
  bodyOrContext: Uint32Array;
}

export function buildDocumentTerms(docId: string, pages: readonly IndexPage[]): DocumentTerms {
  const contexts = pageContexts(pages.map((p) => p.lines ?? linesOf(p.text)));
  const body = packField(pages.map((p) => withPhrases(analyze(p.text))));
  const context = packField(contexts.map((text) => [...analyze(text), ...statementTerms(text).map((s) => s.term)]));
  return {
    version: TEXT_INDEX_VERSION,
    docId,
    pageIds: pages.map((p) => p.pageId),
    ocr: Uint8Array.from(pages, (p) => (p.ocr ? 1 : 0)),
    body,
    context,
    bodyOrContext: bodyOrContextFrequencies(openField(body), openField(context)),
  };
}

/** For each body term, how many pages hold it in the body or the headings (a merge of two sorted page lists). */
function bodyOrContextFrequencies(body: Field, context: Field): Uint32Array {
  const out = new Uint32Array(body.terms.length);
  body.terms.forEach((term, at) => {
    const other = findTerm(context, term);
    let count = documentFrequency(body, at);
    if (other >= 0) {
      let i = body.offsets[at]!;
      let j = context.offsets[other]!;
      while (j < context.offsets[other + 1]!) {
        while (i < body.offsets[at + 1]! && body.postings[i]! < context.postings[j]!) i += 2;
        if (i >= body.offsets[at + 1]! || body.postings[i] !== context.postings[j]) count++;
        j += 2;
      }
    }
    out[at] = count;
  });
  return out;
}

/** A stored index opened for searching; null when it is not this version's (build it again). */
export function openDocumentTerms(stored: unknown): IndexedDocument | null {
  if (!isCurrent(stored)) return null;
  return { docId: stored.docId, pageIds: stored.pageIds, ocr: stored.ocr, body: openField(stored.body), context: openField(stored.context), bodyOrContext: stored.bodyOrContext };
}

export function indexDocument(docId: string, pages: readonly IndexPage[]): IndexedDocument {
  return openDocumentTerms(buildDocumentTerms(docId, pages))!;
}

/** The position of `term` in the field's vocabulary, or -1. */
export function findTerm(field: Field, term: string): number {
  const { terms } = field;
  let low = 0;
  let high = terms.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const at = terms[middle]!;
    if (at === term) return middle;
    if (at < term) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}

/** Where the term's postings in this field hold `page` (as a pair index), or -1: a binary search over the sorted pages. */
export function postingOf(field: Field, position: number, page: number): number {
  let low = field.offsets[position]! / 2;
  let high = field.offsets[position + 1]! / 2 - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const at = field.postings[2 * middle]!;
    if (at === page) return 2 * middle;
    if (at < page) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}

/** Pages (by index) holding the term in this field. */
export function documentFrequency(field: Field, position: number): number {
  return position < 0 ? 0 : (field.offsets[position + 1]! - field.offsets[position]!) / 2;
}

function withPhrases(terms: string[]): string[] {
  const out = terms.slice();
  for (let i = 1; i < terms.length; i++) out.push(`${terms[i - 1]} ${terms[i]}`);
  return out;
}

/** Each page's terms (phrases included) counted and laid out by sorted term. */
function packField(pages: readonly string[][]): PackedField {
  const byTerm = new Map<string, number[]>();
  const lengths = new Uint32Array(pages.length);
  pages.forEach((terms, page) => {
    const counts = new Map<string, number>();
    for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
    lengths[page] = terms.filter((t) => !t.includes(' ')).length;
    for (const [term, count] of counts) {
      let list = byTerm.get(term);
      if (!list) byTerm.set(term, (list = []));
      list.push(page, count);
    }
  });
  const terms = [...byTerm.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const offsets = new Uint32Array(terms.length + 1);
  const maxFrequency = new Uint8Array(terms.length);
  let total = 0;
  terms.forEach((term, i) => {
    offsets[i] = total;
    const list = byTerm.get(term)!;
    total += list.length;
    let most = 0;
    for (let j = 1; j < list.length; j += 2) most = Math.max(most, list[j]!);
    maxFrequency[i] = Math.min(255, most);
  });
  offsets[terms.length] = total;
  const postings = new Uint32Array(total);
  terms.forEach((term, i) => postings.set(byTerm.get(term)!, offsets[i]!));
  return { vocabulary: terms.join('\n'), offsets, postings, lengths, maxFrequency };
}

function openField(field: PackedField): Field {
  const terms = field.vocabulary === '' ? [] : field.vocabulary.split('\n');
  const words = new Uint32Array(terms.length);
  let count = 0;
  terms.forEach((term, at) => {
    if (!term.includes(' ')) words[count++] = at;
  });
  return { terms, words: words.slice(0, count), offsets: field.offsets, postings: field.postings, lengths: field.lengths, maxFrequency: field.maxFrequency };
}

/** Plain text's lines, for pages stored without line boxes (no heading sizes to read). */
function linesOf(text: string): ContextLine[] {
  return text.split('\n').map((line) => ({ text: line }));
}

function isCurrent(value: unknown): value is DocumentTerms {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<DocumentTerms>;
  return v.version === TEXT_INDEX_VERSION && typeof v.docId === 'string' && Array.isArray(v.pageIds) && v.ocr instanceof Uint8Array && v.bodyOrContext instanceof Uint32Array && isField(v.body) && isField(v.context);
}

function isField(value: unknown): value is PackedField {
  if (typeof value !== 'object' || value === null) return false;
  const f = value as Partial<PackedField>;
  return typeof f.vocabulary === 'string' && f.offsets instanceof Uint32Array && f.postings instanceof Uint32Array && f.lengths instanceof Uint32Array && f.maxFrequency instanceof Uint8Array;
}
