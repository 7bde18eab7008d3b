/**
 * fetch() for the remote endpoint. In a page it goes through the relay worker (see relay.ts), so
 * an endpoint saved after the page loaded is reachable at once; elsewhere (Node, a worker) it is
 * a plain fetch. The relay belongs to whoever opens it (the session, which ends it on close);
 * requests go through the one the page uses now (useEndpointRelay).
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
    const onAbort = () => void this.worker.abort(id);
    signal?.addEventListener('abort', onAbort, { once: true });
    const response = await this.worker.fetch(id, {
      url,
      method: init.method ?? 'GET',
      headers: Object.fromEntries(new Headers(init.headers)),
      ...(typeof init.body === 'string' ? { body: init.body } : {}),
    });
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers: response.headers });
  }

  /** Ends the relay worker and any request still under way; the page's requests no longer go through it. */
  close(): void {
    if (current === this) current = null;
    this.worker.terminate();
  }
}

let current: EndpointRelay | null = null;

/** Sends this page's endpoint requests through `relay` from now on (its owner, the session, closes it). */
export function useEndpointRelay(relay: EndpointRelay): void {
  current = relay;
}

export async function endpointFetch(url: string, init: RequestInit): Promise<Response> {
  if (typeof document === 'undefined') return fetch(url, { ...init, credentials: 'omit', cache: 'no-store' });
  if (!current) throw new Error('No session is open in this page to reach the endpoint through.');
  return current.fetch(url, init);
}
