/**
 * pdf.js in a worker, with everything it loads served by this app: its own worker script, CMaps
 * (CJK text), standard fonts and image-codec WASM, all via Vite `?url` imports. pdf.js's default
 * factories reach for `document`, which a worker lacks, so canvases are OffscreenCanvas and
 * binary data comes through our URL table.
 */
import pdfWorkerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

type UrlTable = Record<string, () => Promise<string>>;

const tables: Record<string, UrlTable> = {
  cMapUrl: import.meta.glob('/node_modules/pdfjs-dist/cmaps/*.bcmap', { query: '?url', import: 'default' }) as UrlTable,
  standardFontDataUrl: import.meta.glob('/node_modules/pdfjs-dist/standard_fonts/*.{pfb,ttf}', { query: '?url', import: 'default' }) as UrlTable,
  wasmUrl: import.meta.glob('/node_modules/pdfjs-dist/wasm/*.wasm', { query: '?url', import: 'default' }) as UrlTable,
};

export const PDF_WORKER_URL = pdfWorkerUrl;

/** pdf.js's BinaryDataFactory contract: `fetch({ kind, filename })` resolves to the file's bytes. */
export class BundledBinaryDataFactory {
  async fetch({ kind, filename }: { kind: string; filename: string }): Promise<Uint8Array> {
    const table = tables[kind] ?? {};
    const key = Object.keys(table).find((path) => path.endsWith(`/${filename}`));
    if (!key) throw new Error(`pdf.js asked for ${kind} ${filename}, which this app does not bundle`);
    const response = await fetch(new URL(await table[key]!(), self.location.href));
    if (!response.ok) throw new Error(`HTTP ${response.status} for ${filename}`);
    return new Uint8Array(await response.arrayBuffer());
  }
}

interface CanvasAndContext {
  canvas: OffscreenCanvas | null;
  context: OffscreenCanvasRenderingContext2D | null;
}

/** pdf.js's CanvasFactory contract (for its scratch canvases: patterns, masks, groups) on OffscreenCanvas. */
export class OffscreenCanvasFactory {
  create(width: number, height: number): CanvasAndContext {
    if (width <= 0 || height <= 0) throw new Error('Invalid canvas size');
    const canvas = new OffscreenCanvas(width, height);
    return { canvas, context: canvas.getContext('2d', { willReadFrequently: true }) };
  }

  reset(target: CanvasAndContext, width: number, height: number): void {
    if (!target.canvas) throw new Error('Canvas is not specified');
    target.canvas.width = width;
    target.canvas.height = height;
  }

  destroy(target: CanvasAndContext): void {
    if (target.canvas) target.canvas.width = target.canvas.height = 0;
    target.canvas = null;
    target.context = null;
  }
}

/** SVG filters (transfer functions, high-contrast modes) need a DOM; without one pdf.js draws unfiltered. */
export class NoFilterFactory {
  addFilter = () => 'none';
  addHCMFilter = () => 'none';
  addAlphaFilter = () => 'none';
  addLuminosityFilter = () => 'none';
  addHighlightHCMFilter = () => 'none';
  destroy() {}
}
