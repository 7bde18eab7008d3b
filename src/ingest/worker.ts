/** The page side of the ingest worker: the same streaming API as ingestFile, run in workers/ingest.worker.ts. */
import * as Comlink from 'comlink';
import type { IngestWorkerApi } from '../../workers/ingest.worker.ts';
import { AppError, throwIfAborted } from '../errors.ts';
import type { IngestEvent } from './ingest.ts';
import type { IngestOptions, ProgressCallback } from './types.ts';

export interface IngestWorker {
  /** `{ kind: 'document' }` first, then pages in order; the worker renders the next page only once this one is taken. */
  ingestFile(file: Blob, name: string, options?: Partial<IngestOptions>, onProgress?: ProgressCallback, signal?: AbortSignal): AsyncIterable<IngestEvent>;
  terminate(): void;
}

export function startIngestWorker(): IngestWorker {
  const worker = new Worker(new URL('../../workers/ingest.worker.ts', import.meta.url), { type: 'module' });
  const remote = Comlink.wrap<IngestWorkerApi>(worker);
  let nextRun = 0;
  return {
    ingestFile: (file, name, options = {}, onProgress = () => {}, signal) => ({
      [Symbol.asyncIterator]: () => stream(remote, nextRun++, file, name, options, onProgress, signal),
    }),
    terminate: () => {
      remote[Comlink.releaseProxy]();
      worker.terminate();
    },
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
  let outcome: Awaited<ReturnType<IngestWorkerApi['ingest']>> | null = null;
  let failure: unknown = null;
  remote
    .ingest(runId, file, name, options, Comlink.proxy(sink), Comlink.proxy(onProgress))
    .then((o) => (outcome = o), (e: unknown) => (failure = e))
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
      if (failure) throw new AppError('corrupt-file', `“${name}” could not be added: the ingest worker failed.`, { cause: failure });
      const done = outcome as Awaited<ReturnType<IngestWorkerApi['ingest']>> | null;
      if (done) {
        if (!done.ok) throw new AppError(done.code, done.message);
        return;
      }
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    signal?.removeEventListener('abort', cancel);
    // A reader that stops early (break, error, abort) stops the worker too.
    if (!outcome && !failure) void remote.cancel(runId);
    (pending as Delivery | null)?.taken();
  }
}
