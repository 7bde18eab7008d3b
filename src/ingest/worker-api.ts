/** What workers/ingest.worker.ts exposes: ingestion runs that stream their events to the page. */
import * as Comlink from 'comlink';
import { AppError, describeError } from '../errors.ts';
import { ingestFile, type IngestEvent } from './ingest.ts';
import type { IngestOptions, ProgressCallback } from './types.ts';

export function ingestWorkerApi() {
  const runs = new Map<number, AbortController>();
  return {
    /** Streams events to `sink`, awaiting each delivery so the worker never runs ahead of the reader. Errors arrive as AppErrors. */
    async ingest(runId: number, file: Blob, name: string, options: Partial<IngestOptions>, sink: (event: IngestEvent) => Promise<void>, onProgress: ProgressCallback): Promise<void> {
      const controller = new AbortController();
      runs.set(runId, controller);
      try {
        for await (const event of ingestFile(file, name, options, (p) => void onProgress(p), controller.signal)) await sink(event);
      } catch (error) {
        if (error instanceof AppError) throw error;
        if (controller.signal.aborted) throw new AppError('cancelled', 'Stopped by the user.');
        console.error(error);
        throw new AppError('corrupt-file', `“${name}” could not be added: ${describeError(error)}`);
      } finally {
        runs.delete(runId);
        // The callbacks arrive as Comlink proxies, each holding a MessagePort until released.
        for (const callback of [sink, onProgress]) (callback as unknown as Partial<Comlink.ProxyMethods>)[Comlink.releaseProxy]?.();
      }
    },

    cancel(runId: number): void {
      runs.get(runId)?.abort();
    },
  };
}

export type IngestWorkerApi = ReturnType<typeof ingestWorkerApi>;
