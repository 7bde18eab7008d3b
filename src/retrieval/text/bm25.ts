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
import { documentFrequency, findTerm, postingOf, type Field, type IndexedDocument } from './term-index.ts';

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
}

/** One score per page of the corpus. */
type Scores = Float64Array;

/** A term looked up in every document: where its postings are, its rarity and the most it can add to a page. */
interface TermPlan {
  term: string;
  weight: number;
  /** The headings field's weight for this term (0: body only). */
  contextWeight: number;
  /** Per document: the term's position in the body, then in the headings (-1: absent). */
  positions: Int32Array;
  idf: number;
  /** An upper bound of what the term adds to one page's score. */
  bound: number;
}

/**
 * The k best pages of the documents for the query, best first; nothing for a query with no match.
 * Terms are scored rarest first; once the terms left cannot lift a page the query has not found
 * yet past the k-th best score (MaxScore), they only update the pages that can still make the
 * top k, so the query's common words cost a lookup per candidate, not a pass over every page.
 */
export function searchDocuments(documents: readonly IndexedDocument[], query: string, k: number, parameters = BM25_PARAMETERS): TextHit[] {
  const { words, phrases } = parseQuery(query);
  if (k <= 0 || words.length === 0 || documents.length === 0) return [];
  const corpus = corpusOf(documents, parameters);
  const scores: Scores = new Float64Array(corpus.docOf.length);
  const wordPlans = new Map(words.map((w) => [w.term, planTerm(corpus, w.term, w.weight, parameters.contextWeight)]));
  const present = new Set([...wordPlans].filter(([, plan]) => plan.idf > 0).map(([term]) => term));
  const near = nearTerms(corpus, words, present);
  const nearPages = new Set<number>();
  for (const [term, candidates] of near) for (const page of addNear(corpus, scores, candidates, present.has(term) ? weakestScore(corpus, wordPlans.get(term)!) : undefined)) nearPages.add(page);
  const plans = [...wordPlans.values(), ...(parameters.phraseWeight > 0 ? phrases.map((p) => planTerm(corpus, p, parameters.phraseWeight, 0)) : [])].filter((p) => p.idf > 0);
  if (plans.length === 0 && near.size === 0) return [];
  const candidates = maxScore(corpus, scores, plans, k, nearPages);
  if (parameters.feedbackWeight > 0) {
    // Feedback re-scores the pages the query found; it never brings in a page holding none of its words.
    const terms = feedbackTerms(corpus, scores, new Set(words.map((w) => w.term)));
    for (const term of terms) probe(corpus, scores, planTerm(corpus, term, parameters.feedbackWeight, parameters.contextWeight), candidates);
  }
  boostNamedPages(corpus, query, scores);
  return topPages(corpus, scores, k).map((hit) => ({ ...hit, matched: matchesOn(documents[hit.doc]!, hit.page, words, near) }));
}

/** The last corpus laid out: a library searched again with the same documents reuses it. */
let lastCorpus: Corpus | null = null;

function corpusOf(documents: readonly IndexedDocument[], parameters: Bm25Parameters): Corpus {
  const last = lastCorpus;
  if (last && last.parameters === parameters && last.documents.length === documents.length && documents.every((d, i) => d === last.documents[i])) return last;
  lastCorpus = layOut(documents, parameters);
  return lastCorpus;
}

function layOut(documents: readonly IndexedDocument[], parameters: Bm25Parameters): Corpus {
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
  return { documents, starts, docOf, bodyLengths, contextLengths, averageBody: body / Math.max(1, pages) || 1, averageContext: context / Math.max(1, pages) || 1, parameters };
}

/** Finds the term in every document (binary searches, no posting read) and sums its document frequency. */
function planTerm(corpus: Corpus, term: string, weight: number, contextWeight: number): TermPlan {
  const positions = new Int32Array(corpus.documents.length * 2);
  let df = 0;
  corpus.documents.forEach((d, doc) => {
    const inBody = findTerm(d.body, term);
    const inContext = contextWeight > 0 ? findTerm(d.context, term) : -1;
    positions[2 * doc] = inBody;
    positions[2 * doc + 1] = inContext;
    df += inBody >= 0 ? (contextWeight > 0 ? d.bodyOrContext[inBody]! : documentFrequency(d.body, inBody)) : documentFrequency(d.context, inContext);
  });
  const idf = df === 0 ? 0 : Math.log(1 + (corpus.docOf.length - df + 0.5) / (df + 0.5));
  return { term, weight, contextWeight, positions, idf, bound: weight * idf * (corpus.parameters.k1 + 1) };
}

/** The term's score on one page, from its body and headings frequencies. */
function termScore(corpus: Corpus, plan: TermPlan, page: number, tf: number): number {
  const { k1, b } = corpus.parameters;
  const length = corpus.bodyLengths[page]! + plan.contextWeight * corpus.contextLengths[page]!;
  const average = corpus.averageBody + plan.contextWeight * corpus.averageContext;
  return plan.weight * plan.idf * ((tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * length) / average)));
}

