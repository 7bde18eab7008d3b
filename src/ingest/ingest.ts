/**
 * Document ingestion: a PDF or an image becomes a stream of pages (page image, thumbnail, text with
 * line boxes). Text comes from the PDF text layer, or from OCR where a page has none. Pages are
 * produced one at a time as the caller pulls them, so a 1000-page file never sits in memory.
 */
import { AppError, throwIfAborted } from '../errors.ts';
import { canvas2d, encode } from './canvas.ts';
import { fitLongSide } from './geometry.ts';
import { loadOcr } from './ocr.ts';
import { openPdf, renderPdfPage } from './pdf.ts';
import { joinLines } from './reading-order.ts';
import { IMAGE_HEADER_BYTES, imageSize, sniffType } from './sniff.ts';
import { hasUsableText, pageText } from './text-layer.ts';
import {
  DEFAULT_INGEST_OPTIONS,
  type DocumentInfo,
  type DocumentType,
  type IngestedPage,
  type IngestOptions,
  type ProgressCallback,
  type TextLine,
} from './types.ts';

export type IngestEvent = { kind: 'document'; info: DocumentInfo } | { kind: 'page'; page: IngestedPage };

/** Yields `{ kind: 'document' }` first, then each page in order. Throws AppError for bad input. */
export async function* ingestFile(
  file: Blob,
  name: string,
  options: Partial<IngestOptions> = {},
  onProgress: ProgressCallback = () => {},
  signal?: AbortSignal,
): AsyncGenerator<IngestEvent> {
  const o = { ...DEFAULT_INGEST_OPTIONS, ...options };
  throwIfAborted(signal);
  onProgress({ phase: 'reading', page: 0, pageCount: 0 });
  const type = await checkFile(file, name, o);
  if (type === 'pdf') yield* ingestPdf(file, name, o, onProgress, signal);
  else yield* ingestImage(file, name, type, o, onProgress, signal);
}

async function checkFile(file: Blob, name: string, o: IngestOptions): Promise<DocumentType> {
  if (file.size === 0) throw new AppError('empty-file', `“${name}” is empty (0 bytes).`);
  if (file.size > o.maxFileBytes) {
    throw new AppError('file-too-large', `“${name}” is ${megabytes(file.size)} MB; files up to ${megabytes(o.maxFileBytes)} MB can be added.`);
  }
  const type = sniffType(new Uint8Array(await file.slice(0, 1024).arrayBuffer()));
  if (!type) throw new AppError('unsupported-file', `“${name}” is not a PDF, PNG, JPEG or WebP file, so it cannot be added.`);
  return type;
}

const megabytes = (bytes: number) => Math.ceil(bytes / (1024 * 1024));

async function* ingestPdf(file: Blob, name: string, o: IngestOptions, onProgress: ProgressCallback, signal?: AbortSignal): AsyncGenerator<IngestEvent> {
  const doc = await openPdf(new Uint8Array(await file.arrayBuffer()), name);
  try {
    const info = documentInfo(name, 'pdf', doc.numPages, o);
    yield { kind: 'document', info };
    for (let n = 1; n <= info.pageCount; n++) {
      throwIfAborted(signal);
      onProgress({ phase: 'rendering', page: n, pageCount: info.pageCount });
      const page = await doc.getPage(n).catch((cause: unknown) => {
        throw new AppError('corrupt-file', `Page ${n} of “${name}” is damaged and could not be read.`, { cause });
      });
      try {
        const rendered = await renderPdfPage(page, o.maxImageSide, signal);
        const text = pageText(rendered.lines);
        const useOcr = o.ocr === 'auto' && !hasUsableText(text, o.minTextLayerChars);
        yield { kind: 'page', page: await finishPage(n, rendered.canvas, useOcr ? null : rendered.lines, info.pageCount, o, onProgress, signal) };
      } finally {
        page.cleanup();
      }
    }
    onProgress({ phase: 'done', page: info.pageCount, pageCount: info.pageCount });
  } finally {
    await doc.destroy();
  }
}

