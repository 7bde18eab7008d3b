import { afterAll, describe, expect, it } from 'vitest';
import { randomUnitVectors } from '../../bench/synthetic.ts';
import { Bm25Index } from '../../src/retrieval/bm25.ts';
import { DenseIndex } from '../../src/retrieval/dense.ts';
import { HybridRetriever } from '../../src/retrieval/hybrid.ts';
import { MultiVectorIndex } from '../../src/retrieval/maxsim.ts';
import { quantizeRows } from '../../src/retrieval/quantize.ts';
import { startSearchWorker } from '../../src/retrieval/search-client.ts';

const DIMS = 64;
const PAGES = 2000;
const ids = Array.from({ length: PAGES }, (_, i) => `doc/page-${i}`);

describe('search worker (comlink, real worker)', () => {
  const worker = startSearchWorker();
  afterAll(() => worker.terminate());

  it('moves the vectors into the worker and answers exactly what the in-thread index answers', async () => {
    const vectors = randomUnitVectors(PAGES, DIMS, 5);
    const local = new DenseIndex(ids, vectors.slice(), DIMS);
    expect(await worker.loadDense('text-dense', ids, vectors, DIMS)).toBe(PAGES);
    expect(vectors.buffer.byteLength).toBe(0); // transferred, not copied

    const query = randomUnitVectors(1, DIMS, 6);
    const remote = await worker.search('text-dense', query, 10);
    expect(remote).toEqual(local.search(query, 10));
    expect(remote).toHaveLength(10);
  });

  it('serves int8 and multi-vector indexes, and says when an index is not loaded', async () => {
    const vectors = randomUnitVectors(PAGES, DIMS, 7);
    const probe = vectors.slice(123 * DIMS, 124 * DIMS);
    await worker.loadDense('image-dense', ids, vectors, DIMS, 'int8');
    expect((await worker.search('image-dense', probe, 3))[0]!.pageId).toBe('doc/page-123');
    const quantized = quantizeRows(probe.slice(), DIMS);
    await worker.loadInt8('prequantized', ['only'], quantized);
    expect(quantized.scales.buffer.byteLength).toBe(0);
    expect(await worker.search('prequantized', probe, 3)).toEqual([{ pageId: 'only', score: expect.closeTo(1, 2) }]);

    const multi = MultiVectorIndex.fromPages(
      [0, 1, 2].map((p) => ({ pageId: `m${p}`, vectors: randomUnitVectors(5, DIMS, 100 + p) })),
      DIMS,
    );
    const query = multi.data.slice(5 * DIMS, 7 * DIMS); // two vectors of page m1
    await worker.loadMultiVector('maxsim', multi.pageIds, multi.data.slice(), DIMS, multi.rowOffsets);
    expect(await worker.search('maxsim', query, 3)).toEqual(multi.search(query, 3));

    await expect(worker.search('missing', probe, 3)).rejects.toMatchObject({ code: 'retrieval-failed' });
  });

  it('backs a HybridRetriever signal', async () => {
    const vectors = randomUnitVectors(PAGES, DIMS, 9);
    const target = vectors.slice(42 * DIMS, 43 * DIMS);
    await worker.loadDense('text-dense', ids, vectors, DIMS);
    const retriever = new HybridRetriever({
      bm25: Bm25Index.build([{ pageId: 'doc/page-42', text: 'quarterly revenue grew' }]),
      loadPageImage: async () => new Blob(),
      signals: [{ name: 'text-dense', embedQuery: async () => target, index: worker.searcher('text-dense') }],
    });
    const [best] = await retriever.search('revenue', 5);
    expect(best).toMatchObject({ pageId: 'doc/page-42', signals: ['bm25', 'text-dense'] });
  });
});
