/** Ingest worker: renders, reads and OCRs documents off the main thread (see src/ingest/worker.ts). */
import * as Comlink from 'comlink';
import { AppError, describeError } from '../src/errors.ts';
import { ingestFile, type IngestEvent } from '../src/ingest/ingest.ts';
import type { IngestOptions, ProgressCallback } from '../src/ingest/types.ts';

/** How a run ended; AppError codes do not survive Comlink's error serialisation, so they travel as data. */
export type IngestOutcome = { ok: true } | { ok: false; code: AppError['code']; message: string };

const runs = new Map<number, AbortController>();

const api = {
  /** Streams events to `sink`, awaiting each delivery so the worker never runs ahead of the reader. */
  async ingest(
    runId: number,
    file: Blob,
    name: string,
    options: Partial<IngestOptions>,
    sink: (event: IngestEvent) => Promise<void>,
    onProgress: ProgressCallback,
  ): Promise<IngestOutcome> {
    const controller = new AbortController();
    runs.set(runId, controller);
    try {
      for await (const event of ingestFile(file, name, options, (p) => void onProgress(p), controller.signal)) {
        await sink(event);
      }
      return { ok: true };
    } catch (error) {
      if (error instanceof AppError) return { ok: false, code: error.code, message: error.message };
      if (controller.signal.aborted) return { ok: false, code: 'cancelled', message: 'Stopped by the user.' };
      console.error(error);
      return { ok: false, code: 'corrupt-file', message: `“${name}” could not be added: ${describeError(error)}` };
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

export type IngestWorkerApi = typeof api;
Comlink.expose(api);
