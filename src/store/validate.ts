/** Checks on what callers hand the store, so bad input fails with a clear message before any write. */
import { AppError } from '../errors.ts';
import { isContentHash } from './hash.ts';
import type { DocumentMeta, DocumentRecord, EmbeddingInput, PageInput } from './types.ts';

function invalid(message: string): never {
  throw new AppError('invalid-input', message);
}

function isPositiveInteger(n: number): boolean {
  return Number.isInteger(n) && n > 0;
}

export function validateMeta(meta: DocumentMeta): void {
  if (!isContentHash(meta.id)) invalid(`Document id "${meta.id}" is not a SHA-256 content hash (use contentHash(bytes)).`);
  if (!meta.name.trim()) invalid('A document needs a file name.');
  if (!isPositiveInteger(meta.pageCount)) invalid(`"${meta.name}" has no pages (page count ${meta.pageCount}).`);
  if (!Number.isInteger(meta.byteSize) || meta.byteSize < 0) invalid(`"${meta.name}" has an impossible size (${meta.byteSize} bytes).`);
}

/** Throws unless the document is still taking pages. */
export function assertIngesting(doc: DocumentRecord | undefined, docId: string, action: string): DocumentRecord {
  if (!doc) throw new AppError('not-found', `Cannot ${action}: document ${docId} is not in the library (it may have been deleted).`);
  if (doc.status !== 'ingesting') {
    invalid(`Cannot ${action}: "${doc.name}" is already ${doc.status}. Delete it and add the file again to re-process it.`);
  }
  return doc;
}

function validateEmbedding(e: EmbeddingInput, where: string): void {
  if (!e.modelId) invalid(`${where}: an embedding has no model id.`);
  if (!isPositiveInteger(e.dims)) invalid(`${where}: embedding of ${e.modelId} has ${e.dims} dimensions.`);
  const rows = e.values.length / e.dims;
  if (!isPositiveInteger(rows)) invalid(`${where}: ${e.values.length} values are not whole vectors of ${e.dims} (${e.modelId}).`);
  if (e.kind !== 'multi' && rows !== 1) invalid(`${where}: a '${e.kind}' embedding is one vector, got ${rows} (${e.modelId}).`);
}

export function validatePage(doc: DocumentRecord, input: PageInput): void {
  const { pageNumber, width, height } = input.page;
  const where = `"${doc.name}" page ${pageNumber}`;
  if (!isPositiveInteger(pageNumber) || pageNumber > doc.pageCount) {
    invalid(`"${doc.name}" has ${doc.pageCount} pages; page ${pageNumber} does not exist.`);
  }
  if (!isPositiveInteger(width) || !isPositiveInteger(height)) invalid(`${where}: the page image is ${width}x${height}.`);
  if (!(input.blobs.image instanceof Blob) || !(input.blobs.thumbnail instanceof Blob)) {
    invalid(`${where}: the page image and thumbnail must be Blobs.`);
  }
  const seen = new Set<string>();
  for (const e of input.embeddings ?? []) {
    validateEmbedding(e, where);
    const key = `${e.modelId}\u0000${e.kind}`;
    if (seen.has(key)) invalid(`${where}: two '${e.kind}' embeddings from ${e.modelId}.`);
    seen.add(key);
  }
}
