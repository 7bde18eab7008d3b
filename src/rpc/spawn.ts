/** The one way the page starts a worker and talks to it: Comlink, with the app's errors carried intact. */
import * as Comlink from 'comlink';
import { carryErrorsAcrossWorkers } from './errors.ts';

/** Starts the worker: the app's own bundle, or (tests) a prebuilt one. */
export type WorkerFactory = () => Worker;

export interface WorkerHandle<Api> {
  api: Comlink.Remote<Api>;
  /** Stops the worker; safe to call more than once. */
  terminate(): void;
}

export function spawnWorker<Api>(create: WorkerFactory): WorkerHandle<Api> {
  carryErrorsAcrossWorkers();
  const worker = create();
  const api = Comlink.wrap<Api>(worker);
  let alive = true;
  return {
    api,
    terminate() {
      if (!alive) return;
      alive = false;
      api[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}

/** The worker side: exposes an API object (defined in src) with the same error handling. */
export function exposeWorkerApi(api: object): void {
  carryErrorsAcrossWorkers();
  Comlink.expose(api);
}

export { Comlink };
