/**
 * Document ingestion: a PDF, an image or a text file becomes a stream of pages (page image,
 * thumbnail, text with line boxes). Text comes from the PDF text layer, from OCR where a page has
 * none, or, for plain text and Markdown, from the text itself, laid out and drawn as pages. Pages are
 * produced in order as the caller pulls them, with only the next few under way once a page has
 * needed OCR (one per OCR worker, plus one), so a 1000-page file never sits in memory.
 */
import { AppError, throwIfAborted } from '../errors.ts';
import { canvas2d } from '../perception/canvas-2d.ts';
import { fitLongSide } from './geometry.ts';
import { inOrderWithLookahead, type StartedPage } from './lookahead.ts';
import type { OcrPools } from './ocr-pool.ts';
import { openPdf, renderPdfPage } from './pdf.ts';
import { joinLines } from './reading-order.ts';
import { IMAGE_HEADER_BYTES, imageSize, sniffType } from './sniff.ts';
import { textFileBlocks, textTypeOf } from './text-blocks.ts';
import { hasUsableText, pageText } from './text-layer.ts';
import { layoutPages } from './text-layout.ts';
import { canvasMeasure, drawTextPage } from './text-render.ts';
import {
  DEFAULT_INGEST_OPTIONS,
  type DocumentInfo,
  type DocumentType,
  type ImageType,
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
  ocr: OcrPools,
  options: Partial<IngestOptions> = {},
  onProgress: ProgressCallback = () => {},
  signal?: AbortSignal,
): AsyncGenerator<IngestEvent> {
  const run: Run = { o: { ...DEFAULT_INGEST_OPTIONS, ...options }, ocr, onProgress };
  throwIfAborted(signal);
  onProgress({ phase: 'reading', page: 0, pageCount: 0 });
  const type = await checkFile(file, name, run.o);
  if (type === 'pdf') {
    yield* ingestPdf(file, name, run, signal);
    return;
  }
  if (type === 'text' || type === 'markdown') {
    yield* ingestText(file, name, type, run, signal);
    return;
  }
  // An image too large to decode is refused before the document begins.
  checkPixels(await declaredSize(file, type), name, run.o);
  yield { kind: 'document', info: { name, type, pageCount: 1, sourcePageCount: 1 } };
  yield* imagePages([{ name, data: file }], 1, run, signal);
}

/**
 * Page images as one document (a deck), from page `firstPage` on (earlier ones are already
 * stored): `{ kind: 'document' }` first, then each image checked as a file of its own, decoded and
 * read while the one before is taken. An empty image fails the deck before it begins; any other
 * bad image fails it with its own message.
 */
export async function* ingestDeck(
  images: readonly { name: string; data: Blob }[],
  firstPage: number,
  name: string,
  ocr: OcrPools,
  options: Partial<IngestOptions> = {},
  onProgress: ProgressCallback = () => {},
  signal?: AbortSignal,
): AsyncGenerator<IngestEvent> {
  const run: Run = { o: { ...DEFAULT_INGEST_OPTIONS, ...options }, ocr, onProgress };
  throwIfAborted(signal);
  for (const image of images) refuseEmpty(image.data, image.name);
  // The first image's type names the deck's; an image that is not one fails on its own page.
  const first = images[0] ? sniffType(await head(images[0].data)) : null;
  const type = first && first !== 'pdf' ? first : 'jpeg';
  yield { kind: 'document', info: { name, type, pageCount: images.length, sourcePageCount: images.length } };
  yield* imagePages(images, Math.max(1, firstPage), run, signal);
}

/** One run's options, its OCR workers and where its progress goes. */
interface Run {
  o: IngestOptions;
  ocr: OcrPools;
  onProgress: ProgressCallback;
}

const head = async (file: Blob) => new Uint8Array(await file.slice(0, 1024).arrayBuffer());

function refuseEmpty(file: Blob, name: string): void {
  if (file.size === 0) throw new AppError('empty-file', `“${name}” is empty (0 bytes).`);
}

async function checkFile(file: Blob, name: string, o: IngestOptions): Promise<DocumentType> {
  refuseEmpty(file, name);
  if (file.size > o.maxFileBytes) {
    throw new AppError('file-too-large', `“${name}” is ${megabytes(file.size)} MB; files up to ${megabytes(o.maxFileBytes)} MB can be added.`);
  }
  // The bytes name the type; a file with none of those bytes is text when its name says so (checked as it is read).
  const type = sniffType(await head(file)) ?? textTypeOf(name);
  if (!type) throw new AppError('unsupported-file', `“${name}” is not a PDF, PNG, JPEG or WebP file, nor plain text (.txt) or Markdown (.md), so it cannot be added.`);
  return type;
}

