/** The one way the page starts a worker and talks to it: Comlink, with the app's errors carried intact. */
import * as Comlink from 'comlink';
import { AppError } from '../errors.ts';
import { carryErrorsAcrossWorkers } from './errors.ts';

/** Starts the worker: the app's own bundle, or (tests) a prebuilt one. */
export type WorkerFactory = () => Worker;

export interface WorkerHandle<Api> {
  api: Comlink.Remote<Api>;
  /** Stops the worker; safe to call more than once. */
  terminate(): void;
}

export interface SpawnOptions {
  /** Start the worker on the first call instead of now (a session that never adds a document never loads the ingest bundle). */
  lazy?: boolean;
}

export function spawnWorker<Api>(create: WorkerFactory, options: SpawnOptions = {}): WorkerHandle<Api> {
  carryErrorsAcrossWorkers();
  const worker = options.lazy ? lazyWorker(create) : create();
  const api = Comlink.wrap<Api>(worker);
  let alive = true;
  return {
    api,
    terminate() {
      if (!alive) return;
      alive = false;
      worker.terminate(); // first, so that releasing cannot start a lazy worker only to end it
      api[Comlink.releaseProxy]();
    },
  };
}

/** An engine run in a worker, as the page sees it: the engine's own interface, and a way to end the worker. */
export type EngineWorker<Engine> = Engine & {
  /** Stops the worker; safe to call more than once. */
  terminate(): void;
};

/**
 * Starts a worker that exposes an engine (`exposeWorkerApi`) and returns its proxy, which
 * implements the same interface. The engine's methods return promises, so one interface describes
 * both sides and neither can drift from the other.
 */
export function spawnEngine<Engine extends object>(create: WorkerFactory, options: SpawnOptions = {}): EngineWorker<Engine> {
  const { api, terminate } = spawnWorker<Engine>(create, options);
  return engineProxy<Engine>((key, args) => callRemote(api, key, args), terminate);
}

/** Calls the method `key` of a worker's API; a function passed as an argument (a progress or text callback) is called back across the boundary. */
export function callRemote<Api>(api: Comlink.Remote<Api>, key: string, args: readonly unknown[]): Promise<unknown> {
  const method = (api as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[key]!;
  return method(...args.map((arg) => (typeof arg === 'function' ? Comlink.proxy(arg) : arg)));
}

/**
 * The one way to make an engine-shaped object of a worker: each method of `Engine` is
 * `call(name, args)` (a Comlink call, or one that restarts a dead worker first), plus `terminate`.
 * A call still waiting when the worker is ended, or made after, fails instead of waiting for ever
 * (an ended worker never answers). It is not a thenable, so it can be returned from an async function.
 */
export function engineProxy<Engine extends object>(call: (key: string, args: unknown[]) => Promise<unknown>, terminate: () => void): EngineWorker<Engine> {
  const methods = new Map<string, (...args: unknown[]) => Promise<unknown>>();
  let end: (error: AppError) => void = () => {};
  const ended = new Promise<never>((_, reject) => (end = reject));
  ended.catch(() => {});
  let isEnded = false;
  const stop = () => {
    isEnded = true;
    end(new AppError('cancelled', 'The worker was ended before it answered: its model was unloaded or the app closed it.'));
    terminate();
  };
  const callUnlessEnded = (key: string, args: unknown[]) => (isEnded ? ended : Promise.race([ended, call(key, args)]));
  return new Proxy({ terminate: stop } as EngineWorker<Engine>, {
    get(target, key) {
      if (key === 'terminate') return target.terminate;
      if (typeof key !== 'string' || key === 'then') return undefined;
      let method = methods.get(key);
      if (!method) methods.set(key, (method = (...args: unknown[]) => callUnlessEnded(key, args)));
      return method;
    },
  });
}

type Listener = [type: string, listener: EventListenerOrEventListenerObject];

/** A Comlink endpoint that creates its worker when the first message is sent; ending it first starts nothing. */
function lazyWorker(create: WorkerFactory): Comlink.Endpoint & { terminate(): void } {
  let worker: Worker | null = null;
  let ended = false;
  let listeners: Listener[] = [];
  const started = () => {
    if (!worker) {
      worker = create();
      for (const [type, listener] of listeners) worker.addEventListener(type, listener);
    }
    return worker;
  };
  return {
    postMessage(message: unknown, transfer: Transferable[] = []) {
      if (!ended) started().postMessage(message, transfer);
    },
    addEventListener(type: string, listener: EventListenerOrEventListenerObject) {
      listeners.push([type, listener]);
      worker?.addEventListener(type, listener);
    },
    removeEventListener(type: string, listener: EventListenerOrEventListenerObject) {
      listeners = listeners.filter(([t, l]) => t !== type || l !== listener);
      worker?.removeEventListener(type, listener);
    },
    terminate() {
      ended = true;
      worker?.terminate();
    },
  };
}

/** The worker side: exposes an API object (defined in src) with the same error handling. */
export function exposeWorkerApi(api: object): void {
  carryErrorsAcrossWorkers();
  Comlink.expose(api);
}

export { Comlink };
