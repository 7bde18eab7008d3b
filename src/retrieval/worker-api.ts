/**
 * What workers/search.worker.ts runs: every index a search reads, off the main thread. BM25 indexes
 * and page embeddings are both read from the document store (IndexedDB) inside the worker; the page
 * side sends only queries (words, or a query's embedding) with their scope.
 */
import { AppError } from '../errors.ts';
import { DocumentStore } from '../store/index.ts';
import { TextIndexes } from './text-indexes.ts';
import type { ScoredPage } from './types.ts';
import { VectorIndexes, type EmbedderRef } from './vector-store.ts';

export type { EmbedderRef };

/** The search engine: this interface in the worker, and the same one on the page (its proxy, search-client.ts). */
export interface SearchEngine {
  /** Opens the document library (IndexedDB database name) whose indexes the engine reads; idempotent. */
  openLibrary(name: string): Promise<void>;
  /** Builds and stores the BM25 index of a finished document, whose vectors are read on the next search; returns its page count. */
  indexDocument(docId: string): Promise<number>;
  removeDocument(docId: string): Promise<void>;
  /** BM25 over the documents given (default: every ready one). */
  searchText(query: string, k: number, docIds?: readonly string[]): Promise<ScoredPage[]>;
  /** The k pages whose stored embedding (of this embedder) is nearest the query's: exact int8 top-k; with `docIds`, only those documents' pages. */
  searchVectors(embedder: EmbedderRef, query: Float32Array, k: number, docIds?: readonly string[]): Promise<ScoredPage[]>;
  close(): Promise<void>;
}

interface OpenLibrary {
  name: string;
  store: DocumentStore;
  text: TextIndexes;
  vectors: VectorIndexes;
}

export function searchEngine(): SearchEngine {
  let library: OpenLibrary | null = null;
  const open = () => {
    if (!library) throw new AppError('retrieval-failed', 'The search worker has no document library open.');
    return library;
  };
  return {
    async openLibrary(name) {
      if (library?.name === name) return;
      library?.store.close();
      const store = new DocumentStore(name);
      library = { name, store, text: new TextIndexes(store), vectors: new VectorIndexes(store) };
      library.text.preload();
    },
    async indexDocument(docId) {
      const { text, vectors } = open();
      vectors.invalidate();
      return text.indexDocument(docId);
    },
    async removeDocument(docId) {
      const { text, vectors } = open();
      vectors.invalidate();
      await text.removeDocument(docId);
    },
    searchText: async (query, k, docIds) => open().text.search(query, k, docIds),
    searchVectors: async (embedder, query, k, docIds) => open().vectors.search(embedder, query, k, docIds),
    async close() {
      library?.store.close();
      library = null;
    },
  };
}
