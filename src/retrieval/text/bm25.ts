/**
 * Okapi BM25F over packed per-document indexes (term-index.ts): a page's own words, plus its
 * headings context at a lower weight. A search merges the documents in scope, so document
 * frequencies and lengths are those of the pages searched. Adjacent query words that also stand
 * together on a page add a phrase score; the best pages' own words widen the query (pseudo-relevance
 * feedback). Near matches (fuzzy.ts) come in only where they earn their place and never outrank an
 * exact match of the same word; a query most of whose words match nothing, exactly or nearly, is
 * answered from its exact matches alone, and a query with no match returns nothing.
 */
import { pageNumberOf } from '../../page-id.ts';
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
  /** Per document: its shortest page's body length, and its shortest headings length. */
  shortestBody: Float64Array;
  shortestContext: Float64Array;
  /**
   * Where each single word of the bodies, and each headings term, stands: document, position pairs.
   * A term is found in the documents holding it, not by a search in every document's vocabulary.
   */
  bodyWords: Map<string, number[]>;
  contextTerms: Map<string, number[]>;
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
 * Documents are read most promising first: each one's bound (every term's highest frequency on one
 * of its pages, on its shortest page) says the most any of its pages can score, and once that is
 * below the k-th best page found, it and every document after it are skipped unread. A query's cost
 * grows with the documents that can hold its best pages, not with the library.
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
  const named = pageReferences(query);
  const namesPages = named.pages.length > 0 || named.last;
  // A named page ranks first whatever its score, so no document may be skipped then.
  const ranked = rankDocuments(corpus, scores, plans, namesPages ? Infinity : Math.max(k, FEEDBACK_PAGES), nearPages);
  if (parameters.feedbackWeight > 0) {
    // Feedback re-scores the pages the query found; it never brings in a page holding none of its words.
    const feedback = feedbackTerms(corpus, scores, new Set(words.map((w) => w.term))).map((term) => planTerm(corpus, term, parameters.feedbackWeight, parameters.contextWeight));
    const lift = feedback.reduce((sum, plan) => sum + plan.bound, 0);
    const candidates = ranked.pages.filter((page) => scores[page]! + lift >= ranked.kthScore);
    for (const plan of feedback) probe(corpus, scores, plan, candidates);
  }
  if (namesPages) boostNamedPages(corpus, named, scores);
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
  const shortestBody = new Float64Array(documents.length);
  const shortestContext = new Float64Array(documents.length);
  const bodyWords = new Map<string, number[]>();
  const contextTerms = new Map<string, number[]>();
  const place = (into: Map<string, number[]>, term: string, doc: number, at: number) => {
    const list = into.get(term);
    if (list) list.push(doc, at);
    else into.set(term, [doc, at]);
  };
  let body = 0;
  let context = 0;
  documents.forEach((d, doc) => {
    for (const at of d.body.words) place(bodyWords, d.body.terms[at]!, doc, at);
    d.context.terms.forEach((term, at) => place(contextTerms, term, doc, at));
    docOf.fill(doc, starts[doc]!, starts[doc + 1]!);
    bodyLengths.set(d.body.lengths, starts[doc]!);
    contextLengths.set(d.context.lengths, starts[doc]!);
    shortestBody[doc] = d.body.lengths.reduce((a, n) => Math.min(a, n), Infinity);
    shortestContext[doc] = d.context.lengths.reduce((a, n) => Math.min(a, n), Infinity);
    for (const n of d.body.lengths) body += n;
    for (const n of d.context.lengths) context += n;
  });
  return {
    documents, starts, docOf, bodyLengths, contextLengths,
    averageBody: body / Math.max(1, pages) || 1,
    averageContext: context / Math.max(1, pages) || 1,
    shortestBody, shortestContext, bodyWords, contextTerms, parameters,
  };
}