const megabytes = (bytes: number) => Math.ceil(bytes / (1024 * 1024));

async function* ingestPdf(file: Blob, name: string, run: Run, signal?: AbortSignal): AsyncGenerator<IngestEvent> {
  const { o } = run;
  const doc = await openPdf(new Uint8Array(await file.arrayBuffer()), name);
  try {
    const info = documentInfo(name, 'pdf', doc.numPages, o);
    yield { kind: 'document', info };
    yield* pagesInOrder(info.pageCount, 1, run, signal, async (n, pageSignal) => {
      const page = await doc.getPage(n).catch((cause: unknown) => {
        throw new AppError('corrupt-file', `Page ${n} of “${name}” is damaged and could not be read.`, { cause });
      });
      try {
        const rendered = await renderPdfPage(page, o.maxImageSide, pageSignal);
        const usable = o.ocr !== 'auto' || hasUsableText(pageText(rendered.lines), o.minTextLayerChars);
        return startPage(n, rendered.canvas, usable ? rendered.lines : null, run, pageSignal);
      } finally {
        page.cleanup();
      }
    });
  } finally {
    await doc.destroy();
  }
}

/** `about`: the page count is estimated (a text file is laid out only as far as `maxPages`). */
function documentInfo(name: string, type: DocumentType, sourcePageCount: number, o: IngestOptions, about = false): DocumentInfo {
  if (sourcePageCount <= o.maxPages) return { name, type, pageCount: sourcePageCount, sourcePageCount };
  const has = `“${name}” has ${about ? 'about ' : ''}${sourcePageCount} pages`;
  if (o.onTooManyPages === 'error') throw new AppError('too-many-pages', `${has}; at most ${o.maxPages} can be added. Split it into smaller files.`);
  const truncated = `${has}; only the first ${o.maxPages} were added.`;
  return { name, type, pageCount: o.maxPages, sourcePageCount, truncated };
}

/** Page images from `firstPage` on, each checked as a file of its own: a deck's, or one image file's. */
function imagePages(images: readonly { name: string; data: Blob }[], firstPage: number, run: Run, signal?: AbortSignal): AsyncGenerator<IngestEvent> {
  return pagesInOrder(images.length, firstPage, run, signal, async (pageNumber, pageSignal) => {
    const { name, data } = images[pageNumber - 1]!;
    const type = await checkFile(data, name, run.o);
    if (!isImage(type)) {
      const what = type === 'pdf' ? 'a PDF' : 'a text file';
      throw new AppError('unsupported-file', `“${name}” is ${what}; a deck holds page images (PNG, JPEG or WebP). Add it on its own.`);
    }
    checkPixels(await declaredSize(data, type), name, run.o);
    return startPage(pageNumber, await imageCanvas(data, name, type, run.o), null, run, pageSignal);
  });
}

const isImage = (type: DocumentType): type is ImageType => type === 'png' || type === 'jpeg' || type === 'webp';

/**
 * A text file as pages: decoded (binary, and a file with no text, refused), its blocks laid out on letter-shaped pages as
 * tall as a PDF's, each page drawn when its turn comes, with the laid-out lines as its text layer.
 */
async function* ingestText(file: Blob, name: string, type: 'text' | 'markdown', run: Run, signal?: AbortSignal): AsyncGenerator<IngestEvent> {
  const { o } = run;
  const blocks = textFileBlocks(new Uint8Array(await file.arrayBuffer()), name, type);
  const height = o.maxImageSide;
  // Blocks that hold text lay out on at least one page.
  const { pages, laidShare } = layoutPages(blocks, canvasMeasure(height), height, o.maxPages);
  const estimate = laidShare === undefined ? pages.length : Math.max(pages.length + 1, Math.round(pages.length / Math.max(laidShare, 1e-6)));
  const info = documentInfo(name, type, estimate, o, laidShare !== undefined);
  yield { kind: 'document', info };
  yield* pagesInOrder(info.pageCount, 1, run, signal, async (n, pageSignal) => {
    const page = pages[n - 1]!;
    const lines = page.lines.map(({ text, box, words }) => ({ text, box, score: 1, words: words.map((w) => ({ ...w, score: 1 })) }));
    return startPage(n, drawTextPage(page, height), lines, run, pageSignal);
  });
}

/**
 * Pages `firstPage..pageCount` as page events in order, with their progress: `start` renders a page
 * and starts its reading (see lookahead.ts); pages still under way stop when the run ends early.
 */
