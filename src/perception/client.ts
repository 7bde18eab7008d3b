/** The page side of the perception worker: a Perception backed by workers/perception.worker.ts. */
import { APP_WORKERS } from '../rpc/app-workers.ts';
import { spawnWorker, type WorkerFactory } from '../rpc/spawn.ts';
import type { Perception } from './types.ts';
import type { PerceptionWorkerApi } from './worker-api.ts';

export interface WorkerPerception extends Perception {
  terminate(): void;
}

export function startPerceptionWorker(createWorker: WorkerFactory = APP_WORKERS.perception): WorkerPerception {
  const { api, terminate } = spawnWorker<PerceptionWorkerApi>(createWorker);
  return {
    preparePage: (page, bounds) => api.preparePage(page, bounds),
    crop: (parent, rect, bounds) => api.crop(parent, rect, bounds),
    terminate,
  };
}
