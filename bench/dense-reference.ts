/**
 * Float32 dense search: the reference the app's int8 index (src/retrieval/dense.ts) is measured
 * against in the tests and benchmarks. The app itself only searches int8 rows.
 */
import { Int8DenseIndex } from '../src/retrieval/dense.ts';
import { TopK, type RowScore } from '../src/retrieval/top-k.ts';
import type { ScoredPage, VectorSearcher } from '../src/retrieval/types.ts';
import { quantizeRows } from '../src/vectors/int8.ts';
import { checkQuery, checkShape } from '../src/vectors/matrix.ts';
import { docIdOf } from '../src/page-id.ts';

/** Dot product of row `offset..offset+dims` of `data` with `query`, summed in index order. */
function dotAt(data: Float32Array, offset: number, query: Float32Array, dims: number): number {
  let sum = 0;
  for (let i = 0; i < dims; i++) sum += data[offset + i]! * query[i]!;
  return sum;
}

/** Float32 rows; dot with the query is the score. */
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
    const scope = new Set(docIds);
    const allowed = this.pageIds.map((id) => scope.has(docIdOf(id)));
    const top = new TopK(Math.max(0, Math.min(k, this.pageIds.length)));
    scanFloat32(this.data, this.dims, query, { offer: (score, row) => allowed[row] && top.offer(score, row) });
    return toPages(this.pageIds, top.sorted());
  }
}

/** The app's int8 index over float32 rows, quantised by the app's codec. */
export function int8Index(pageIds: readonly string[], data: Float32Array, dims: number): Int8DenseIndex {
  checkShape('page', data.length, dims, pageIds);
  return new Int8DenseIndex(pageIds, quantizeRows(data, dims));
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

/** As src/retrieval/scan.ts's `scanInt8`, for float32 rows: four rows per pass, each row's sum in index order (equal to `dotAt` bit for bit). */
export function scanFloat32(data: Float32Array, dims: number, query: Float32Array, top: Pick<TopK, 'offer'>): void {
  const rows = data.length / dims;
  let row = 0;
  for (; row + 3 < rows; row += 4) {
    const a = row * dims;
    const b = a + dims;
    const c = b + dims;
    const d = c + dims;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let i = 0; i < dims; i++) {
      const x = query[i]!;
      s0 += data[a + i]! * x;
      s1 += data[b + i]! * x;
      s2 += data[c + i]! * x;
      s3 += data[d + i]! * x;
    }
    top.offer(s0, row);
    top.offer(s1, row + 1);
    top.offer(s2, row + 2);
    top.offer(s3, row + 3);
  }
  for (; row < rows; row++) top.offer(dotAt(data, row * dims, query, dims), row);
}

function toPages(pageIds: readonly string[], rows: RowScore[]): ScoredPage[] {
  return rows.map(({ row, score }) => ({ pageId: pageIds[row]!, score }));
}
