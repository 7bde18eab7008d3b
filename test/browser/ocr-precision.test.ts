import { describe, expect, it } from 'vitest';
import { loadOcr } from '../../src/ingest/ocr.ts';
import { openPdf, renderPdfPage } from '../../src/ingest/pdf.ts';
import type { TextLine } from '../../src/ingest/types.ts';
import { levenshtein } from '../../src/reward/anls.ts';
import { fetchShared } from '../support/scripted.ts';

/** The slide as ingestion hands it to OCR: at most 2000 px on its longer side. */
async function slide(relative: string): Promise<OffscreenCanvas> {
  const bitmap = await createImageBitmap(await fetchShared(relative));
  const scale = Math.min(1, 2000 / Math.max(bitmap.width, bitmap.height));
  const canvas = new OffscreenCanvas(Math.round(bitmap.width * scale), Math.round(bitmap.height * scale));
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return canvas;
}

/** Characters of `a` that an edit-distance alignment finds unchanged in `b`, as a share of the longer. */
function characterAgreement(a: string, b: string): number {
  return 1 - levenshtein(a, b) / Math.max(1, Array.from(a).length, Array.from(b).length);
}

const GERMANWINGS_PDF = 'corpora/mmlongbench-dev/germanwingsdigitalcrisisanalysis-150403064828-conversion-gate01_95.pdf';

/** The page's text without spaces: the two models place the spaces between words differently. */
const text = (lines: TextLine[]) => lines.map((l) => l.text.replace(/ /g, '')).join('\n');

describe('the 8-bit recogniser reads what PaddleOCR’s float model reads (WASM)', () => {
  const pages: Record<string, () => Promise<OffscreenCanvas>> = {
    'a 162-line table (numbers, short cells): slide_3_1024.jpg': () => slide('corpora/vrag-slides/slide_3_1024.jpg'),
    'a page of prose: page 4 of the Germanwings PDF': async () => {
      const pdf = await openPdf(new Uint8Array(await (await fetchShared(GERMANWINGS_PDF)).arrayBuffer()), 'germanwings.pdf');
      return (await renderPdfPage(await pdf.getPage(4), 2000)).canvas;
    },
  };
  for (const [name, page] of Object.entries(pages)) {
    it(name, async () => {
      const canvas = await page();
      const float = await (await loadOcr('wasm', 'float32')).recognise(canvas);
      const int8 = await (await loadOcr('wasm', 'int8')).recognise(canvas);
      const agreement = characterAgreement(text(float), text(int8));
      console.log(`${name}: ${float.length} lines (float) / ${int8.length} (int8), characters ${agreement.toFixed(4)}`);
      expect(float.length).toBeGreaterThan(10);
      expect(Math.abs(int8.length - float.length)).toBeLessThanOrEqual(Math.ceil(0.05 * float.length));
      expect(agreement).toBeGreaterThan(0.98);
    });
  }
});
