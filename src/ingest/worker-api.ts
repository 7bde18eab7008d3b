/** What workers/ingest.worker.ts exposes: ingestion runs that stream their events to the page. */
import * as Comlink from 'comlink';
import { AppError, describeError } from '../errors.ts';
import { ingestDeck, ingestFile, type IngestEvent } from './ingest.ts';
import type { IngestOptions, ProgressCallback } from './types.ts';

type Sink = (event: IngestEvent) => Promise<void>;

export function ingestWorkerApi() {
  const runs = new Map<number, AbortController>();

  async function drain(runId: number, name: string, events: (signal: AbortSignal) => AsyncIterable<IngestEvent>, sink: Sink, onProgress: ProgressCallback): Promise<void> {
    const controller = new AbortController();
    runs.set(runId, controller);
    try {
      for await (const event of events(controller.signal)) await sink(event);
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
  }

  return {
    /** Streams events to `sink`, awaiting each delivery so the worker never runs ahead of the reader. Errors arrive as AppErrors. */
    ingest(runId: number, file: Blob, name: string, options: Partial<IngestOptions>, sink: Sink, onProgress: ProgressCallback): Promise<void> {
      return drain(runId, name, (signal) => ingestFile(file, name, options, (p) => void onProgress(p), signal), sink, onProgress);
    },

    /** The same for a deck of page images, from page `firstPage` on. */
    ingestDeck(runId: number, images: { name: string; data: Blob }[], firstPage: number, deckName: string, options: Partial<IngestOptions>, sink: Sink, onProgress: ProgressCallback): Promise<void> {
      return drain(runId, deckName, (signal) => ingestDeck(images, firstPage, options, (p) => void onProgress(p), signal), sink, onProgress);
    },

    cancel(runId: number): void {
      runs.get(runId)?.abort();
    },
  };
}

export type IngestWorkerApi = ReturnType<typeof ingestWorkerApi>;
