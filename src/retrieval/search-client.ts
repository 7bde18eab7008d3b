/** The page-side client of the search worker (workers/search.worker.ts), where the vector indexes live. */
import { APP_WORKERS } from '../rpc/app-workers.ts';
import { Comlink, spawnWorker, type WorkerFactory } from '../rpc/spawn.ts';
import type { Int8Matrix } from '../vectors/int8.ts';
import type { ScoredPage } from './types.ts';
import type { SearchWorkerApi } from './worker-api.ts';

export interface SearchWorker {
  /** Opens the document library (IndexedDB database name) whose BM25 indexes the worker reads. */
  openLibrary(name: string): Promise<void>;
  /** Builds and stores the BM25 index of a finished document; returns its page count. */
  indexDocument(docId: string): Promise<number>;
  removeDocument(docId: string): Promise<void>;
  /** BM25 over the documents given (default: every ready one). */
  searchText(query: string, k: number, docIds?: readonly string[]): Promise<ScoredPage[]>;
  /** Moves (not copies) the int8 rows into the worker: the caller's buffers are detached afterwards. */
  loadInt8(name: string, pageIds: readonly string[], matrix: Int8Matrix): Promise<number>;
  drop(name: string): Promise<void>;
  /** The k best pages; with `docIds`, only pages of those documents compete. */
  search(name: string, query: Float32Array, k: number, docIds?: readonly string[]): Promise<ScoredPage[]>;
  terminate(): void;
}

export function startSearchWorker(createWorker: WorkerFactory = APP_WORKERS.search): SearchWorker {
  const { api, terminate } = spawnWorker<SearchWorkerApi>(createWorker);
  return {
    openLibrary: (name) => api.openLibrary(name),
    indexDocument: (docId) => api.indexDocument(docId),
    removeDocument: (docId) => api.removeDocument(docId),
    searchText: (query, k, docIds) => api.searchText(query, k, docIds ? [...docIds] : undefined),
    loadInt8: (name, pageIds, matrix) => api.loadInt8(name, [...pageIds], Comlink.transfer(matrix, [matrix.data.buffer, matrix.scales.buffer])),
    drop: (name) => api.drop(name),
    search: (name, query, k, docIds) => api.search(name, query, k, docIds ? [...docIds] : undefined),
    terminate,
  };
}
