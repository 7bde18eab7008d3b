import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { contentHash, isContentHash } from '../../src/store/hash.ts';
import { pageIdOf, parsePageId } from '../../src/page-id.ts';
import { isQuotaError, toStoreError } from '../../src/store/storage-errors.ts';
import type { DocumentRecord, PageInput } from '../../src/store/types.ts';
import { assertIngesting, validateMeta, validatePage } from '../../src/store/validate.ts';
import { decodeVector, encodeVector, encodedByteLength } from '../../src/store/vectors.ts';

/** Deterministic pseudo-random values in [-amp, amp). */
function values(n: number, seed: number, amp = 1): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32 - 0.5) * 2 * amp;
  });
}

function maxAbsError(a: Float32Array, b: Float32Array): number {
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof AppError ? e.code : `not an AppError: ${String(e)}`;
  }
  return undefined;
}

describe('vector encodings', () => {
  it('f32 round-trips exactly and does not alias the input', () => {
    const v = values(768, 1);
    const enc = encodeVector(v, 'f32');
    expect(enc).toMatchObject({ encoding: 'f32', dims: 768, count: 1 });
    v[0] = 42;
    const out = decodeVector(enc);
    expect(out[0]).not.toBe(42);
    expect(Array.from(out.subarray(1))).toEqual(Array.from(v.subarray(1)));
    expect(encodedByteLength(enc)).toBe(768 * 4);
  });

  it('int8 keeps every value within maxAbs/254 and takes a quarter of the space', () => {
    const v = values(1024, 7, 3.5);
    const enc = encodeVector(v, 'int8');
    const maxAbs = v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    expect(maxAbsError(v, decodeVector(enc))).toBeLessThanOrEqual((maxAbs / 254) * (1 + 1e-5));
    expect(encodedByteLength(enc)).toBe(1024 + 4);
    // The largest magnitude maps to ±127 exactly.
    expect(Math.max(...Array.from(enc.values, Math.abs))).toBe(127);
  });

  it('int8 keeps cosine similarity of normalised embeddings within 1e-3', () => {
    const normalise = (v: Float32Array) => {
      const n = Math.hypot(...v);
      return v.map((x) => x / n);
    };
    const a = normalise(values(384, 3));
    const b = normalise(values(384, 4).map((x, i) => x + a[i]!));
    const dot = (x: Float32Array, y: Float32Array) => x.reduce((s, v, i) => s + v * y[i]!, 0);
    const exact = dot(a, b);
    const approx = dot(decodeVector(encodeVector(a, 'int8')), decodeVector(encodeVector(b, 'int8')));
    expect(Math.abs(exact - approx)).toBeLessThan(1e-3);
  });

  it('multi-vector int8 scales each row on its own, so small rows keep their precision', () => {
    const dims = 128;
    const big = values(dims, 11, 100);
    const small = values(dims, 12, 0.01);
    const both = new Float32Array([...big, ...small]);
    const enc = encodeVector(both, 'int8', dims);
    expect(enc).toMatchObject({ encoding: 'int8', dims, count: 2 });
    if (enc.encoding !== 'int8') throw new Error('unreachable');
    expect(enc.scales.length).toBe(2);
    const out = decodeVector(enc);
    expect(out.length).toBe(2 * dims);
    expect(maxAbsError(small, out.subarray(dims))).toBeLessThanOrEqual(0.01 / 254 + 1e-9);
    expect(maxAbsError(big, out.subarray(0, dims))).toBeLessThanOrEqual(100 / 254 + 1e-4);
  });

  it('an all-zero vector stays zero (no division by a zero scale)', () => {
    const out = decodeVector(encodeVector(new Float32Array(16), 'int8'));
    expect(Array.from(out)).toEqual(new Array(16).fill(0));
  });

  it('rejects NaN, empty vectors and ragged rows', () => {
    expect(codeOf(() => encodeVector(new Float32Array([1, NaN]), 'int8'))).toBe('invalid-input');
    expect(codeOf(() => encodeVector(new Float32Array(0), 'f32'))).toBe('invalid-input');
    expect(codeOf(() => encodeVector(new Float32Array(10), 'f32', 3))).toBe('invalid-input');
  });
});

describe('content hash', () => {
  it('is the SHA-256 hex of the bytes', async () => {
    const abc = new TextEncoder().encode('abc');
    expect(await contentHash(abc)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await contentHash(abc.buffer)).toBe(await contentHash(abc));
    expect(isContentHash(await contentHash(new ArrayBuffer(0)))).toBe(true);
    expect(isContentHash('report.pdf')).toBe(false);
  });
});

