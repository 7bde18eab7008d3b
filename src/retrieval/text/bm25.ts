/**
 * Okapi BM25 over page terms, kept per document: each document's term statistics are a small
 * object stored on its own (adding a document writes only its own), and a search merges the
 * documents in scope, so document frequencies and lengths are those of the pages searched.
 * Adjacent query terms that also stand next to each other on a page add a phrase score, and the
 * best pages' own words widen the query (pseudo-relevance feedback).
 */
import type { ScoredPage } from '../types.ts';
import { analyze } from './analyze.ts';
import { closeTerms, containingTerms } from './fuzzy.ts';
import { pageReferences } from './page-references.ts';

export const TEXT_INDEX_VERSION = 1;

/** One document's pages as BM25 sees them. */
export interface DocumentTerms {
  version: typeof TEXT_INDEX_VERSION;
  docId: string;
  pageIds: string[];
  /** Terms per page. */
  lengths: number[];
  /** term → [page index, frequency, page index, frequency, …]; phrases are "a b" keys. */
  postings: Record<string, number[]>;
}

export interface Bm25Parameters {
  k1: number;
  b: number;
  /** Weight of the phrase (adjacent-pair) score next to the word score. */
  phraseWeight: number;
  /** Pseudo-relevance feedback: terms from the top pages added to the query at this weight (0: off). */
  feedbackWeight: number;
}

export const BM25_PARAMETERS: Bm25Parameters = { k1: 1.2, b: 0.75, phraseWeight: 0.5, feedbackWeight: 0.2 };

export function documentTerms(docId: string, pages: readonly { pageId: string; text: string }[]): DocumentTerms {
  const postings: Record<string, number[]> = {};
  const lengths: number[] = [];
  pages.forEach((page, index) => {
    const terms = analyze(page.text);
    lengths.push(terms.length);
    const counts = new Map<string, number>();
    for (let i = 0; i < terms.length; i++) {
      counts.set(terms[i]!, (counts.get(terms[i]!) ?? 0) + 1);
      if (i > 0) counts.set(`${terms[i - 1]} ${terms[i]}`, (counts.get(`${terms[i - 1]} ${terms[i]}`) ?? 0) + 1);
    }
    for (const [term, count] of counts) (postings[term] ??= []).push(index, count);
  });
  return { version: TEXT_INDEX_VERSION, docId, pageIds: pages.map((p) => p.pageId), lengths, postings };
}

/**
 * Pseudo-relevance feedback (RM3-style): the words that weigh most on the best pages so far, by
 * term frequency times rarity, widen the query ("working capital" also finds "current liabilities").
 * Only the documents holding those pages are read, so a library-wide search stays cheap.
 */
function feedbackTerms(documents: readonly DocumentTerms[], scores: Map<string, number>, queryWords: ReadonlySet<string>): string[] {
  const top = new Set([...scores].sort((a, b) => b[1] - a[1]).slice(0, FEEDBACK_PAGES).map(([id]) => id));
  const weights = new Map<string, number>();
  for (const d of documents) {
    const rows = d.pageIds.flatMap((id, i) => (top.has(id) ? [i] : []));
    if (rows.length === 0) continue;
    const wanted = new Set(rows);
    for (const [term, posting] of Object.entries(d.postings)) {
      if (term.includes(' ') || queryWords.has(term) || /^\d/.test(term)) continue;
      const rarity = Math.log(1 + d.pageIds.length / (posting.length / 2));
      for (let i = 0; i < posting.length; i += 2) {
        if (wanted.has(posting[i]!)) weights.set(term, (weights.get(term) ?? 0) + (posting[i + 1]! / Math.max(1, d.lengths[posting[i]!]!)) * rarity);
      }
    }
  }
  return [...weights].sort((a, b) => b[1] - a[1]).slice(0, FEEDBACK_TERMS).map(([term]) => term);
}

const FEEDBACK_PAGES = 3;
const FEEDBACK_TERMS = 10;

/** A misspelt word's near matches count a little less than the word itself would. */
const FUZZY_WEIGHT = 0.8;

