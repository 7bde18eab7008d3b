/** Flat row-major vector matrices and the small maths shared by the dense indexes. */
import { AppError } from '../errors.ts';

/** Scales every row to unit length in place (so dot = cosine); zero rows stay zero. */
export function normalizeRows(data: Float32Array, dims: number): Float32Array {
  for (let offset = 0; offset < data.length; offset += dims) {
    let sum = 0;
    for (let i = 0; i < dims; i++) sum += data[offset + i]! * data[offset + i]!;
    if (sum === 0) continue;
    const inv = 1 / Math.sqrt(sum);
    for (let i = 0; i < dims; i++) data[offset + i]! *= inv;
  }
  return data;
}

export function checkShape(what: string, length: number, dims: number, ids?: readonly string[]): void {
  if (!Number.isInteger(dims) || dims <= 0 || length % dims !== 0) {
    throw new AppError('retrieval-failed', `The ${what} vectors do not match their dimension (${length} values, ${dims} dims); re-index the documents.`);
  }
  if (ids && ids.length !== length / dims) {
    throw new AppError('retrieval-failed', `The ${what} index has ${length / dims} vectors for ${ids.length} pages; re-index the documents.`);
  }
}

export function checkQuery(query: Float32Array, dims: number): void {
  if (query.length !== dims) {
    throw new AppError('retrieval-failed', `The query embedding has ${query.length} dims but the index has ${dims}; the embedding model differs from the one used to index. Re-index the documents.`);
  }
}