describe('page ids', () => {
  it('round-trip and reject malformed ids', () => {
    expect(parsePageId(pageIdOf('abc', 12))).toEqual({ docId: 'abc', pageNumber: 12 });
    expect(codeOf(() => parsePageId('abc'))).toBe('invalid-input');
    expect(codeOf(() => parsePageId('abc:0'))).toBe('invalid-input');
    expect(codeOf(() => parsePageId(':3'))).toBe('invalid-input');
  });
});

const HASH = 'a'.repeat(64);
const doc: DocumentRecord = {
  id: HASH, name: 'deck.pdf', mimeType: 'application/pdf', byteSize: 10, pageCount: 3,
  addedAt: 0, status: 'ingesting', pagesDone: 0, ocrPages: 0,
};
function page(overrides: Partial<PageInput['page']> = {}, embeddings: PageInput['embeddings'] = []): PageInput {
  return {
    page: { pageNumber: 1, width: 100, height: 50, ocr: false, ...overrides },
    text: { text: 'hello' },
    blobs: { image: new Blob(['x']), thumbnail: new Blob(['y']) },
    embeddings,
  };
}

describe('input validation', () => {
  it('accepts good metadata and rejects non-hash ids and empty documents', () => {
    expect(() => validateMeta(doc)).not.toThrow();
    expect(codeOf(() => validateMeta({ ...doc, id: 'deck.pdf' }))).toBe('invalid-input');
    expect(codeOf(() => validateMeta({ ...doc, pageCount: 0 }))).toBe('invalid-input');
    expect(codeOf(() => validateMeta({ ...doc, name: ' ' }))).toBe('invalid-input');
  });

  it('only ingesting documents take pages', () => {
    expect(codeOf(() => assertIngesting(undefined, HASH, 'add a page'))).toBe('not-found');
    expect(codeOf(() => assertIngesting({ ...doc, status: 'ready' }, HASH, 'add a page'))).toBe('invalid-input');
    expect(() => assertIngesting({ ...doc, status: 'ready' }, HASH, 'add a page')).toThrow(/already ready/);
    expect(assertIngesting(doc, HASH, 'add a page')).toBe(doc);
  });

  it('checks page numbers, sizes and embedding shapes', () => {
    const text = { modelId: 'm', kind: 'text' as const, dims: 4 };
    expect(() => validatePage(doc, page({}, [{ ...text, values: new Float32Array(4) }]))).not.toThrow();
    expect(() => validatePage(doc, page({ pageNumber: 4 }))).toThrow(/has 3 pages; page 4 does not exist/);
    expect(codeOf(() => validatePage(doc, page({ pageNumber: 0 })))).toBe('invalid-input');
    expect(codeOf(() => validatePage(doc, page({ width: 0 })))).toBe('invalid-input');
    expect(codeOf(() => validatePage(doc, page({}, [{ ...text, values: new Float32Array(8) }])))).toBe('invalid-input');
    expect(codeOf(() => validatePage(doc, page({}, [{ ...text, kind: 'multi', values: new Float32Array(6) }])))).toBe('invalid-input');
    expect(() => validatePage(doc, page({}, [{ ...text, kind: 'multi', values: new Float32Array(8) }]))).not.toThrow();
    const twice = [{ ...text, values: new Float32Array(4) }, { ...text, values: new Float32Array(4) }];
    expect(codeOf(() => validatePage(doc, page({}, twice)))).toBe('invalid-input');
  });
});

describe('storage errors', () => {
  it('recognises quota failures directly or as a cause', () => {
    const quota = new DOMException('full', 'QuotaExceededError');
    expect(isQuotaError(quota)).toBe(true);
    expect(isQuotaError(new Error('aborted', { cause: quota }))).toBe(true);
    expect(isQuotaError(new DOMException('x', 'AbortError'))).toBe(false);
    const full = toStoreError(quota, 'save page 3');
    expect(full.code).toBe('storage-full');
    expect(full.message).toMatch(/deleting documents/);
  });

  it('passes AppErrors through and explains version conflicts and other failures', () => {
    const own = new AppError('not-found', 'gone');
    expect(toStoreError(own, 'x')).toBe(own);
    expect(toStoreError(new DOMException('v', 'VersionError'), 'x').message).toMatch(/Reload this page/);
    const other = toStoreError(new DOMException('disk broke', 'UnknownError'), 'save page 3');
    expect(other.code).toBe('storage-failed');
    expect(other.message).toBe('Could not save page 3 in browser storage: disk broke');
  });
});
