/**
 * The page side of the search worker (workers/search.worker.ts): the search engine's own
 * interface, answered by the worker, which is started again with its library if it dies.
 */
import { restartingEngine } from '../rpc/restarting-engine.ts';
import type { EngineWorker, WorkerFactory } from '../rpc/spawn.ts';
import type { SearchEngine } from './worker-api.ts';

export type SearchWorker = EngineWorker<SearchEngine>;

export function startSearchWorker(createWorker: WorkerFactory): SearchWorker {
  return restartingEngine<SearchEngine, string>(createWorker, { loadMethod: 'openLibrary' });
}
