import { describe, expect, it } from 'vitest';
import { loadOcr } from '../../src/ingest/ocr.ts';
import type { TextLine } from '../../src/ingest/types.ts';
import { fetchShared } from '../support/scripted.ts';

/** The slide as ingestion hands it to OCR: at most 2000 px on its longer side. */
async function page(relative: string): Promise<OffscreenCanvas> {
  const bitmap = await createImageBitmap(await fetchShared(relative));
  const scale = Math.min(1, 2000 / Math.max(bitmap.width, bitmap.height));
  const canvas = new OffscreenCanvas(Math.round(bitmap.width * scale), Math.round(bitmap.height * scale));
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return canvas;
}

/** Characters of `a` that a Levenshtein alignment finds unchanged in `b`, as a share of the longer. */
function characterAgreement(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return 1 - previous[b.length]! / Math.max(1, a.length, b.length);
}

/** The page's text without spaces: the two models place the spaces between words differently. */
const text = (lines: TextLine[]) => lines.map((l) => l.text.replace(/ /g, '')).join('\n');

describe('the 8-bit recogniser reads what PaddleOCR’s float model reads (WASM)', () => {
  // A 162-line table (numbers, short cells) and a Chinese slide with light text on a photo.
  for (const slide of ['corpora/vrag-slides/slide_3_1024.jpg', 'corpora/vrag-slides/aliyun4_3.jpg']) {
    it(slide.split('/').at(-1)!, async () => {
      const canvas = await page(slide);
      const float = await (await loadOcr('wasm', 'float32')).recognise(canvas);
      const int8 = await (await loadOcr('wasm', 'int8')).recognise(canvas);
      const agreement = characterAgreement(text(float), text(int8));
      console.log(`${slide}: ${float.length} lines (float) / ${int8.length} (int8), characters ${agreement.toFixed(4)}`);
      expect(float.length).toBeGreaterThan(10);
      expect(Math.abs(int8.length - float.length)).toBeLessThanOrEqual(Math.ceil(0.05 * float.length));
      expect(agreement).toBeGreaterThan(0.98);
    });
  }
});
