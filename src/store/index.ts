/**
 * The document library in IndexedDB (through idb), usable from the page and from workers.
 *
 * Schema (version SCHEMA_VERSION; migrations in schema.ts, step N upgrades N-1 to N):
 *   documents  key id (SHA-256 of the file bytes)      DocumentRecord   index by-status
 *   pages      key `${docId}:${pageNumber}`            PageRecord       index by-doc
 *   pageBlobs  key pageId                              PageBlobs        index by-doc   (image + thumbnail Blobs)
 *   pageTexts  key pageId                              PageText         index by-doc   (text + OCR line/word boxes)
 *   embeddings key [pageId, modelId, kind]             EmbeddingRecord  index by-doc, by-model [modelId, kind]
 *   kv         out-of-line string keys                 any cloneable value (e.g. a serialised BM25 index)
 *
 * Lifecycle: beginDocument → putPage × pageCount (each page in one transaction, with pagesDone) →
 * finishDocument ('ready') or failDocument ('failed', pages discarded). Page-level reads only see
 * ready documents, so search never meets a half-ingested file; interruptedDocuments() lists the
 * ones a closed tab left 'ingesting'. Vectors are stored as float32 or int8 with a scale per vector.
 *
 * Tabs: a connection closes as soon as another tab upgrades or deletes the database and reopens on
 * the next call; changes are broadcast on BroadcastChannel `vrag-store:<database name>`.
 */
export { DocumentStore, DEFAULT_LIBRARY_NAME } from './document-store.ts';
export type { ChangeListener } from './changes.ts';
export type { ConnectionOptions as LibraryOptions } from './connection.ts';
export { contentHash, isContentHash } from './hash.ts';
export { pageIdOf, parsePageId } from '../page-id.ts';
export { requestPersistence, storageEstimate } from './quota.ts';
export { SCHEMA_VERSION, upgrade, type LibraryDb, type LibrarySchema } from './schema.ts';
export { isQuotaError } from './storage-errors.ts';
export { decodeVector, encodeVector, encodedByteLength } from './vectors.ts';
export type * from './types.ts';
