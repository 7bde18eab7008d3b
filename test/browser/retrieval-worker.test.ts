import { afterAll, describe, expect, it } from 'vitest';
import { randomUnitVectors } from '../../bench/synthetic.ts';
import { Int8DenseIndex } from '../../src/retrieval/dense.ts';
import { HybridRetriever } from '../../src/retrieval/hybrid.ts';
import { startSearchWorker } from '../../src/retrieval/search-client.ts';
import { contentHash, DocumentStore } from '../../src/store/index.ts';
import { quantizeRows } from '../../src/vectors/int8.ts';

const DIMS = 64;
const PAGES = 2000;
const ids = Array.from({ length: PAGES }, (_, i) => `doc${i % 4}:${i + 1}`);

describe('search worker (comlink, real worker)', () => {
  const worker = startSearchWorker();
  afterAll(() => worker.terminate());

  it('moves int8 rows into the worker and answers exactly what the in-thread index answers, in scope too', async () => {
    const vectors = randomUnitVectors(PAGES, DIMS, 5);
    const matrix = quantizeRows(vectors, DIMS);
    const local = new Int8DenseIndex(ids, { dims: DIMS, data: matrix.data.slice(), scales: matrix.scales.slice() });
    expect(await worker.loadInt8('text-dense', ids, matrix)).toBe(PAGES);
    expect(matrix.data.buffer.byteLength).toBe(0); // transferred, not copied
    expect(matrix.scales.buffer.byteLength).toBe(0);

    const query = randomUnitVectors(1, DIMS, 6);
    const remote = await worker.search('text-dense', query, 10);
    expect(remote).toEqual(local.search(query, 10));
    expect(remote).toHaveLength(10);
    const scoped = await worker.search('text-dense', query, 10, ['doc1']);
    expect(scoped).toEqual(local.search(query, 10, ['doc1']));
    expect(scoped.every((p) => p.pageId.startsWith('doc1:'))).toBe(true);
    await expect(worker.search('missing', query, 3)).rejects.toMatchObject({ code: 'retrieval-failed' });
  });

  it('reads and keeps BM25 indexes per document from the library database', async () => {
    const name = `search-worker-${Math.random().toString(36).slice(2)}`;
    const store = new DocumentStore(name);
    const add = async (id: string, texts: string[]) => {
      await store.beginDocument({ id, name: `${id}.pdf`, mimeType: 'application/pdf', byteSize: 1, pageCount: texts.length });
      for (const [i, text] of texts.entries()) {
        const blob = new Blob([new Uint8Array([1])], { type: 'image/png' });
        await store.putPage(id, { page: { pageNumber: i + 1, width: 10, height: 10, ocr: false }, text: { text, lines: [] }, blobs: { image: blob, thumbnail: blob } });
      }
      await store.finishDocument(id);
    };
    const alpha = await contentHash(new TextEncoder().encode('alpha').buffer);
    const beta = await contentHash(new TextEncoder().encode('beta').buffer);
    await add(alpha, ['quarterly revenue grew', 'headcount by region']);
    await add(beta, ['revenue fell sharply', 'photosynthesis in leaves']);
    await worker.openLibrary(name);
    expect(await worker.indexDocument(alpha)).toBe(2);
    expect(await worker.indexDocument(beta)).toBe(2);
    expect(await store.loadValue(`bm25:${alpha}`)).toMatchObject({ docId: alpha, pageIds: [`${alpha}:1`, `${alpha}:2`] });
    expect((await worker.searchText('revenue', 5)).map((p) => p.pageId).sort()).toEqual([`${alpha}:1`, `${beta}:1`].sort());
    expect((await worker.searchText('revenue', 5, [beta])).map((p) => p.pageId)).toEqual([`${beta}:1`]);

    const retriever = new HybridRetriever({ bm25: { search: (q, k, docIds) => worker.searchText(q, k, docIds) }, loadPageImage: async () => new Blob() });
    expect((await retriever.view({ docIds: [alpha] }).search('revenue', 5)).map((p) => p.pageId)).toEqual([`${alpha}:1`]);

    await store.deleteDocument(beta);
    await worker.removeDocument(beta);
    expect(await store.loadValue(`bm25:${beta}`)).toBeUndefined();
    expect((await worker.searchText('revenue', 5)).map((p) => p.pageId)).toEqual([`${alpha}:1`]);
    store.close();
    indexedDB.deleteDatabase(name);
  });
});