/** Finds the term in the documents holding it (no posting read) and sums its document frequency. */
function planTerm(corpus: Corpus, term: string, weight: number, contextWeight: number): TermPlan {
  const { documents } = corpus;
  const positions = new Int32Array(documents.length * 2).fill(-1);
  const space = term.indexOf(' ');
  if (space < 0) {
    const list = corpus.bodyWords.get(term) ?? [];
    for (let i = 0; i < list.length; i += 2) positions[2 * list[i]!] = list[i + 1]!;
  } else {
    // A phrase stands only where both its words do: look in the documents of the rarer one.
    const first = corpus.bodyWords.get(term.slice(0, space)) ?? [];
    const second = corpus.bodyWords.get(term.slice(space + 1)) ?? [];
    const list = first.length <= second.length ? first : second;
    for (let i = 0; i < list.length; i += 2) positions[2 * list[i]!] = findTerm(documents[list[i]!]!.body, term);
  }
  const inContext = contextWeight > 0 ? (corpus.contextTerms.get(term) ?? []) : [];
  for (let i = 0; i < inContext.length; i += 2) positions[2 * inContext[i]! + 1] = inContext[i + 1]!;
  let df = 0;
  for (let doc = 0; doc < documents.length; doc++) {
    const inBody = positions[2 * doc]!;
    const d = documents[doc]!;
    if (inBody >= 0) df += contextWeight > 0 ? d.bodyOrContext[inBody]! : documentFrequency(d.body, inBody);
    else if (positions[2 * doc + 1]! >= 0) df += documentFrequency(d.context, positions[2 * doc + 1]!);
  }
  const idf = df === 0 ? 0 : Math.log(1 + (corpus.docOf.length - df + 0.5) / (df + 0.5));
  return { term, weight, contextWeight, positions, idf, bound: weight * idf * (corpus.parameters.k1 + 1) };
}

/** The term's score on one page, from its body and headings frequencies. */
function termScore(corpus: Corpus, plan: TermPlan, page: number, tf: number): number {
  return saturated(corpus, plan, tf, corpus.bodyLengths[page]! + plan.contextWeight * corpus.contextLengths[page]!);
}

function saturated(corpus: Corpus, plan: TermPlan, tf: number, length: number): number {
  const { k1, b } = corpus.parameters;
  const average = corpus.averageBody + plan.contextWeight * corpus.averageContext;
  return plan.weight * plan.idf * ((tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * length) / average)));
}

