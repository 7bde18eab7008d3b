/**
 * Exact top-k dense search over page vectors held in one flat array: a tight dot-product loop and
 * a bounded heap. Vectors are expected L2-normalised, so the score is the cosine similarity.
 */
import { AppError } from '../errors.ts';
import { quantizeRows, type Int8Matrix } from '../vectors/int8.ts';
import { TopK, type RowScore } from './top-k.ts';
import type { ScoredPage, VectorSearcher } from './types.ts';
import { scanFloat32, scanInt8 } from './scan.ts';
import { checkQuery, checkShape, dotAt } from '../vectors/matrix.ts';

/** Float32 rows; dot with the query is the score. The reference the int8 index is measured against (tests, benchmarks). */
export class DenseIndex implements VectorSearcher {
  constructor(
    readonly pageIds: readonly string[],
    readonly data: Float32Array,
    readonly dims: number,
  ) {
    checkShape('page', data.length, dims, pageIds);
  }

  search(query: Float32Array, k: number, docIds?: readonly string[]): ScoredPage[] {
    checkQuery(query, this.dims);
    if (!docIds) return toPages(this.pageIds, topRows(this.data, this.dims, query, k));
    const top = new ScopedTopK(Math.max(0, Math.min(k, this.pageIds.length)), rowMask(this.pageIds, docIds));
    scanFloat32(this.data, this.dims, query, top);
    return toPages(this.pageIds, top.sorted());
  }
}

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

  static fromFloat32(pageIds: readonly string[], data: Float32Array, dims: number): Int8DenseIndex {
    checkShape('page', data.length, dims, pageIds);
    return new Int8DenseIndex(pageIds, quantizeRows(data, dims));
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

/** A row mask for the pages of some documents (page ids are `${docId}:${page}`). */
function rowMask(pageIds: readonly string[], docIds: readonly string[]): Uint8Array {
  const scope = new Set(docIds);
  return Uint8Array.from(pageIds, (id) => (scope.has(id.slice(0, id.lastIndexOf(':'))) ? 1 : 0));
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

/** The k rows of `data` with the highest dot product with `query`, best first. */
export function topRows(data: Float32Array, dims: number, query: Float32Array, k: number): RowScore[] {
  const rows = data.length / dims;
  const top = new TopK(Math.max(0, Math.min(k, rows)));
  if (top.k === 0) return [];
  scanFloat32(data, dims, query, top);
  return top.sorted();
}

/**
 * Baseline for the benchmark and the equivalence test only: score every row into an object,
 * sort them all, slice. Same dot products and tie order as `topRows`, so results are identical.
 */
export function naiveTopRows(data: Float32Array, dims: number, query: Float32Array, k: number): RowScore[] {
  const rows = Array.from({ length: data.length / dims }, (_, row) => ({ row, score: dotAt(data, row * dims, query, dims) }));
  return rows.sort((a, b) => b.score - a.score || a.row - b.row).slice(0, Math.max(0, k));
}

function toPages(pageIds: readonly string[], rows: RowScore[]): ScoredPage[] {
  return rows.map(({ row, score }) => ({ pageId: pageIds[row]!, score }));
}
