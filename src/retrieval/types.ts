/** One page returned by a search, best first. */
export interface RankedPage {
  pageId: string;
  score: number;
  /** Which signals found this page (e.g. 'bm25', 'text-dense', 'image-dense'). */
  signals?: string[];
}

/** What the agent needs from the document library. */
export interface Retriever {
  search(query: string, k: number, signal?: AbortSignal): Promise<RankedPage[]>;
  /** The stored page image (PNG/JPEG/WebP) for a page id. */
  pageImage(pageId: string, signal?: AbortSignal): Promise<Blob>;
}
