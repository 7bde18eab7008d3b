/**
 * Okapi BM25F over packed per-document indexes (term-index.ts): a page's own words, plus its
 * headings context at a lower weight. A search merges the documents in scope, so document
 * frequencies and lengths are those of the pages searched. Adjacent query words that also stand
 * together on a page add a phrase score; the best pages' own words widen the query (pseudo-relevance
 * feedback). Near matches (fuzzy.ts) come in only where they earn their place and never outrank an
 * exact match of the same word; a query most of whose words match nothing, exactly or nearly, is
 * answered from its exact matches alone, and a query with no match returns nothing.
 */
import { TopK } from '../top-k.ts';
import type { ScoredPage, TermMatch } from '../types.ts';
import { closeTerms, runTogetherTerms } from './fuzzy.ts';
import { pageReferences } from './page-references.ts';
import { parseQuery, type QueryWord } from './query.ts';
import { documentFrequency, findTerm, type Field, type IndexedDocument } from './term-index.ts';

export interface Bm25Parameters {
  k1: number;
  b: number;
  /** Weight of the phrase (adjacent-pair) score next to the word score. */
  phraseWeight: number;
  /** Pseudo-relevance feedback: terms from the top pages added to the query at this weight (0: off). */
  feedbackWeight: number;
  /** A heading term counts this much of a body occurrence (BM25F field weight). */
  contextWeight: number;
}

export const BM25_PARAMETERS: Bm25Parameters = { k1: 1.2, b: 0.75, phraseWeight: 0.5, feedbackWeight: 0.2, contextWeight: 1 };

export interface TextHit extends ScoredPage {
  matched: TermMatch[];
}

const FEEDBACK_PAGES = 3;
const FEEDBACK_TERMS = 10;
/** A near match counts at most this share of the word's weakest exact match, and of its own BM25 score. */
const NEAR_WEIGHT = 0.8;

/** The documents in scope laid end to end: global page g is page g - starts[doc] of documents[doc]. */
interface Corpus {
  documents: readonly IndexedDocument[];
  starts: Uint32Array;
  docOf: Uint32Array;
  bodyLengths: Float64Array;
  contextLengths: Float64Array;
  averageBody: number;
  averageContext: number;
  parameters: Bm25Parameters;
  /** Scratch: per page frequency of the term being scored, and the pages touched. */
  frequency: Float64Array;
  touched: number[];
}

/** One score per page of the corpus. */
type Scores = Float64Array;

/** The k best pages of the documents for the query, best first; nothing for a query with no match. */
export function searchDocuments(documents: readonly IndexedDocument[], query: string, k: number, parameters = BM25_PARAMETERS): TextHit[] {
  const { words, phrases } = parseQuery(query);
  if (k <= 0 || words.length === 0 || documents.length === 0) return [];
  const corpus = corpusOf(documents, parameters);
  const scores: Scores = new Float64Array(corpus.docOf.length);
  const weakestExact = new Map<string, number>();
  for (const { term, weight } of words) {
    const weakest = addTerm(corpus, scores, term, weight, true);
    if (weakest > 0) weakestExact.set(term, weakest);
  }
  if (parameters.phraseWeight > 0) for (const phrase of phrases) addTerm(corpus, scores, phrase, parameters.phraseWeight, false);
  const near = nearTerms(corpus, words, weakestExact);
  for (const [term, candidates] of near) addNear(corpus, scores, candidates, weakestExact.get(term));
  if (weakestExact.size === 0 && near.size === 0) return [];
  if (parameters.feedbackWeight > 0) {
    // Feedback re-ranks the pages the query found; it never brings in a page holding none of its words.
    const found = scores.map((s) => (s > 0 ? 1 : 0));
    for (const term of feedbackTerms(corpus, scores, new Set(words.map((w) => w.term)))) addTerm(corpus, scores, term, parameters.feedbackWeight, true);
    scores.forEach((_, page) => (scores[page] = found[page] ? scores[page]! : 0));
  }
  boostNamedPages(corpus, query, scores);
  return topPages(corpus, scores, k).map((hit) => ({ ...hit, matched: matchesOn(documents[hit.doc]!, hit.page, words, near) }));
}

