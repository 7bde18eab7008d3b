/** What ingestion yields: one DocumentInfo, then pages one at a time. */
import type { Box } from './geometry.ts';

export type ImageType = 'png' | 'jpeg' | 'webp';
/** 'text' and 'markdown' are text files, laid out as pages. */
export type DocumentType = 'pdf' | ImageType | 'text' | 'markdown';

export interface DocumentInfo {
  name: string;
  type: DocumentType;
  /** Pages that will be yielded (after any max-pages truncation). */
  pageCount: number;
  /** Pages in the file itself. */
  sourcePageCount: number;
  /** Set when the document was cut to `maxPages`: a message for the person. */
  truncated?: string;
}

export interface TextLine {
  text: string;
  /** [x1, y1, x2, y2] in page-image pixels. */
  box: Box;
  /** Recognition confidence in 0..1 (1 for the PDF text layer). */
  score: number;
  /** Each word's box, where the page was laid out from text (text files). */
  words?: { text: string; box: Box; score: number }[];
}

export interface IngestedPage {
  /** 1-based. */
  pageNumber: number;
  /** Size of `image` in pixels. */
  width: number;
  height: number;
  image: Blob;
  thumbnail: Blob;
  text: string;
  lines: TextLine[];
  /** True when the text came from OCR rather than a PDF text layer. */
  ocr: boolean;
}

export type ImageFormat = 'image/jpeg' | 'image/webp';

export interface IngestOptions {
  /** Long side of the stored page image. */
  maxImageSide: number;
  thumbnailSide: number;
  imageFormat: ImageFormat;
  imageQuality: number;
  /** Documents with more pages are cut (or refused when `onTooManyPages` is 'error'). */
  maxPages: number;
  onTooManyPages: 'truncate' | 'error';
  /** Files larger than this are refused before reading. */
  maxFileBytes: number;
  /** Images with more pixels are refused before decoding (a decoded pixel costs 4 bytes). */
  maxImagePixels: number;
  /** A PDF page whose text layer has fewer letters/digits than this is OCR'd. */
  minTextLayerChars: number;
  ocr: 'auto' | 'off';
  ocrBackend: 'wasm' | 'webgpu';
  /** OCR workers reading pages side by side: 'auto' sizes them to the machine (see ocr-plan.ts). */
  ocrWorkers: 'auto' | number;
}

export const DEFAULT_INGEST_OPTIONS: IngestOptions = {
  maxImageSide: 2000,
  thumbnailSide: 256,
  imageFormat: 'image/jpeg',
  imageQuality: 0.85,
  maxPages: 2000,
  onTooManyPages: 'truncate',
  maxFileBytes: 500 * 1024 * 1024,
  maxImagePixels: 64_000_000,
  minTextLayerChars: 16,
  ocr: 'auto',
  ocrBackend: 'wasm',
  ocrWorkers: 'auto',
};

export type IngestPhase = 'reading' | 'rendering' | 'ocr' | 'done';

export interface IngestProgress {
  phase: IngestPhase;
  /** 1-based page being worked on (0 before the first page). */
  page: number;
  pageCount: number;
}

export type ProgressCallback = (progress: IngestProgress) => void;