function documentInfo(name: string, type: DocumentType, sourcePageCount: number, o: IngestOptions): DocumentInfo {
  if (sourcePageCount <= o.maxPages) return { name, type, pageCount: sourcePageCount, sourcePageCount };
  if (o.onTooManyPages === 'error') {
    throw new AppError('too-many-pages', `“${name}” has ${sourcePageCount} pages; at most ${o.maxPages} can be added. Split it into smaller files.`);
  }
  const truncated = `“${name}” has ${sourcePageCount} pages; only the first ${o.maxPages} were added.`;
  return { name, type, pageCount: o.maxPages, sourcePageCount, truncated };
}

async function* ingestImage(
  file: Blob,
  name: string,
  type: Exclude<DocumentType, 'pdf'>,
  o: IngestOptions,
  onProgress: ProgressCallback,
  signal?: AbortSignal,
): AsyncGenerator<IngestEvent> {
  // Refuse by the header's size before decoding: a decoded pixel costs 4 bytes, and a huge bitmap can take the tab down.
  const declared = imageSize(type, new Uint8Array(await file.slice(0, IMAGE_HEADER_BYTES).arrayBuffer()));
  if (declared && declared.width * declared.height > o.maxImagePixels) {
    const mp = (px: number) => Math.round(px / 1e6);
    throw new AppError(
      'file-too-large',
      `“${name}” is ${declared.width} × ${declared.height} pixels (${mp(declared.width * declared.height)} megapixels); images up to ${mp(o.maxImagePixels)} megapixels can be added. Scale it down and try again.`,
    );
  }
  yield { kind: 'document', info: { name, type, pageCount: 1, sourcePageCount: 1 } };
  onProgress({ phase: 'rendering', page: 1, pageCount: 1 });
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch (cause) {
    throw new AppError('corrupt-file', `“${name}” could not be decoded as a ${type.toUpperCase()} image; it may be damaged.`, { cause });
  }
  let page: OffscreenCanvas;
  try {
    const surface = canvas2d(fitLongSide({ width: bitmap.width, height: bitmap.height }, o.maxImageSide));
    surface.drawScaled(bitmap);
    page = surface.canvas;
  } finally {
    bitmap.close();
  }
  yield { kind: 'page', page: await finishPage(1, page, null, 1, o, onProgress, signal) };
  onProgress({ phase: 'done', page: 1, pageCount: 1 });
}

/** Encodes the page and its thumbnail; `lines` null means the text must come from OCR (when enabled). */
async function finishPage(
  pageNumber: number,
  canvas: OffscreenCanvas,
  lines: TextLine[] | null,
  pageCount: number,
  o: IngestOptions,
  onProgress: ProgressCallback,
  signal?: AbortSignal,
): Promise<IngestedPage> {
  const { width, height } = canvas;
  const ocr = lines === null && o.ocr === 'auto';
  if (ocr) {
    throwIfAborted(signal);
    onProgress({ phase: 'ocr', page: pageNumber, pageCount });
    const engine = await loadOcr(o.ocrBackend);
    lines = await engine.recognise(canvas, signal).catch((cause: unknown) => {
      if (cause instanceof AppError) throw cause;
      throw new AppError('ocr-failed', `Text recognition failed on page ${pageNumber}; the page was not added.`, { cause });
    });
  }
  const thumb = canvas2d(fitLongSide(canvas, o.thumbnailSide));
  thumb.drawScaled(canvas);
  const [image, thumbnail] = await Promise.all([encode(canvas, o.imageFormat, o.imageQuality), encode(thumb.canvas, o.imageFormat, o.imageQuality)]);
  // Release the pixels now rather than at the next garbage collection: pages come one after another.
  canvas.width = canvas.height = thumb.canvas.width = thumb.canvas.height = 0;
  const finalLines = lines ?? [];
  return {
    pageNumber,
    width,
    height,
    image,
    thumbnail,
    text: ocr ? joinLines(finalLines) : pageText(finalLines),
    lines: finalLines,
    ocr,
  };
}
