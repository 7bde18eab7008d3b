/** What workers/ingest.worker.ts runs: ingestion runs that stream their events to the page. */
import * as Comlink from 'comlink';
import { AppError, describeError } from '../errors.ts';
import { ingestDeck, ingestFile, type IngestEvent } from './ingest.ts';
import { OcrPools, ocrWorkerAt } from './ocr-pool.ts';
import type { IngestOptions, ProgressCallback } from './types.ts';

type Sink = (event: IngestEvent) => Promise<void>;
type NamedBlob = { name: string; data: Blob };

/** The ingest engine: this interface in the worker, called by the page's IngestWorker (client.ts). */
export interface IngestEngine {
  /**
   * Streams a file's events to `sink`, awaiting each delivery so the worker never runs ahead of the
   * reader; OCR workers start from the bundle at `ocrWorker`. Errors arrive as AppErrors.
   */
  ingest(runId: number, file: Blob, name: string, ocrWorker: string, options: Partial<IngestOptions>, sink: Sink, onProgress: ProgressCallback): Promise<void>;
  /** The same for a deck of page images, from page `firstPage` on. */
  ingestDeck(runId: number, images: readonly NamedBlob[], firstPage: number, deckName: string, ocrWorker: string, options: Partial<IngestOptions>, sink: Sink, onProgress: ProgressCallback): Promise<void>;
  cancel(runId: number): Promise<void>;
}

export function ingestEngine(): IngestEngine {
  const runs = new Map<number, AbortController>();
  let ocr: { url: string; pools: OcrPools } | null = null;
  /** The OCR pools for the bundle at `url` (the same address every time, from the page's one table). */
  const ocrPools = (url: string) => {
    if (ocr?.url !== url) {
      ocr?.pools.close();
      ocr = { url, pools: new OcrPools(ocrWorkerAt(url)) };
    }
    return ocr.pools;
  };

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
    async ingest(runId, file, name, ocrWorker, options, sink, onProgress) {
      return drain(runId, name, (signal) => ingestFile(file, name, ocrPools(ocrWorker), options, (p) => void onProgress(p), signal), sink, onProgress);
    },
    async ingestDeck(runId, images, firstPage, deckName, ocrWorker, options, sink, onProgress) {
      return drain(runId, deckName, (signal) => ingestDeck(images, firstPage, deckName, ocrPools(ocrWorker), options, (p) => void onProgress(p), signal), sink, onProgress);
    },
    async cancel(runId) {
      runs.get(runId)?.abort();
    },
  };
}
