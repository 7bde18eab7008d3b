/** What workers/ocr.worker.ts exposes: one page read at a time by this worker's OCR engine. */
import { loadOcr, type OcrBackend } from './ocr.ts';
import type { TextLine } from './types.ts';

export function ocrWorkerApi() {
  const jobs = new Map<number, AbortController>();
  return {
    /** Reads the page (transferred, closed here); `threads` takes effect with this worker's first page. */
    async recognise(jobId: number, page: ImageBitmap, backend: OcrBackend, threads: number): Promise<TextLine[]> {
      const controller = new AbortController();
      jobs.set(jobId, controller);
      try {
        const engine = await loadOcr(backend, undefined, threads);
        return await engine.recognise(page, controller.signal);
      } finally {
        jobs.delete(jobId);
        page.close();
      }
    },

    cancel(jobId: number): void {
      jobs.get(jobId)?.abort();
    },
  };
}

export type OcrWorkerApi = ReturnType<typeof ocrWorkerApi>;
