/** The page side of the ingest worker: the same streaming API as ingestFile, run in workers/ingest.worker.ts. */
import { AppError, isAbortError, throwIfAborted } from '../errors.ts';
import { Comlink, spawnWorker, type WorkerFactory } from '../rpc/spawn.ts';
import type { IngestEvent } from './ingest.ts';
import type { IngestOptions, ProgressCallback } from './types.ts';
import type { IngestEngine } from './worker-api.ts';

export interface IngestWorker {
  /**
   * `{ kind: 'document' }` first, then pages in order. Once a page has needed OCR the worker stays a
   * few pages ahead of the reader while OCR workers read them; until then it renders the next page
   * only once this one is taken.
   */
  ingestFile(file: Blob, name: string, options?: Partial<IngestOptions>, onProgress?: ProgressCallback, signal?: AbortSignal): AsyncIterable<IngestEvent>;
  /** A deck of page images as one document: `{ kind: 'document' }` first, then its pages from `firstPage` on (the pages before are already stored). */
  ingestDeck(
    images: readonly { name: string; data: Blob }[],
    firstPage: number,
    deckName: string,
    options?: Partial<IngestOptions>,
    onProgress?: ProgressCallback,
    signal?: AbortSignal,
  ): AsyncIterable<IngestEvent>;
  terminate(): void;
}

/**
 * Starts the ingest worker on its first run (a session that never adds a document never loads its
 * bundle). The OCR workers it starts come from the bundle at `ocrWorker`, an address handed to it
 * with each run (src/session/workers.ts names it).
 */
export function startIngestWorker(createWorker: WorkerFactory, ocrWorker: string): IngestWorker {
  const { api, terminate } = spawnWorker<IngestEngine>(createWorker, { lazy: true });
  let nextRun = 0;
  return {
    ingestFile: (file, name, options = {}, onProgress = () => {}, signal) => ({
      [Symbol.asyncIterator]: () => {
        const runId = nextRun++;
        const run: Start = (sink, progress) => api.ingest(runId, file, name, ocrWorker, options, sink, progress);
        return stream(api, runId, name, run, onProgress, signal);
      },
    }),
    ingestDeck: (images, firstPage, deckName, options = {}, onProgress = () => {}, signal) => ({
      [Symbol.asyncIterator]: () => {
        const runId = nextRun++;
        const run: Start = (sink, progress) => api.ingestDeck(runId, images, firstPage, deckName, ocrWorker, options, sink, progress);
        return stream(api, runId, deckName, run, onProgress, signal);
      },
    }),
    terminate,
  };
}

type Delivery = { event: IngestEvent; taken: () => void };

/** Starts the run in the worker with the page's delivery and progress callbacks (as Comlink proxies). */
type Start = (sink: ReturnType<typeof Comlink.proxy<(event: IngestEvent) => Promise<void>>>, onProgress: ReturnType<typeof Comlink.proxy<ProgressCallback>>) => Promise<void>;

async function* stream(
  remote: Comlink.Remote<IngestEngine>,
  runId: number,
  name: string,
  start: Start,
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
  start(Comlink.proxy(sink), Comlink.proxy(onProgress))
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
