/**
 * fetch() for the remote endpoint from a page: through the relay worker (see relay.ts), so an
 * endpoint saved after the page loaded is reachable at once. The relay belongs to whoever opens it
 * (the session, which ends it on close and hands its `fetch` to the policies that need it).
 */
import { spawnEngine, type EngineWorker, type WorkerFactory } from '../../rpc/spawn.ts';
import type { RelayEngine } from './relay.ts';

export class EndpointRelay {
  private readonly worker: EngineWorker<RelayEngine>;
  private nextId = 0;

  /** The relay worker starts with the first request (most sessions never use an endpoint). */
  constructor(createWorker: WorkerFactory) {
    this.worker = spawnEngine<RelayEngine>(createWorker, { lazy: true });
  }

  async fetch(url: string, init: RequestInit): Promise<Response> {
    const id = ++this.nextId;
    const signal = init.signal;
    if (signal?.aborted) throw new DOMException('The request was cancelled.', 'AbortError');
    const onAbort = () => void this.worker.abort(id).catch(() => {}); // an ended relay has no request left to abort
    signal?.addEventListener('abort', onAbort, { once: true });
    const response = await this.worker.fetch(id, {
      url,
      method: init.method ?? 'GET',
      headers: Object.fromEntries(new Headers(init.headers)),
      ...(typeof init.body === 'string' ? { body: init.body } : {}),
    });
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers: response.headers });
  }

  /** Ends the relay worker and any request still under way. */
  close(): void {
    this.worker.terminate();
  }
}

/** How requests reach the endpoint: a relay's `fetch` (the session hands out its own). */
export type EndpointFetch = (url: string, init: RequestInit) => Promise<Response>;
