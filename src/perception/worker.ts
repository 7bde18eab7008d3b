/** The page side of the perception worker: a Perception backed by workers/perception.worker.ts. */
import * as Comlink from 'comlink';
import type { PerceptionWorkerApi } from '../../workers/perception.worker.ts';
import type { Perception } from './types.ts';

export interface WorkerPerception extends Perception {
  terminate(): void;
}

export function startPerceptionWorker(): WorkerPerception {
  const worker = new Worker(new URL('../../workers/perception.worker.ts', import.meta.url), { type: 'module' });
  const remote = Comlink.wrap<PerceptionWorkerApi>(worker);
  return {
    preparePage: (page, bounds) => remote.preparePage(page, bounds),
    crop: (parent, rect, bounds) => remote.crop(parent, rect, bounds),
    terminate: () => {
      remote[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
