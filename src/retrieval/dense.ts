/**
 * Exact top-k dense search over int8 page vectors held in one flat array: a tight dot-product loop
 * and a bounded heap. Vectors are expected L2-normalised, so the score is the cosine similarity.
 * (Its float32 reference, for tests and benchmarks, is bench/dense-reference.ts.)
 */
import { AppError } from '../errors.ts';
import { docIdOf } from '../page-id.ts';
import type { Int8Matrix } from '../vectors/int8.ts';
import { TopK, type RowScore } from './top-k.ts';
import type { ScoredPage, VectorSearcher } from './types.ts';
import { scanInt8 } from './scan.ts';
import { checkQuery, checkShape } from '../vectors/matrix.ts';

/** Int8 rows with one scale per row: a quarter of the memory, scores within quantisation error. */
export class Int8DenseIndex implements VectorSearcher {
  readonly matrix: Int8Matrix;

  constructor(
    readonly pageIds: readonly string[],
    matrix: Int8Matrix,
  ) {
    checkShape('page', matrix.data.length, matrix.dims, pageIds);
    if (matrix.scales.length !== pageIds.length) {
      throw new AppError('retrieval-failed', 'The compressed page index is missing scales; re-index the documents.');
    }
    this.matrix = matrix;
  }

  get dims(): number {
    return this.matrix.dims;
  }

  /** The k best pages; with `docIds`, only pages of those documents compete (document scope). */
  search(query: Float32Array, k: number, docIds?: readonly string[]): ScoredPage[] {
    checkQuery(query, this.dims);
    const { data, scales, dims } = this.matrix;
    const size = Math.max(0, Math.min(k, scales.length));
    const top = docIds ? new ScopedTopK(size, rowMask(this.pageIds, docIds)) : new TopK(size);
    scanInt8(data, scales, dims, query, top);
    return toPages(this.pageIds, top.sorted());
  }
}

/** A row mask for the pages of some documents. */
function rowMask(pageIds: readonly string[], docIds: readonly string[]): Uint8Array {
  const scope = new Set(docIds);
  return Uint8Array.from(pageIds, (id) => (scope.has(docIdOf(id)) ? 1 : 0));
}

/** A heap that only admits rows a mask allows. */
class ScopedTopK extends TopK {
  constructor(
    k: number,
    private readonly allowed: Uint8Array,
  ) {
    super(k);
  }

  override offer(score: number, row: number): void {
    if (this.allowed[row]) super.offer(score, row);
  }
}

function toPages(pageIds: readonly string[], rows: RowScore[]): ScoredPage[] {
  return rows.map(({ row, score }) => ({ pageId: pageIds[row]!, score }));
}
