/** The page-side client of the search worker (workers/search.worker.ts), where the vector indexes live. */
import { APP_WORKERS } from '../rpc/app-workers.ts';
import { Comlink, spawnWorker, type WorkerFactory } from '../rpc/spawn.ts';
import type { Precision } from './dense.ts';
import type { Int8Matrix } from './quantize.ts';
import type { ScoredPage, VectorSearcher } from './types.ts';
import type { SearchWorkerApi } from './worker-api.ts';

export interface SearchWorker {
  /** Moves (not copies) `vectors` into the worker: the caller's buffer is detached afterwards. */
  loadDense(name: string, pageIds: readonly string[], vectors: Float32Array, dims: number, precision?: Precision): Promise<number>;
  /** As `loadDense`, for rows already quantised to int8 (both arrays are moved). */
  loadInt8(name: string, pageIds: readonly string[], matrix: Int8Matrix): Promise<number>;
  /** As `loadDense`, for multi-vector (late-interaction) pages; see `MultiVectorIndex`. */
  loadMultiVector(name: string, pageIds: readonly string[], vectors: Float32Array, dims: number, rowOffsets: Uint32Array): Promise<number>;
  drop(name: string): Promise<void>;
  search(name: string, query: Float32Array, k: number): Promise<ScoredPage[]>;
  /** A searcher bound to one named index, for `HybridRetriever` signals. */
  searcher(name: string): VectorSearcher;
  terminate(): void;
}

export function startSearchWorker(createWorker: WorkerFactory = APP_WORKERS.search): SearchWorker {
  const { api, terminate } = spawnWorker<SearchWorkerApi>(createWorker);
  const search = (name: string, query: Float32Array, k: number) => api.search(name, query, k);
  return {
    loadDense: (name, pageIds, vectors, dims, precision) => api.loadDense(name, [...pageIds], Comlink.transfer(vectors, [vectors.buffer]), dims, precision),
    loadInt8: (name, pageIds, matrix) => api.loadInt8(name, [...pageIds], Comlink.transfer(matrix, [matrix.data.buffer, matrix.scales.buffer])),
    loadMultiVector: (name, pageIds, vectors, dims, rowOffsets) => api.loadMultiVector(name, [...pageIds], Comlink.transfer(vectors, [vectors.buffer]), dims, rowOffsets),
    drop: (name) => api.drop(name),
    search,
    searcher: (name) => ({ search: (query, k) => search(name, query, k) }),
    terminate,
  };
}
