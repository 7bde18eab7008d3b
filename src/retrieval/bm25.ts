/** BM25 full-text index over page text (minisearch), serialisable to JSON and back without rebuilding. */
import MiniSearch, { type AsPlainObject } from 'minisearch';
import { AppError } from '../errors.ts';
import { tokenize } from './tokenize.ts';
import type { ScoredPage } from './types.ts';

export interface PageText {
  pageId: string;
  text: string;
}

interface IndexedPage {
  id: string;
  text: string;
}

/** The same options must be used to build and to load an index, so they live in one place. */
const OPTIONS = {
  fields: ['text'],
  idField: 'id',
  tokenize,
  processTerm: (term: string) => term,
  searchOptions: { combineWith: 'OR' as const, prefix: false, fuzzy: false },
};

export class Bm25Index {
  private constructor(private readonly index: MiniSearch<IndexedPage>) {}

  static empty(): Bm25Index {
    return new Bm25Index(new MiniSearch<IndexedPage>(OPTIONS));
  }

  static build(pages: Iterable<PageText>): Bm25Index {
    const index = Bm25Index.empty();
    index.addAll(pages);
    return index;
  }

  /** Loads what `toJSON()` produced (the object or its JSON string); no re-tokenising. */
  static fromJSON(json: string | AsPlainObject): Bm25Index {
    try {
      const index =
        typeof json === 'string'
          ? MiniSearch.loadJSON<IndexedPage>(json, OPTIONS)
          : MiniSearch.loadJS<IndexedPage>(json, OPTIONS);
      return new Bm25Index(index);
    } catch (cause) {
      throw new AppError('retrieval-failed', 'The saved text index could not be read; re-index the documents.', { cause });
    }
  }

  get size(): number {
    return this.index.documentCount;
  }

  has(pageId: string): boolean {
    return this.index.has(pageId);
  }

  /** Adds pages; a page id already indexed is replaced. */
  addAll(pages: Iterable<PageText>): void {
    for (const page of pages) {
      if (this.index.has(page.pageId)) this.index.discard(page.pageId);
      this.index.add({ id: page.pageId, text: page.text });
    }
  }

  remove(pageId: string): void {
    if (this.index.has(pageId)) this.index.discard(pageId);
  }

  /** The k best pages for the query, best first; an empty or all-punctuation query finds nothing. */
  search(query: string, k: number): ScoredPage[] {
    if (k <= 0 || tokenize(query).length === 0) return [];
    return this.index
      .search(query)
      .slice(0, k)
      .map((hit) => ({ pageId: String(hit.id), score: hit.score }));
  }

  /** A plain object; `JSON.stringify` of it (or of the index itself) is the saved form. */
  toJSON(): AsPlainObject {
    return this.index.toJSON();
  }
}
