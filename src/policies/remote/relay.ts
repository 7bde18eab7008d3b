/**
 * The remote endpoint's connection, run in a worker (workers/remote.worker.ts). The page's
 * Content-Security-Policy is a meta tag fixed at load and can only ever be narrowed, so the page
 * itself could not reach an endpoint saved after it loaded; a worker is not under that tag. The
 * page keeps its own connections to this origin and the model host, and talks to the endpoint
 * only through here, so a newly saved endpoint works at once.
 */

import { Comlink } from '../../rpc/spawn.ts';

export interface RelayRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

export interface RelayResponse {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: ReadableStream<Uint8Array> | null;
}

/** The relay engine: this interface in the worker, and its proxy on the page (relay-client.ts). */
export interface RelayEngine {
  fetch(id: number, request: RelayRequest): Promise<RelayResponse>;
  abort(id: number): Promise<void>;
}

export function relayEngine(): RelayEngine {
  const running = new Map<number, AbortController>();
  return {
    async fetch(id, request) {
      const controller = new AbortController();
      running.set(id, controller);
      try {
        const response = await fetch(request.url, {
          method: request.method,
          headers: request.headers,
          ...(request.body !== undefined ? { body: request.body } : {}),
          credentials: 'omit',
          cache: 'no-store',
          signal: controller.signal,
        });
        // The body is moved to the page as it streams, not copied; once it ends the request is forgotten.
        const body = response.body?.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({ flush: () => void running.delete(id) })) ?? null;
        if (!body) running.delete(id);
        const reply: RelayResponse = { status: response.status, statusText: response.statusText, headers: [...response.headers], body };
        return body ? Comlink.transfer(reply, [body as unknown as Transferable]) : reply;
      } catch (error) {
        running.delete(id);
        // A plain Error crosses the worker boundary as its message; the page maps it.
        throw new Error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      }
    },
    async abort(id) {
      running.get(id)?.abort();
      running.delete(id);
    },
  };
}
