/**
 * The app's workers, one table beside the session that hands them out: Vite needs each
 * `new Worker(new URL(...))` written out to bundle it, and the clients in src take their worker's
 * factory as an argument, so nothing below the session names a worker file. Entry files in
 * workers/ are thin: each exposes an engine defined in src.
 */
import ocrWorkerUrl from '../../workers/ocr.worker.ts?worker&url';
import type { WorkerFactory } from '../rpc/spawn.ts';

export const APP_WORKERS = {
  vlm: () => new Worker(new URL('../../workers/vlm.worker.ts', import.meta.url), { type: 'module', name: 'vlm' }),
  embed: () => new Worker(new URL('../../workers/embed.worker.ts', import.meta.url), { type: 'module', name: 'embed' }),
  ingest: () => new Worker(new URL('../../workers/ingest.worker.ts', import.meta.url), { type: 'module', name: 'ingest' }),
  perception: () => new Worker(new URL('../../workers/perception.worker.ts', import.meta.url), { type: 'module', name: 'perception' }),
  search: () => new Worker(new URL('../../workers/search.worker.ts', import.meta.url), { type: 'module', name: 'search' }),
  remote: () => new Worker(new URL('../../workers/remote.worker.ts', import.meta.url), { type: 'module', name: 'remote' }),
} satisfies Record<string, WorkerFactory>;

/**
 * Where the ingest worker starts its OCR workers from: a factory cannot cross to a worker, so the
 * OCR bundle's address travels to it as data (src/ingest/client.ts).
 */
export const OCR_WORKER_URL: string = new URL(ocrWorkerUrl, import.meta.url).href;

export type WorkerName = keyof typeof APP_WORKERS;

/** Factories to use instead of the app's own bundles (tests start the production build's). */
export type WorkerFactories = Partial<Record<WorkerName, WorkerFactory>>;

export const workerFactory = (name: WorkerName, overrides: WorkerFactories = {}): WorkerFactory => overrides[name] ?? APP_WORKERS[name];
