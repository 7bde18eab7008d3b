import { describe, expect, it } from 'vitest';
import { clusteredUnitVectors, overlap, randomUnitVectors, seededRandom } from '../../bench/synthetic.ts';
import { DenseIndex, int8Index, naiveTopRows, topRows } from '../../bench/dense-reference.ts';
import { dequantizeRows, quantizeRows } from '../../src/vectors/int8.ts';
import { TopK } from '../../src/retrieval/top-k.ts';
import { normalizeRows } from '../../src/vectors/matrix.ts';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `p${i}`);
const row = (data: Float32Array, dims: number, r: number) => data.slice(r * dims, (r + 1) * dims);

describe('exact top-k', () => {
  it('returns exactly the naive ranking (scores and order) on random vectors', () => {
    const dims = 48;
    const data = randomUnitVectors(3001, dims, 1); // not a multiple of 4: exercises the tail rows
    const queries = randomUnitVectors(20, dims, 2);
    for (let q = 0; q < 20; q++) {
      const query = row(queries, dims, q);
      for (const k of [1, 10, 57]) expect(topRows(data, dims, query, k)).toEqual(naiveTopRows(data, dims, query, k));
    }
  });

  it('breaks score ties by row, the same way as the naive sort', () => {
    const dims = 3;
    const random = seededRandom(3);
    const data = Float32Array.from({ length: 50 * dims }, () => (random() < 0.5 ? 0 : 1));
    const query = Float32Array.of(1, 1, 1);
    expect(topRows(data, dims, query, 20)).toEqual(naiveTopRows(data, dims, query, 20));
  });

  it('keeps the best k of a stream in the heap', () => {
    const top = new TopK(3);
    [5, 1, 9, 3, 9, 7, 2].forEach((score, row) => top.offer(score, row));
    expect(top.sorted()).toEqual([
      { row: 2, score: 9 },
      { row: 4, score: 9 },
      { row: 5, score: 7 },
    ]);
  });

  it('handles k beyond the corpus, k = 0 and an empty corpus', () => {
    const dims = 8;
    const data = randomUnitVectors(5, dims, 4);
    const index = new DenseIndex(ids(5), data, dims);
    const query = row(data, dims, 2);
    const all = index.search(query, 50);
    expect(all).toHaveLength(5);
    expect(all[0]).toEqual({ pageId: 'p2', score: expect.closeTo(1, 5) });
    expect(index.search(query, 0)).toEqual([]);
    expect(new DenseIndex([], new Float32Array(0), dims).search(query, 10)).toEqual([]);
    expect(int8Index([], new Float32Array(0), dims).search(query, 10)).toEqual([]);
    expect(int8Index(ids(5), data, dims).search(query, 50).map((p) => p.pageId).sort()).toEqual(ids(5));
  });

  it('rejects mismatched shapes with an actionable error', () => {
    expect(() => new DenseIndex(ids(3), new Float32Array(10), 4)).toThrow(expect.objectContaining({ code: 'retrieval-failed' }));
    expect(() => new DenseIndex(ids(3), new Float32Array(8), 4)).toThrow(/2 vectors for 3 pages/);
    const index = new DenseIndex(ids(2), new Float32Array(8), 4);
    expect(() => index.search(new Float32Array(3), 1)).toThrow(/3 dims but the index has 4/);
  });
});

describe('int8 quantisation', () => {
  it('decodes every value to within half a step of the original', () => {
    const dims = 384;
    const data = randomUnitVectors(200, dims, 5);
    const quantized = quantizeRows(data, dims);
    const decoded = dequantizeRows(quantized);
    let worstExcess = -Infinity; // error beyond half a step; must stay <= 0 up to float rounding
    for (let r = 0; r < 200; r++) {
      const scale = quantized.scales[r]!;
      let max = 0;
      for (let i = 0; i < dims; i++) {
        max = Math.max(max, Math.abs(quantized.data[r * dims + i]!));
        worstExcess = Math.max(worstExcess, Math.abs(decoded[r * dims + i]! - data[r * dims + i]!) - scale / 2);
      }
      expect(max).toBe(127); // the largest component uses the full range, never beyond it
    }
    expect(worstExcess).toBeLessThanOrEqual(1e-7);
  });

  it('keeps an all-zero vector at zero', () => {
    const quantized = quantizeRows(new Float32Array(4), 4);
    expect(Array.from(quantized.data)).toEqual([0, 0, 0, 0]);
    expect(Array.from(dequantizeRows(quantized))).toEqual([0, 0, 0, 0]);
  });

  it('scores within quantisation error and keeps most of the float32 top 10', () => {
    const dims = 128;
    const data = clusteredUnitVectors(5000, dims, 20, 0.5, 6);
    const queries = clusteredUnitVectors(20, dims, 20, 0.5, 7);
    const exact = new DenseIndex(ids(5000), data, dims);
    const int8 = int8Index(ids(5000), data, dims);
    let total = 0;
    for (let q = 0; q < 20; q++) {
      const query = row(queries, dims, q);
      const want = exact.search(query, 10);
      const got = int8.search(query, 10);
      expect(Math.abs(got[0]!.score - want[0]!.score)).toBeLessThan(0.01);
      total += overlap(want.map((p) => p.pageId), got.map((p) => p.pageId));
    }
    expect(total / 20).toBeGreaterThan(0.9);
  });
});

describe('document scope', () => {
  it('ranks only pages of the documents in scope, in both precisions', () => {
    const dims = 8;
    const data = randomUnitVectors(6, dims, 3);
    const ids = ['a:1', 'a:2', 'b:1', 'b:2', 'c:1', 'c:2'];
    const query = data.slice(2 * dims, 3 * dims); // b:1's own vector
    for (const index of [new DenseIndex(ids, data, dims), int8Index(ids, data, dims)]) {
      expect(index.search(query, 1)[0]!.pageId).toBe('b:1');
      const scoped = index.search(query, 10, ['a', 'c']);
      expect(scoped.map((p) => p.pageId).sort()).toEqual(['a:1', 'a:2', 'c:1', 'c:2']);
      expect(index.search(query, 10, [])).toEqual([]);
    }
  });
});
