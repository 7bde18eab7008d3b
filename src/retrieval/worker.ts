/** The page side of the search worker: vector indexes living in workers/search.worker.ts. */
import * as Comlink from 'comlink';
import type { SearchWorkerApi } from '../../workers/search.worker.ts';
import { AppError } from '../errors.ts';
import type { Precision } from './dense.ts';
import type { Int8Matrix } from './quantize.ts';
import type { ScoredPage, VectorSearcher } from './types.ts';

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

export function startSearchWorker(): SearchWorker {
  const worker = new Worker(new URL('../../workers/search.worker.ts', import.meta.url), { type: 'module' });
  const remote = Comlink.wrap<SearchWorkerApi>(worker);
  const search = (name: string, query: Float32Array, k: number) => asAppError(remote.search(name, query, k));
  return {
    loadDense: (name, pageIds, vectors, dims, precision) =>
      asAppError(remote.loadDense(name, [...pageIds], Comlink.transfer(vectors, [vectors.buffer]), dims, precision)),
    loadInt8: (name, pageIds, matrix) =>
      asAppError(remote.loadInt8(name, [...pageIds], Comlink.transfer(matrix, [matrix.data.buffer, matrix.scales.buffer]))),
    loadMultiVector: (name, pageIds, vectors, dims, rowOffsets) =>
      asAppError(remote.loadMultiVector(name, [...pageIds], Comlink.transfer(vectors, [vectors.buffer]), dims, rowOffsets)),
    drop: (name) => remote.drop(name),
    search,
    searcher: (name) => ({ search: (query, k) => search(name, query, k) }),
    terminate: () => {
      remote[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}

/** Errors cross the worker boundary as plain Errors; restore the app's error type and message. */
async function asAppError<T>(pending: Promise<T>): Promise<T> {
  try {
    return await pending;
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('retrieval-failed', error instanceof Error ? error.message : String(error), { cause: error });
  }
}
