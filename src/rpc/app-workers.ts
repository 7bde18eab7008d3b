/**
 * The app's worker bundles, one place: Vite needs each `new Worker(new URL(...))` written out to
 * bundle it. Entry files in workers/ are thin: each exposes an API defined in src.
 */
import type { WorkerFactory } from './spawn.ts';

export const APP_WORKERS = {
  vlm: () => new Worker(new URL('../../workers/vlm.worker.ts', import.meta.url), { type: 'module', name: 'vlm' }),
  embed: () => new Worker(new URL('../../workers/embed.worker.ts', import.meta.url), { type: 'module', name: 'embed' }),
  ingest: () => new Worker(new URL('../../workers/ingest.worker.ts', import.meta.url), { type: 'module', name: 'ingest' }),
  perception: () => new Worker(new URL('../../workers/perception.worker.ts', import.meta.url), { type: 'module', name: 'perception' }),
  search: () => new Worker(new URL('../../workers/search.worker.ts', import.meta.url), { type: 'module', name: 'search' }),
  remote: () => new Worker(new URL('../../workers/remote.worker.ts', import.meta.url), { type: 'module', name: 'remote' }),
} satisfies Record<string, WorkerFactory>;

export type WorkerName = keyof typeof APP_WORKERS;

/** Factories to use instead of the app's own bundles (tests start the production build's). */
export type WorkerFactories = Partial<Record<WorkerName, WorkerFactory>>;

export const workerFactory = (name: WorkerName, overrides: WorkerFactories = {}): WorkerFactory => overrides[name] ?? APP_WORKERS[name];
