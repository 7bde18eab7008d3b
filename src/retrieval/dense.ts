/**
 * Exact top-k dense search over page vectors held in one flat array: a tight dot-product loop and
 * a bounded heap. Vectors are expected L2-normalised, so the score is the cosine similarity.
 */
import { AppError } from '../errors.ts';
import { quantizeRows, type Int8Matrix } from './quantize.ts';
import { TopK, type RowScore } from './top-k.ts';
import type { ScoredPage, VectorSearcher } from './types.ts';
import { scanFloat32, scanInt8 } from './scan.ts';
import { checkQuery, checkShape, dotAt } from './vectors.ts';

export type Precision = 'float32' | 'int8';

/** Float32 rows; dot with the query is the score. */
export class DenseIndex implements VectorSearcher {
  constructor(
    readonly pageIds: readonly string[],
    readonly data: Float32Array,
    readonly dims: number,
  ) {
    checkShape('page', data.length, dims, pageIds);
  }

  search(query: Float32Array, k: number): ScoredPage[] {
    checkQuery(query, this.dims);
    return toPages(this.pageIds, topRows(this.data, this.dims, query, k));
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

  search(query: Float32Array, k: number): ScoredPage[] {
    checkQuery(query, this.dims);
    const { data, scales, dims } = this.matrix;
    const top = new TopK(Math.max(0, Math.min(k, scales.length)));
    scanInt8(data, scales, dims, query, top);
    return toPages(this.pageIds, top.sorted());
  }
}

export function createDenseIndex(pageIds: readonly string[], data: Float32Array, dims: number, precision: Precision): VectorSearcher {
  return precision === 'int8' ? Int8DenseIndex.fromFloat32(pageIds, data, dims) : new DenseIndex(pageIds, data, dims);
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
