/** One page returned by a search, best first. */
export interface RankedPage {
  pageId: string;
  score: number;
  /** Which signals found this page (e.g. 'bm25', 'text-dense', 'image-dense'). */
  signals?: string[];
  /** The query words the page holds (words signal only), exact or by a similar spelling. */
  matched?: TermMatch[];
}

/** How a query word was found on a page: the page's own terms for it, exact or a similar spelling. */
export interface TermMatch {
  word: string;
  terms: string[];
  similar: boolean;
}

/** What the agent needs from the document library. */
export interface Retriever {
  search(query: string, k: number, signal?: AbortSignal): Promise<RankedPage[]>;
  /** The stored page image (PNG/JPEG/WebP) for a page id. */
  pageImage(pageId: string, signal?: AbortSignal): Promise<Blob>;
}

/** What an embedder embeds a page as: its text or its image. */
export type DenseKind = 'text' | 'image';

/** An embedder's signal, named by its kind. */
export type DenseSignal = `${DenseKind}-dense`;

/** The retrieval signals fused by the hybrid retriever: the page's words (BM25) and each embedder's. */
export type SignalName = 'bm25' | DenseSignal;

/** The signal of an embedder of this kind ('text' -> 'text-dense'): the one place a kind becomes a signal name. */
export const denseSignal = (kind: DenseKind): DenseSignal => `${kind}-dense`;

/** Weights that turn these signals on (1) and the others off (0). */
export function signalsOn(...on: SignalName[]): Record<SignalName, number> {
  const weight = (name: SignalName) => (on.includes(name) ? 1 : 0);
  return { bm25: weight('bm25'), 'text-dense': weight('text-dense'), 'image-dense': weight('image-dense') };
}

/** A page and its raw score under one signal (higher is better). */
export interface ScoredPage {
  pageId: string;
  score: number;
  /** The query words behind the score, for signals that match words. */
  matched?: TermMatch[];
}

/** Turns a query into its embedding. */
export type QueryEmbedder = (text: string, signal?: AbortSignal) => Promise<Float32Array>;

/** Anything that answers exact top-k queries over page vectors: in this thread or in a worker. */
export interface VectorSearcher {
  /** With `docIds`, only pages of those documents compete (document scope). */
  search(query: Float32Array, k: number, docIds?: readonly string[]): ScoredPage[] | Promise<ScoredPage[]>;
}
