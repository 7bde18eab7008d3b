/**
 * Page texts of a PDF in Node, the way the app's ingest reads the text layer (pdf.js items →
 * `textLines` → `pageText`), cached under `bench-results/page-texts/` so retrieval benchmarks
 * re-run in seconds. Pages without a text layer come back empty (the app would OCR them).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { pageText, textLines, type PdfTextItem } from '../src/ingest/text-layer.ts';
import type { TextLine } from '../src/ingest/types.ts';

const CACHE = resolve(import.meta.dirname, '../bench-results/page-texts');
const CACHE_VERSION = 1;

export interface PdfPageText {
  text: string;
  lines: TextLine[];
}

export async function pdfPageTexts(path: string): Promise<PdfPageText[]> {
  const bytes = readFileSync(path);
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  const cached = resolve(CACHE, `${basename(path)}.${hash}.v${CACHE_VERSION}.json`);
  if (existsSync(cached)) return JSON.parse(readFileSync(cached, 'utf8')) as PdfPageText[];
  const pdf = await getDocument({ data: new Uint8Array(bytes), useWorkerFetch: false, isEvalSupported: false, disableFontFace: true, verbosity: 0 }).promise;
  const pages: PdfPageText[] = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    const page = await pdf.getPage(n);
    const viewport = page.getViewport({ scale: 1 });
    const content = await page.getTextContent();
    const items = content.items.filter((item): item is PdfTextItem & typeof item => 'str' in item);
    const lines = textLines(items, viewport.transform, viewport.scale);
    pages.push({ text: pageText(lines), lines });
    page.cleanup();
  }
  await pdf.destroy();
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(cached, JSON.stringify(pages));
  return pages;
}