/** Every page's frequency of a planned term (body + contextWeight × headings), page → tf. */
function frequencies(corpus: Corpus, plan: TermPlan, onlyPage?: (page: number) => boolean): Map<number, number> {
  const out = new Map<number, number>();
  corpus.documents.forEach((d, doc) => {
    const fields: [Field, number, number][] = [[d.body, plan.positions[2 * doc]!, 1], [d.context, plan.positions[2 * doc + 1]!, plan.contextWeight]];
    for (const [field, at, weight] of fields) {
      if (at < 0 || weight === 0) continue;
      for (let i = field.offsets[at]!; i < field.offsets[at + 1]!; i += 2) {
        const page = corpus.starts[doc]! + field.postings[i]!;
        if (!onlyPage || onlyPage(page)) out.set(page, (out.get(page) ?? 0) + weight * field.postings[i + 1]!);
      }
    }
  });
  return out;
}

/** Adds a term's score to every page holding it; returns the pages it reached. */
function scan(corpus: Corpus, scores: Scores, plan: TermPlan, onlyPage?: (page: number) => boolean): number[] {
  const reached: number[] = [];
  for (const [page, tf] of frequencies(corpus, plan, onlyPage)) {
    scores[page]! += termScore(corpus, plan, page, tf);
    reached.push(page);
  }
  return reached;
}

/** Adds a term's score to the given pages only: a binary search in each page's document postings. */
function probe(corpus: Corpus, scores: Scores, plan: TermPlan, pages: readonly number[]): void {
  if (plan.idf === 0) return;
  for (const page of pages) {
    const doc = corpus.docOf[page]!;
    const local = page - corpus.starts[doc]!;
    const d = corpus.documents[doc]!;
    let tf = 0;
    const inBody = plan.positions[2 * doc]!;
    const inContext = plan.positions[2 * doc + 1]!;
    if (inBody >= 0) {
      const at = postingOf(d.body, inBody, local);
      if (at >= 0) tf += d.body.postings[at + 1]!;
    }
    if (inContext >= 0 && plan.contextWeight > 0) {
      const at = postingOf(d.context, inContext, local);
      if (at >= 0) tf += plan.contextWeight * d.context.postings[at + 1]!;
    }
    if (tf > 0) scores[page]! += termScore(corpus, plan, page, tf);
  }
}

/** The smallest score a term gives a page holding it (near matches stay below it). */
function weakestScore(corpus: Corpus, plan: TermPlan): number {
  let weakest = Infinity;
  for (const [page, tf] of frequencies(corpus, plan)) weakest = Math.min(weakest, termScore(corpus, plan, page, tf));
  return weakest;
}

/**
 * Scores the terms rarest first; returns the pages that can still be in the top k. Pages the
 * terms already scored stop being candidates once their score plus everything left is below the
 * k-th best.
 */
function maxScore(corpus: Corpus, scores: Scores, plans: TermPlan[], k: number, alreadyScored: Iterable<number>): number[] {
  const ordered = [...plans].sort((a, b) => b.bound - a.bound);
  let remaining = ordered.reduce((sum, p) => sum + p.bound, 0);
  const seen = new Uint8Array(scores.length);
  const found: number[] = [];
  const add = (page: number) => {
    if (!seen[page]) {
      seen[page] = 1;
      found.push(page);
    }
  };
  for (const page of alreadyScored) add(page);
  let next = 0;
  let threshold = 0;
  for (; next < ordered.length; next++) {
    for (const page of scan(corpus, scores, ordered[next]!)) add(page);
    remaining -= ordered[next]!.bound;
    threshold = kthScore(scores, found, k);
    if (remaining < threshold) {
      next++;
      break;
    }
  }
  let candidates = found;
  for (; next < ordered.length; next++) {
    candidates = candidates.filter((page) => scores[page]! + remaining >= threshold);
    probe(corpus, scores, ordered[next]!, candidates);
    remaining -= ordered[next]!.bound;
    threshold = kthScore(scores, candidates, k);
  }
  return candidates;
}

/** The k-th best score among the pages (0 with fewer than k). */
function kthScore(scores: Scores, pages: Iterable<number>, k: number): number {
  const top = new TopK(k);
  for (const page of pages) top.offer(scores[page]!, page);
  const kept = top.sorted();
  return kept.length < k ? 0 : kept[k - 1]!.score;
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
function nearTerms(corpus: Corpus, words: readonly QueryWord[], exact: ReadonlySet<string>): Map<string, NearCandidates[]> {
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
function addNear(corpus: Corpus, scores: Scores, candidates: readonly NearCandidates[], weakestExact: number | undefined): Iterable<number> {
  const best = new Map<number, number>();
  const isOcr = (page: number) => corpus.documents[corpus.docOf[page]!]!.ocr[page - corpus.starts[corpus.docOf[page]!]!] === 1;
  for (const { terms, ocrOnly } of candidates) {
    for (const term of new Set(terms)) {
      const plan = planTerm(corpus, term, NEAR_WEIGHT, 0);
      for (const [page, tf] of frequencies(corpus, plan, ocrOnly ? isOcr : undefined)) best.set(page, Math.max(best.get(page) ?? 0, termScore(corpus, plan, page, tf)));
    }
  }
  const cap = weakestExact === undefined ? Infinity : 0.9 * weakestExact;
  for (const [page, score] of best) scores[page]! += Math.min(score, cap);
  return best.keys();
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
