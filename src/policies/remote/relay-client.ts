/**
 * fetch() for the remote endpoint. In a page it goes through the relay worker (see relay.ts), so
 * an endpoint saved after the page loaded is reachable at once; elsewhere (Node, a worker) it is
 * a plain fetch.
 */
import { APP_WORKERS } from '../../rpc/app-workers.ts';
import { spawnWorker, type WorkerHandle } from '../../rpc/spawn.ts';
import type { RelayApi } from './relay.ts';

let relay: WorkerHandle<RelayApi> | null = null;
let nextId = 0;

export async function endpointFetch(url: string, init: RequestInit): Promise<Response> {
  if (typeof document === 'undefined') return fetch(url, { ...init, credentials: 'omit', cache: 'no-store' });
  relay ??= spawnWorker<RelayApi>(APP_WORKERS.remote);
  const { api } = relay;
  const id = ++nextId;
  const signal = init.signal;
  if (signal?.aborted) throw new DOMException('The request was cancelled.', 'AbortError');
  const onAbort = () => void api.abort(id);
  signal?.addEventListener('abort', onAbort, { once: true });
  const response = await api.fetch(id, {
    url,
    method: init.method ?? 'GET',
    headers: Object.fromEntries(new Headers(init.headers)),
    ...(typeof init.body === 'string' ? { body: init.body } : {}),
  });
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers: response.headers });
}