/** Pages the question names ("on page 14") rank first, in the order of their word scores. */
function boostNamedPages(documents: readonly DocumentTerms[], query: string, scores: Map<string, number>): void {
  const named = pageReferences(query);
  if (named.pages.length === 0 && !named.last) return;
  const top = Math.max(0, ...scores.values()) + 1;
  for (const d of documents) {
    const numbers = d.pageIds.map((id) => Number(id.slice(id.lastIndexOf(':') + 1)));
    const wanted = new Set(named.pages);
    if (named.last) wanted.add(Math.max(...numbers));
    numbers.forEach((n, i) => {
      if (wanted.has(n)) scores.set(d.pageIds[i]!, (scores.get(d.pageIds[i]!) ?? 0) + top);
    });
  }
}

/** The k best pages of the documents for the query, best first; nothing for a query with no terms. */
export function searchDocuments(documents: readonly DocumentTerms[], query: string, k: number, parameters = BM25_PARAMETERS): ScoredPage[] {
  const words = [...new Set(analyze(query, { query: true }))];
  if (k <= 0 || words.length === 0 || documents.length === 0) return [];
  const terms = analyze(query, { query: true });
  const phrases = [...new Set(terms.slice(1).map((t, i) => `${terms[i]} ${t}`))];
  let pages = 0;
  let totalLength = 0;
  for (const d of documents) {
    pages += d.pageIds.length;
    for (const length of d.lengths) totalLength += length;
  }
  const averageLength = totalLength / Math.max(1, pages) || 1;
  const scores = new Map<string, number>();
  const add = (list: readonly string[], weight: number) => {
    for (const term of list) {
      let df = 0;
      for (const d of documents) df += (d.postings[term]?.length ?? 0) / 2;
      if (df === 0) continue;
      const idf = Math.log(1 + (pages - df + 0.5) / (df + 0.5));
      for (const d of documents) {
        const posting = d.postings[term];
        if (!posting) continue;
        for (let i = 0; i < posting.length; i += 2) {
          const page = posting[i]!;
          const tf = posting[i + 1]!;
          const norm = parameters.k1 * (1 - parameters.b + (parameters.b * d.lengths[page]!) / averageLength);
          const id = d.pageIds[page]!;
          scores.set(id, (scores.get(id) ?? 0) + weight * idf * ((tf * (parameters.k1 + 1)) / (tf + norm)));
        }
      }
    }
  };
  add(words, 1);
  if (parameters.phraseWeight > 0) add(phrases, parameters.phraseWeight);
  const unseen = words.filter((w) => !documents.some((d) => d.postings[w]));
  for (const word of unseen) {
    const near = documents.flatMap((d) => {
      const vocabulary = Object.keys(d.postings);
      return [...closeTerms(word, vocabulary), ...containingTerms(word, vocabulary)];
    });
    add([...new Set(near)], FUZZY_WEIGHT);
  }
  if (parameters.feedbackWeight > 0) add(feedbackTerms(documents, scores, new Set(words)), parameters.feedbackWeight);
  boostNamedPages(documents, query, scores);
  return [...scores]
    .map(([pageId, score]) => ({ pageId, score }))
    .sort((a, b) => b.score - a.score || (a.pageId < b.pageId ? -1 : 1))
    .slice(0, k);
}

/** BM25 over pages held in memory (tests, benchmarks): grouped into documents by their page ids' `${docId}:` prefix. */
export function inMemoryTextSearcher(pages: readonly { pageId: string; text: string }[]) {
  const byDoc = new Map<string, { pageId: string; text: string }[]>();
  for (const page of pages) {
    const docId = page.pageId.includes(':') ? page.pageId.slice(0, page.pageId.lastIndexOf(':')) : page.pageId;
    byDoc.set(docId, [...(byDoc.get(docId) ?? []), page]);
  }
  const documents = [...byDoc].map(([docId, docPages]) => documentTerms(docId, docPages));
  return {
    search: (query: string, k: number, docIds?: readonly string[]) =>
      searchDocuments(docIds ? documents.filter((d) => docIds.includes(d.docId)) : documents, query, k),
  };
}
