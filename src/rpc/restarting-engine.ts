/**
 * An engine in a worker that outlives its worker: when the worker dies (it reports an error it
 * could not handle, or a call finds it gone) or a call fails in a way only a fresh worker recovers
 * from (a lost GPU), a new worker is started, loaded with the last load request (a model, the
 * search worker's library), and the call is made again, once. The page keeps one engine object
 * whatever happens to the worker behind it (web-llm's engines recover the same way).
 */
import { AppError } from '../errors.ts';
import { callRemote, engineProxy, spawnWorker, type EngineWorker, type WorkerFactory, type WorkerHandle } from './spawn.ts';

export interface RestartOptions<Request> {
  /** The method that loads what every other call uses (default 'load'); its last request is made again in a fresh worker. */
  loadMethod?: string;
  /**
   * After a call failed (not from the worker's death): the load request to restart with (the
   * same, or another, e.g. WASM after a lost GPU), or null to report the failure as it is.
   */
  restartAfter?(error: unknown, loaded: Request): Request | null;
}

/** The worker died: it is started again, with its last load request, by the next call. */
const died = () => new AppError('model-failed', 'The worker stopped unexpectedly; it starts again with the next request.');

export function restartingEngine<Engine extends object, Request>(create: WorkerFactory, options: RestartOptions<Request> = {}): EngineWorker<Engine> {
  const loadMethod = options.loadMethod ?? 'load';
  let handle: WorkerHandle<Engine>;
  let dead: Promise<never>;
  let isDead = false;
  let loaded: Request | null = null;
  let restarting: Promise<void> | null = null;
  let ended = false;

  const start = () => {
    isDead = false;
    let worker: Worker | null = null;
    handle = spawnWorker<Engine>(() => (worker = create()));
    dead = new Promise<never>((_, reject) =>
      worker!.addEventListener('error', (event) => {
        event.preventDefault();
        isDead = true;
        reject(died());
      }),
    );
    dead.catch(() => {});
  };
  start();

  /** Calls the worker there is now; a call it will never answer (it died) fails instead of waiting for ever. */
  const send = (key: string, args: unknown[]) => Promise.race([callRemote(handle.api, key, args), dead]);

  /** A fresh worker, loaded with `request` (one restart at a time: calls that find the worker dead together wait for the same one). */
  function restart(request: Request | null): Promise<void> {
    restarting ??= (async () => {
      if (ended) return;
      handle.terminate();
      start();
      if (request) {
        await send(loadMethod, [request]);
        loaded = request;
      }
    })().finally(() => (restarting = null));
    return restarting;
  }

  async function call(key: string, args: unknown[]): Promise<unknown> {
    if (restarting) await restarting;
    if (isDead) await restart(loaded);
    try {
      const result = await send(key, args);
      if (key === loadMethod) loaded = args[0] as Request;
      return result;
    } catch (error) {
      if (!loaded || key === loadMethod || ended) throw error;
      const request = isDead ? loaded : (options.restartAfter?.(error, loaded) ?? null);
      if (!request) throw error;
      await restart(request);
      return send(key, args);
    }
  }

  return engineProxy<Engine>(call, () => {
    ended = true;
    handle.terminate();
  });
}