function corpusOf(documents: readonly IndexedDocument[], parameters: Bm25Parameters): Corpus {
  const starts = new Uint32Array(documents.length + 1);
  documents.forEach((d, i) => (starts[i + 1] = starts[i]! + d.pageIds.length));
  const pages = starts[documents.length]!;
  const docOf = new Uint32Array(pages);
  const bodyLengths = new Float64Array(pages);
  const contextLengths = new Float64Array(pages);
  let body = 0;
  let context = 0;
  documents.forEach((d, doc) => {
    docOf.fill(doc, starts[doc]!, starts[doc + 1]!);
    bodyLengths.set(d.body.lengths, starts[doc]!);
    contextLengths.set(d.context.lengths, starts[doc]!);
    for (const n of d.body.lengths) body += n;
    for (const n of d.context.lengths) context += n;
  });
  return {
    documents,
    starts,
    docOf,
    bodyLengths,
    contextLengths,
    averageBody: body / Math.max(1, pages) || 1,
    averageContext: context / Math.max(1, pages) || 1,
    parameters,
    frequency: new Float64Array(pages),
    touched: [],
  };
}

/**
 * Adds one term's BM25F score to every page holding it (in its body or, with `withContext`, its
 * headings); returns the smallest score a page got (0 when none holds it).
 */
function addTerm(corpus: Corpus, scores: Scores, term: string, weight: number, withContext: boolean, onlyPage?: (page: number) => boolean): number {
  const { parameters, frequency, touched } = corpus;
  const contextWeight = withContext ? parameters.contextWeight : 0;
  corpus.documents.forEach((d, doc) => {
    collect(corpus, d.body, term, corpus.starts[doc]!, 1, onlyPage);
    if (contextWeight > 0) collect(corpus, d.context, term, corpus.starts[doc]!, contextWeight, onlyPage);
  });
  const df = touched.length;
  if (df === 0) return 0;
  const idf = Math.log(1 + (corpus.docOf.length - df + 0.5) / (df + 0.5));
  const average = corpus.averageBody + contextWeight * corpus.averageContext;
  let weakest = Infinity;
  for (const page of touched) {
    const tf = frequency[page]!;
    frequency[page] = 0;
    const length = corpus.bodyLengths[page]! + contextWeight * corpus.contextLengths[page]!;
    const norm = parameters.k1 * (1 - parameters.b + (parameters.b * length) / average);
    const score = weight * idf * ((tf * (parameters.k1 + 1)) / (tf + norm));
    scores[page]! += score;
    weakest = Math.min(weakest, score);
  }
  touched.length = 0;
  return weakest;
}

/** Adds a field's postings of the term to the scratch frequencies, `weight` per occurrence. */
function collect(corpus: Corpus, field: Field, term: string, start: number, weight: number, onlyPage?: (page: number) => boolean): void {
  const at = findTerm(field, term);
  if (at < 0) return;
  const { frequency, touched } = corpus;
  for (let i = field.offsets[at]!; i < field.offsets[at + 1]!; i += 2) {
    const page = start + field.postings[i]!;
    if (onlyPage && !onlyPage(page)) continue;
    if (frequency[page] === 0) touched.push(page);
    frequency[page]! += weight * field.postings[i + 1]!;
  }
}

interface NearCandidates {
  terms: string[];
  /** OCR run-together or misread matches count on OCR pages only. */
  ocrOnly: boolean;
}

/**
 * For each query word, its near matches: typos of a word no page in scope holds (any page), and
 * run-together or misread forms on OCR pages. None unless more than half of the query's own words
 * are found, exactly or nearly: "xylophone quartet" must not find "quarterly".
 */
function nearTerms(corpus: Corpus, words: readonly QueryWord[], exact: ReadonlyMap<string, number>): Map<string, NearCandidates[]> {
  const near = new Map<string, NearCandidates[]>();
  const own = words.filter((w) => !w.optional);
  let found = 0;
  for (const { term } of own) {
    const candidates: NearCandidates[] = [];
    for (const d of corpus.documents) {
      if (!exact.has(term)) candidates.push({ terms: closeTerms(term, d.body.terms), ocrOnly: false });
      if (d.ocr.includes(1)) candidates.push({ terms: [...runTogetherTerms(term, d.body.terms), ...(exact.has(term) ? closeTerms(term, d.body.terms) : [])], ocrOnly: true });
    }
    const useful = candidates.filter((c) => c.terms.length > 0);
    if (useful.length > 0) near.set(term, useful);
    if (useful.length > 0 || exact.has(term)) found++;
  }
  return found * 2 > own.length ? near : new Map();
}

