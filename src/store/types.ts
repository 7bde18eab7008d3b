/** The records the document library keeps, and what callers hand it. */
import type { PageId } from '../page-id.ts';
import type { Box } from '../shapes.ts';

export type DocumentStatus = 'ingesting' | 'ready' | 'failed';

/** What the caller knows about a file before its pages are processed. */
export interface DocumentMeta {
  /** SHA-256 of the file bytes, lowercase hex (see contentHash). */
  id: string;
  name: string;
  mimeType: string;
  byteSize: number;
  pageCount: number;
}

export interface DocumentRecord extends DocumentMeta {
  /** Epoch milliseconds. */
  addedAt: number;
  status: DocumentStatus;
  /** How many distinct pages are stored. */
  pagesDone: number;
  /** How many of the stored pages had their text from OCR. */
  ocrPages: number;
  /** Why ingestion failed (status 'failed' only). */
  error?: string;
}

export interface PageRecord {
  id: PageId;
  docId: string;
  /** 1-based. */
  pageNumber: number;
  /** Pixel size of the stored page image. */
  width: number;
  height: number;
  /** Whether the page text came from OCR rather than the file's text layer. */
  ocr: boolean;
}

/** Boxes of a stored page are in pixels of its stored image: left, top, right, bottom. */
export type { Box };

export interface TextBox {
  text: string;
  box: Box;
  score: number;
}

export interface TextLine extends TextBox {
  words?: TextBox[];
}

export interface PageText {
  pageId: PageId;
  docId: string;
  text: string;
  lines?: TextLine[];
}

export interface PageBlobs {
  pageId: PageId;
  docId: string;
  image: Blob;
  thumbnail: Blob;
}

export type EmbeddingKind = 'text' | 'image' | 'multi';

export type VectorEncoding = 'f32' | 'int8';

/** `count` vectors of `dims` values, row after row; int8 rows carry one scale each (value = q * scale). */
export type EncodedVectors =
  | { encoding: 'f32'; dims: number; count: number; values: Float32Array }
  | { encoding: 'int8'; dims: number; count: number; values: Int8Array; scales: Float32Array };

export interface EmbeddingRecord {
  pageId: PageId;
  docId: string;
  modelId: string;
  /** 'multi' holds one vector per token/patch (late interaction); the others hold exactly one. */
  kind: EmbeddingKind;
  dims: number;
  vectors: EncodedVectors;
}

/** One embedding as the caller computed it; the store encodes it. */
export interface EmbeddingInput {
  modelId: string;
  kind: EmbeddingKind;
  dims: number;
  /** count × dims values (count is 1 unless kind is 'multi'). */
  values: Float32Array;
  /** Default 'f32'. */
  encoding?: VectorEncoding;
}

/** Everything about one page, written in one transaction. */
export interface PageInput {
  page: { pageNumber: number; width: number; height: number; ocr: boolean };
  text: { text: string; lines?: TextLine[] };
  blobs: { image: Blob; thumbnail: Blob };
  embeddings?: EmbeddingInput[];
}

export interface BeginResult {
  document: DocumentRecord;
  /** True when these bytes were already in the library ('ready', or 'ingesting' and resumable). */
  alreadyExists: boolean;
}

export interface InterruptedDocument {
  document: DocumentRecord;
  pagesDone: number;
  /** The first page number not yet stored: resume ingestion here. */
  resumeFrom: number;
}

/** What changed; `remote` is true when another tab (or store instance) made the change. */
export type StoreChange = (
  | { type: 'document'; docId: string; status: DocumentStatus | 'deleted' }
  | { type: 'page'; docId: string; pageNumber: number }
  | { type: 'value'; key: string }
) & { remote: boolean };

export interface StorageEstimate {
  usage: number;
  quota: number;
}

/** One question asked in the app and how it ended; `trajectory` is the exported JSON, replayable from the stored pages. */
export interface RunRecord {
  id: string;
  question: string;
  startedAt: number;
  status: 'answered' | 'no-answer' | 'cancelled' | 'error';
  answer?: string;
  trajectory: string;
  /** The documents the question searched (their names when asked); absent: all documents. */
  scope?: { docIds: string[]; names: string[] };
  /** The model that answered, as the app named it; absent in entries from before it was kept. */
  model?: string;
  /** A follow-up: the earlier questions and answers of its thread, oldest first (`question` is the follow-up alone). */
  earlier?: { question: string; answer: string }[];
}
