/** The page side of the search worker (workers/search.worker.ts): the search engine's own interface, answered by the worker. */
import { spawnEngine, type EngineWorker, type WorkerFactory } from '../rpc/spawn.ts';
import type { SearchEngine } from './worker-api.ts';

export type SearchWorker = EngineWorker<SearchEngine>;

export function startSearchWorker(createWorker: WorkerFactory): SearchWorker {
  return spawnEngine<SearchEngine>(createWorker);
}
