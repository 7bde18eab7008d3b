/**
 * What workers/search.worker.ts exposes: every index a search reads, off the main thread. The
 * BM25 indexes are read from the document store (IndexedDB) inside the worker; the page side
 * sends only queries (and query embeddings) with their weights and scope.
 */
import { AppError } from '../errors.ts';
import { DocumentStore } from '../store/index.ts';
import type { Int8Matrix } from '../vectors/int8.ts';
import { TextIndexes } from './text-indexes.ts';
import type { ScoredPage } from './types.ts';
import { VectorIndexes } from './vector-store.ts';

export function searchWorkerApi() {
  const vectors = new VectorIndexes();
  let text: { name: string; store: DocumentStore; indexes: TextIndexes } | null = null;
  const textIndexes = () => {
    if (!text) throw new AppError('retrieval-failed', 'The search worker has no document library open.');
    return text.indexes;
  };
  return {
    /** Opens the library's database (by name) and starts reading its BM25 indexes; idempotent. */
    openLibrary(name: string): void {
      if (text?.name === name) return;
      text?.store.close();
      const store = new DocumentStore(name);
      text = { name, store, indexes: new TextIndexes(store) };
      text.indexes.preload();
    },
    indexDocument: (docId: string) => textIndexes().indexDocument(docId),
    removeDocument: (docId: string) => textIndexes().removeDocument(docId),
    searchText: (query: string, k: number, docIds?: string[]): Promise<ScoredPage[]> => textIndexes().search(query, k, docIds),
    loadInt8: (name: string, pageIds: string[], matrix: Int8Matrix) => vectors.loadInt8(name, pageIds, matrix),
    drop: (name: string) => vectors.drop(name),
    search: (name: string, query: Float32Array, k: number, docIds?: string[]) => vectors.search(name, query, k, docIds),
    close(): void {
      text?.store.close();
      text = null;
    },
  };
}

export type SearchWorkerApi = ReturnType<typeof searchWorkerApi>;
