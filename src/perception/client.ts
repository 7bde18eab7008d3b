/** The page side of the perception worker: a Perception backed by workers/perception.worker.ts. */
import { spawnWorker, type WorkerFactory } from '../rpc/spawn.ts';
import type { Perception } from './types.ts';
import type { PerceptionWorkerApi } from './worker-api.ts';

export interface WorkerPerception extends Perception {
  terminate(): void;
}

export function startPerceptionWorker(createWorker: WorkerFactory): WorkerPerception {
  const { api, terminate } = spawnWorker<PerceptionWorkerApi>(createWorker);
  return {
    preparePage: async (page, bounds) => ({ ...(await api.preparePage(page, bounds)), source: Promise.resolve(page), page }),
    crop: async ({ page, region, pageKey }, rect, bounds) => {
      const { sourceKey, ...image } = await api.crop({ page, region, ...(pageKey ? { pageKey } : {}) }, rect, bounds);
      const source = api.cropSource(sourceKey);
      source.catch(() => {}); // reported where the PNG is awaited
      return { ...image, source, page };
    },
    terminate,
  };
}