/** Near matches of one word: a page gets its best one, capped below the word's weakest exact match. */
function addNear(corpus: Corpus, scores: Scores, candidates: readonly NearCandidates[], weakestExact: number | undefined): void {
  const best = new Float64Array(scores.length);
  const isOcr = (page: number) => corpus.documents[corpus.docOf[page]!]!.ocr[page - corpus.starts[corpus.docOf[page]!]!] === 1;
  for (const { terms, ocrOnly } of candidates) {
    for (const term of new Set(terms)) {
      const scratch = new Float64Array(scores.length);
      addTerm(corpus, scratch, term, NEAR_WEIGHT, false, ocrOnly ? isOcr : undefined);
      for (let page = 0; page < best.length; page++) best[page] = Math.max(best[page]!, scratch[page]!);
    }
  }
  const cap = weakestExact === undefined ? Infinity : 0.9 * weakestExact;
  for (let page = 0; page < best.length; page++) scores[page]! += Math.min(best[page]!, cap);
}

/**
 * Pseudo-relevance feedback (RM3-style): the words that weigh most on the best pages so far, by
 * term frequency times rarity, widen the query ("working capital" also finds "current liabilities").
 * Only the documents holding those pages are read.
 */
function feedbackTerms(corpus: Corpus, scores: Scores, queryTerms: ReadonlySet<string>): string[] {
  const top = topPages(corpus, scores, FEEDBACK_PAGES);
  const weights = new Map<string, number>();
  for (const docIndex of new Set(top.map((t) => t.doc))) {
    const d = corpus.documents[docIndex]!;
    const wanted = new Set(top.filter((t) => t.doc === docIndex).map((t) => t.page));
    const { terms, offsets, postings, lengths } = d.body;
    terms.forEach((term, at) => {
      if (term.includes(' ') || queryTerms.has(term) || /^\d/.test(term)) return;
      const df = documentFrequency(d.body, at);
      const rarity = Math.log(1 + d.pageIds.length / df);
      for (let i = offsets[at]!; i < offsets[at + 1]!; i += 2) {
        const page = postings[i]!;
        if (wanted.has(page)) weights.set(term, (weights.get(term) ?? 0) + (postings[i + 1]! / Math.max(1, lengths[page]!)) * rarity);
      }
    });
  }
  return [...weights].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, FEEDBACK_TERMS).map(([term]) => term);
}

/** Pages the question names ("on page 14") rank first, in the order of their word scores. */
function boostNamedPages(corpus: Corpus, query: string, scores: Scores): void {
  const named = pageReferences(query);
  if (named.pages.length === 0 && !named.last) return;
  let top = 0;
  for (const s of scores) top = Math.max(top, s);
  corpus.documents.forEach((d, doc) => {
    const numbers = d.pageIds.map((id) => Number(id.slice(id.lastIndexOf(':') + 1)));
    const wanted = new Set(named.pages);
    if (named.last) wanted.add(Math.max(...numbers));
    numbers.forEach((n, page) => {
      if (wanted.has(n)) scores[corpus.starts[doc]! + page]! += top + 1;
    });
  });
}

interface PageHit extends ScoredPage {
  doc: number;
  page: number;
}

/** The k best-scoring pages (ties to the earlier page), without sorting them all. */
function topPages(corpus: Corpus, scores: Scores, k: number): PageHit[] {
  const top = new TopK(Math.min(k, scores.length));
  for (let page = 0; page < scores.length; page++) if (scores[page]! > 0) top.offer(scores[page]!, page);
  return top.sorted().map(({ row, score }) => {
    const doc = corpus.docOf[row]!;
    const page = row - corpus.starts[doc]!;
    return { pageId: corpus.documents[doc]!.pageIds[page]!, score, doc, page };
  });
}

/** Which query words the page holds, and through which of its terms. */
function matchesOn(d: IndexedDocument, page: number, words: readonly QueryWord[], near: ReadonlyMap<string, NearCandidates[]>): TermMatch[] {
  const matched: TermMatch[] = [];
  for (const { term, word } of words) {
    if (holds(d.body, term, page) || holds(d.context, term, page)) {
      matched.push({ word, terms: [term], similar: false });
      continue;
    }
    const similar = (near.get(term) ?? []).flatMap((c) => (c.ocrOnly && d.ocr[page] !== 1 ? [] : c.terms.filter((t) => holds(d.body, t, page))));
    if (similar.length) matched.push({ word, terms: [...new Set(similar)], similar: true });
  }
  return matched;
}

function holds(field: Field, term: string, page: number): boolean {
  const at = findTerm(field, term);
  if (at < 0) return false;
  for (let i = field.offsets[at]!; i < field.offsets[at + 1]!; i += 2) if (field.postings[i] === page) return true;
  return false;
}
