/** The page side of the ingest worker: the same streaming API as ingestFile, run in workers/ingest.worker.ts. */
import { AppError, isAbortError, throwIfAborted } from '../errors.ts';
import { APP_WORKERS } from '../rpc/app-workers.ts';
import { Comlink, spawnWorker, type WorkerFactory } from '../rpc/spawn.ts';
import type { IngestEvent } from './ingest.ts';
import type { IngestOptions, ProgressCallback } from './types.ts';
import type { IngestWorkerApi } from './worker-api.ts';

export interface IngestWorker {
  /** `{ kind: 'document' }` first, then pages in order; the worker renders the next page only once this one is taken. */
  ingestFile(file: Blob, name: string, options?: Partial<IngestOptions>, onProgress?: ProgressCallback, signal?: AbortSignal): AsyncIterable<IngestEvent>;
  terminate(): void;
}

export function startIngestWorker(createWorker: WorkerFactory = APP_WORKERS.ingest): IngestWorker {
  const { api, terminate } = spawnWorker<IngestWorkerApi>(createWorker, { lazy: true });
  let nextRun = 0;
  return {
    ingestFile: (file, name, options = {}, onProgress = () => {}, signal) => ({
      [Symbol.asyncIterator]: () => stream(api, nextRun++, file, name, options, onProgress, signal),
    }),
    terminate,
  };
}

type Delivery = { event: IngestEvent; taken: () => void };

async function* stream(
  remote: Comlink.Remote<IngestWorkerApi>,
  runId: number,
  file: Blob,
  name: string,
  options: Partial<IngestOptions>,
  onProgress: ProgressCallback,
  signal?: AbortSignal,
): AsyncGenerator<IngestEvent> {
  throwIfAborted(signal);
  let pending: Delivery | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  const sink = (event: IngestEvent) =>
    new Promise<void>((taken) => {
      pending = { event, taken };
      notify();
    });
  let finished = false;
  let failure: unknown = null;
  remote
    .ingest(runId, file, name, options, Comlink.proxy(sink), Comlink.proxy(onProgress))
    .then(() => (finished = true), (e: unknown) => (failure = e))
    .finally(notify);
  const cancel = () => {
    void remote.cancel(runId);
    notify();
  };
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    for (;;) {
      if (signal?.aborted) throw new AppError('cancelled', 'Stopped by the user.');
      const delivery = pending as Delivery | null;
      if (delivery) {
        pending = null;
        delivery.taken();
        yield delivery.event;
        continue;
      }
      if (failure) {
        if (failure instanceof AppError || isAbortError(failure)) throw failure;
        throw new AppError('corrupt-file', `“${name}” could not be added: the ingest worker failed.`, { cause: failure });
      }
      if (finished) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    signal?.removeEventListener('abort', cancel);
    // A reader that stops early (break, error, abort) stops the worker too.
    if (!finished && !failure) void remote.cancel(runId);
    (pending as Delivery | null)?.taken();
  }
}
