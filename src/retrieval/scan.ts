/**
 * The hot loop of dense search: every row's dot product with the query, offered to a bounded
 * heap. Four rows per pass share each query load (about 2x faster in V8 than row by row); each
 * row's sum still runs in index order.
 */
import type { TopK } from './top-k.ts';

/** Every int8 row's dot product with the query, multiplied by the row's scale. */
export function scanInt8(data: Int8Array, scales: Float32Array, dims: number, query: Float32Array, top: TopK): void {
  const rows = scales.length;
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
    top.offer(scales[row]! * s0, row);
    top.offer(scales[row + 1]! * s1, row + 1);
    top.offer(scales[row + 2]! * s2, row + 2);
    top.offer(scales[row + 3]! * s3, row + 3);
  }
  for (; row < rows; row++) {
    let sum = 0;
    for (let i = 0, o = row * dims; i < dims; i++) sum += data[o + i]! * query[i]!;
    top.offer(scales[row]! * sum, row);
  }
}
