/** PDF pages as page images (OffscreenCanvas) and text-layer lines, one page at a time (worker only). */
import { getDocument, GlobalWorkerOptions, type PDFDocumentProxy, type PDFPageProxy } from 'pdfjs-dist';
import { AppError } from '../errors.ts';
import { canvas2d } from '../perception/canvas-2d.ts';
import { scaleLongSideTo } from './geometry.ts';
import { BundledBinaryDataFactory, NoFilterFactory, OffscreenCanvasFactory, PDF_WORKER_URL } from './pdf-assets.ts';
import { textLines, type PdfTextItem } from './text-layer.ts';
import type { TextLine } from './types.ts';

GlobalWorkerOptions.workerSrc = PDF_WORKER_URL;

export async function openPdf(bytes: Uint8Array, name: string): Promise<PDFDocumentProxy> {
  const task = getDocument({
    data: bytes,
    useWorkerFetch: false,
    BinaryDataFactory: BundledBinaryDataFactory,
    CanvasFactory: OffscreenCanvasFactory,
    FilterFactory: NoFilterFactory,
    // Glyphs are drawn as paths: FontFace needs a document.
    disableFontFace: true,
    isEvalSupported: false,
    stopAtErrors: false,
  });
  try {
    return await task.promise;
  } catch (cause) {
    await task.destroy();
    const kind = (cause as { name?: string } | null)?.name;
    if (kind === 'PasswordException') {
      throw new AppError('encrypted-pdf', `“${name}” is password-protected. Save an unprotected copy (for example with “Print to PDF”) and add that instead.`, { cause });
    }
    throw new AppError('corrupt-file', `“${name}” could not be read as a PDF; it may be damaged or incomplete. Try re-exporting or re-downloading it.`, { cause });
  }
}

export interface RenderedPdfPage {
  canvas: OffscreenCanvas;
  lines: TextLine[];
}

/** Renders the page with its long side at `longSide` pixels and maps its text layer onto those pixels. */
export async function renderPdfPage(page: PDFPageProxy, longSide: number, signal?: AbortSignal): Promise<RenderedPdfPage> {
  const base = page.getViewport({ scale: 1 });
  const size = scaleLongSideTo({ width: base.width, height: base.height }, longSide);
  const viewport = page.getViewport({ scale: size.width / base.width });
  const { canvas, context } = canvas2d(size);
  const task = page.render({ canvas: canvas as unknown as HTMLCanvasElement, canvasContext: context as unknown as CanvasRenderingContext2D, viewport });
  const cancel = () => task.cancel();
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    await task.promise;
    const content = await page.getTextContent();
    const items = content.items.filter((item): item is PdfTextItem & typeof item => 'str' in item);
    return { canvas, lines: textLines(items, viewport.transform, viewport.scale) };
  } finally {
    signal?.removeEventListener('abort', cancel);
  }
}
