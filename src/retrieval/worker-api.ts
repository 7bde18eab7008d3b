/** What workers/search.worker.ts exposes: the page vector indexes, held in memory between queries. */
import { VectorIndexes } from './vector-store.ts';

export function searchWorkerApi() {
  return new VectorIndexes();
}

export type SearchWorkerApi = VectorIndexes;