async function* pagesInOrder(
  pageCount: number,
  firstPage: number,
  { o, ocr, onProgress }: Run,
  signal: AbortSignal | undefined,
  start: (pageNumber: number, signal: AbortSignal) => Promise<StartedPage<IngestedPage>>,
): AsyncGenerator<IngestEvent> {
  // Ends with the run (or the caller's signal): pages still under way stop.
  const ended = new AbortController();
  const pages = signal ? AbortSignal.any([signal, ended.signal]) : ended.signal;
  const pageNumber = (n: number) => firstPage - 1 + n;
  try {
    onProgress({ phase: 'rendering', page: firstPage, pageCount });
    const begin = (n: number) => {
      throwIfAborted(pages);
      return start(pageNumber(n), pages);
    };
    const waiting = (n: number, ocr: boolean) => {
      if (ocr || n > 1) onProgress({ phase: ocr ? 'ocr' : 'rendering', page: pageNumber(n), pageCount }); // the first page's rendering is announced above
    };
    // Pages under way at once: one per OCR worker and one more rendered, so no worker waits for the renderer.
    const depth = o.ocr === 'auto' ? ocr.pool(o.ocrBackend, o.ocrWorkers).plan.workers + 1 : 1;
    for await (const page of inOrderWithLookahead(pageCount - firstPage + 1, depth, begin, waiting)) yield { kind: 'page', page };
    onProgress({ phase: 'done', page: pageCount, pageCount });
  } finally {
    ended.abort();
  }
}

const declaredSize = async (file: Blob, type: ImageType) =>
  imageSize(type, new Uint8Array(await file.slice(0, IMAGE_HEADER_BYTES).arrayBuffer()));

/** Refuses by the header's size before decoding: a decoded pixel costs 4 bytes, and a huge bitmap can take the tab down. */
function checkPixels(declared: { width: number; height: number } | null, name: string, o: IngestOptions): void {
  if (!declared || declared.width * declared.height <= o.maxImagePixels) return;
  const mp = (px: number) => Math.round(px / 1e6);
  throw new AppError(
    'file-too-large',
    `“${name}” is ${declared.width} × ${declared.height} pixels (${mp(declared.width * declared.height)} megapixels); images up to ${mp(o.maxImagePixels)} megapixels can be added. Scale it down and try again.`,
  );
}

/** The image decoded and scaled to the stored page size. */
async function imageCanvas(file: Blob, name: string, type: ImageType, o: IngestOptions): Promise<OffscreenCanvas> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch (cause) {
    throw new AppError('corrupt-file', `“${name}” could not be decoded as a ${type.toUpperCase()} image; it may be damaged.`, { cause });
  }
  try {
    const surface = canvas2d(fitLongSide({ width: bitmap.width, height: bitmap.height }, o.maxImageSide));
    surface.drawScaled(bitmap);
    return surface.canvas;
  } finally {
    bitmap.close();
  }
}

/** Starts OCR (when the text must come from it) and encoding; they run while the next page renders. */
function startPage(pageNumber: number, canvas: OffscreenCanvas, lines: TextLine[] | null, run: Run, signal: AbortSignal): StartedPage<IngestedPage> {
  const ocr = lines === null && run.o.ocr === 'auto';
  return { ocr, done: finishPage(pageNumber, canvas, lines, ocr, run, signal) };
}

/** Encodes the page and its thumbnail; with `ocr`, its text comes from the OCR workers. */
async function finishPage(pageNumber: number, canvas: OffscreenCanvas, lines: TextLine[] | null, ocr: boolean, run: Run, signal: AbortSignal): Promise<IngestedPage> {
  const { o } = run;
  const { width, height } = canvas;
  const read = ocr ? recognise(pageNumber, canvas, run, signal) : Promise.resolve(lines ?? []);
  const thumb = canvas2d(fitLongSide(canvas, o.thumbnailSide));
  thumb.drawScaled(canvas);
  const [finalLines, image, thumbnail] = await Promise.all([
    read,
    canvas.convertToBlob({ type: o.imageFormat, quality: o.imageQuality }),
    thumb.canvas.convertToBlob({ type: o.imageFormat, quality: o.imageQuality }),
  ]);
  // Release the pixels now rather than at the next garbage collection: pages come one after another.
  canvas.width = canvas.height = thumb.canvas.width = thumb.canvas.height = 0;
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

async function recognise(pageNumber: number, canvas: OffscreenCanvas, { o, ocr }: Run, signal: AbortSignal): Promise<TextLine[]> {
  try {
    return await ocr.pool(o.ocrBackend, o.ocrWorkers).recognise(canvas, signal);
  } catch (cause) {
    if (cause instanceof AppError) throw cause;
    throw new AppError('ocr-failed', `Text recognition failed on page ${pageNumber}; the page was not added.`, { cause });
  }
}