/** The most a term can add to one page of a document: its highest frequency there, on the document's shortest page. */
function documentBound(corpus: Corpus, plan: TermPlan, doc: number): number {
  const d = corpus.documents[doc]!;
  const inBody = plan.positions[2 * doc]!;
  const inContext = plan.contextWeight > 0 ? plan.positions[2 * doc + 1]! : -1;
  if (inBody < 0 && inContext < 0) return 0;
  const most = (stored: number) => (stored === 255 ? Infinity : stored);
  const tf = (inBody >= 0 ? most(d.body.maxFrequency[inBody]!) : 0) + (inContext >= 0 ? plan.contextWeight * most(d.context.maxFrequency[inContext]!) : 0);
  if (tf === Infinity) return plan.bound;
  return saturated(corpus, plan, tf, corpus.shortestBody[doc]! + plan.contextWeight * corpus.shortestContext[doc]!);
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

interface Ranked {
  /** The pages of the documents read that hold a query word (or a near match). */
  pages: number[];
  /** The k-th best of their scores (0 with fewer than k). */
  kthScore: number;
}

/**
 * Scores the documents whose bound can still beat the k-th best page, most promising first, and
 * skips the rest. Pages already holding a score (near matches) count in their document's bound.
 */
function rankDocuments(corpus: Corpus, scores: Scores, plans: readonly TermPlan[], k: number, alreadyScored: Iterable<number>): Ranked {
  const count = corpus.documents.length;
  const termBounds = plans.map((plan) => {
    const perDocument = new Float64Array(count);
    for (let doc = 0; doc < count; doc++) perDocument[doc] = documentBound(corpus, plan, doc);
    return perDocument;
  });
  const bounds = new Float64Array(count);
  for (const perDocument of termBounds) for (let doc = 0; doc < count; doc++) bounds[doc]! += perDocument[doc]!;
  const already = new Float64Array(count);
  for (const page of alreadyScored) already[corpus.docOf[page]!] = Math.max(already[corpus.docOf[page]!]!, scores[page]!);
  for (let doc = 0; doc < count; doc++) bounds[doc]! += already[doc]!;
  const order = Array.from({ length: count }, (_, doc) => doc)
    .filter((doc) => bounds[doc]! > 0)
    .sort((a, b) => bounds[b]! - bounds[a]! || a - b);
  const top = new TopK(Math.min(k, corpus.docOf.length));
  const pages: number[] = [];
  const scratch = new Float64Array(corpus.documents.reduce((most, d) => Math.max(most, d.pageIds.length), 0));
  for (const doc of order) {
    if (bounds[doc]! < top.kthScore()) break;
    const terms = plans.map((plan, i) => ({ plan, bound: termBounds[i]![doc]! })).filter((t) => t.bound > 0);
    for (const page of scoreDocument(corpus, scores, terms, doc, top.kthScore() - already[doc]!, scratch)) {
      top.offer(scores[page]!, page);
      pages.push(page);
    }
  }
  return { pages, kthScore: top.kthScore() };
}

/**
 * Adds the terms' scores to one document's pages, highest bound first (MaxScore within the
 * document): once the terms left cannot lift a page the earlier ones missed to `threshold`, they
 * are only looked up for the pages that can still reach it. Returns the pages that scored.
 */
function scoreDocument(corpus: Corpus, scores: Scores, terms: { plan: TermPlan; bound: number }[], doc: number, threshold: number, scratch: Float64Array): number[] {
  terms.sort((a, b) => b.bound - a.bound);
  let remaining = terms.reduce((sum, t) => sum + t.bound, 0);
  const reached = new Set<number>();
  let next = 0;
  for (; next < terms.length && remaining >= threshold; next++) {
    for (const page of scanDocument(corpus, scores, terms[next]!.plan, doc, scratch)) reached.add(page);
    remaining -= terms[next]!.bound;
  }
  for (; next < terms.length; next++) {
    probe(corpus, scores, terms[next]!.plan, [...reached].filter((page) => scores[page]! + remaining >= threshold));
    remaining -= terms[next]!.bound;
  }
  return [...reached].filter((page) => scores[page]! > 0);
}

/** Adds one term's score to the document's pages holding it (`scratch`: one zeroed slot per page, left zeroed); returns them. */
function scanDocument(corpus: Corpus, scores: Scores, plan: TermPlan, doc: number, scratch: Float64Array): number[] {
  const d = corpus.documents[doc]!;
  const start = corpus.starts[doc]!;
  const inBody = plan.positions[2 * doc]!;
  const inContext = plan.contextWeight > 0 ? plan.positions[2 * doc + 1]! : -1;
  const fields = ([[d.body, inBody, 1], [d.context, inContext, plan.contextWeight]] as const).filter(([, at]) => at >= 0);
  for (const [field, at, weight] of fields) addFrequencies(field, at, weight, scratch);
  const reached: number[] = [];
  for (const [field, at] of fields) {
    for (let i = field.offsets[at]!; i < field.offsets[at + 1]!; i += 2) {
      const local = field.postings[i]!;
      if (scratch[local] === 0) continue;
      scores[start + local]! += termScore(corpus, plan, start + local, scratch[local]!);
      scratch[local] = 0;
      reached.push(start + local);
    }
  }
  return reached;
}

function addFrequencies(field: Field, at: number, weight: number, into: Float64Array): void {
  for (let i = field.offsets[at]!; i < field.offsets[at + 1]!; i += 2) into[field.postings[i]!]! += weight * field.postings[i + 1]!;
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
function boostNamedPages(corpus: Corpus, named: ReturnType<typeof pageReferences>, scores: Scores): void {
  let top = 0;
  for (const s of scores) top = Math.max(top, s);
  corpus.documents.forEach((d, doc) => {
    const numbers = d.pageIds.map(pageNumberOf);
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
