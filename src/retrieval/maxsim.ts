/**
 * Late-interaction (ColPali-style) search: a page is m vectors, a query n vectors, and the score is
 * Σ over query vectors of the max dot product with any page vector. Exact, with a bounded heap.
 */
import { AppError } from '../errors.ts';
import { TopK } from './top-k.ts';
import type { ScoredPage, VectorSearcher } from './types.ts';
import { checkShape, dotAt } from './vectors.ts';

/** MaxSim of a query (n×dims, row-major) against page rows [firstRow, endRow) of `data`. */
export function maxSim(query: Float32Array, data: Float32Array, dims: number, firstRow = 0, endRow = data.length / dims): number {
  let total = 0;
  for (let q = 0; q < query.length; q += dims) {
    const queryRow = query.subarray(q, q + dims);
    let best = -Infinity;
    for (let row = firstRow; row < endRow; row++) best = Math.max(best, dotAt(data, row * dims, queryRow, dims));
    if (best > -Infinity) total += best;
  }
  return total;
}

export class MultiVectorIndex implements VectorSearcher {
  /**
   * @param data every page's vectors, page after page, row-major
   * @param rowOffsets page p owns rows [rowOffsets[p], rowOffsets[p+1]); length = pages + 1
   */
  constructor(
    readonly pageIds: readonly string[],
    readonly data: Float32Array,
    readonly dims: number,
    readonly rowOffsets: Uint32Array,
  ) {
    checkShape('multi-vector page', data.length, dims);
    const rows = data.length / dims;
    if (rowOffsets.length !== pageIds.length + 1 || rowOffsets[0] !== 0 || rowOffsets[pageIds.length] !== rows) {
      throw new AppError('retrieval-failed', 'The multi-vector page index is inconsistent (row offsets do not cover the vectors); re-index the documents.');
    }
  }

  /** Packs per-page matrices (each m×dims, row-major) into one index. */
  static fromPages(pages: readonly { pageId: string; vectors: Float32Array }[], dims: number): MultiVectorIndex {
    const rowOffsets = new Uint32Array(pages.length + 1);
    let total = 0;
    pages.forEach((page, p) => {
      checkShape('multi-vector page', page.vectors.length, dims);
      total += page.vectors.length;
      rowOffsets[p + 1] = total / dims;
    });
    const data = new Float32Array(total);
    pages.forEach((page, p) => data.set(page.vectors, rowOffsets[p]! * dims));
    return new MultiVectorIndex(pages.map((page) => page.pageId), data, dims, rowOffsets);
  }

  search(query: Float32Array, k: number): ScoredPage[] {
    if (query.length === 0 || query.length % this.dims !== 0) {
      throw new AppError('retrieval-failed', `The multi-vector query (${query.length} values) does not match the index's ${this.dims} dims; re-index with the same embedding model.`);
    }
    const top = new TopK(Math.max(0, Math.min(k, this.pageIds.length)));
    for (let p = 0; p < this.pageIds.length; p++) {
      top.offer(maxSim(query, this.data, this.dims, this.rowOffsets[p]!, this.rowOffsets[p + 1]!), p);
    }
    return top.sorted().map(({ row, score }) => ({ pageId: this.pageIds[row]!, score }));
  }
}
