import { describe, expect, it } from 'vitest';
import { loadOcr } from '../../src/ingest/ocr.ts';
import { OcrPool, ocrWorkerAt } from '../../src/ingest/ocr-pool.ts';
import { OCR_WORKER_URL } from '../../src/session/workers.ts';
import { AppError } from '../../src/errors.ts';
import { fetchShared } from '../support/scripted.ts';

/** Three slides, decoded the way ingestion hands an image to OCR; their top third (the title and a line or two) keeps the test short. */
const SLIDES = ['slide_8_1024.jpg', 'slide_15_1024.jpg', 'slide_19_1024.jpg'];

async function page(name: string): Promise<OffscreenCanvas> {
  const bitmap = await createImageBitmap(await fetchShared(`corpora/vrag-slides/${name}`));
  const canvas = new OffscreenCanvas(bitmap.width, Math.round(bitmap.height / 3));
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
  bitmap.close();
  return canvas;
}

describe('OCR workers (OcrPool)', () => {
  it('reads pages asked for all at once on every worker, each as the engine reads it here', async () => {
    const pages = await Promise.all(SLIDES.map(page));
    const pool = new OcrPool('wasm', { workers: 2, threads: 1 }, ocrWorkerAt(OCR_WORKER_URL));
    try {
      const read = await Promise.all(pages.map((p) => pool.recognise(p)));
      // The second worker starts once the first has read a page, although no new page was asked for.
      expect(pool.workersStarted).toBe(2);
      const here = await loadOcr('wasm', 'int8', 1);
      for (const [i, p] of pages.entries()) {
        const expected = await here.recognise(p);
        expect(expected.length).toBeGreaterThan(1);
        expect(read[i]).toEqual(expected);
      }
    } finally {
      pool.close();
    }
  });

  it('refuses pages once closed, with a message', async () => {
    const pool = new OcrPool('wasm', { workers: 1, threads: 1 }, ocrWorkerAt(OCR_WORKER_URL));
    pool.close();
    const error = await pool.recognise(await page(SLIDES[0]!)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('ocr-failed');
    expect((error as AppError).message).toMatch(/add the document again/);
  });
});
