import { afterAll, describe, expect, it } from 'vitest';
import { randomUnitVectors } from '../../bench/synthetic.ts';
import { Int8DenseIndex } from '../../src/retrieval/dense.ts';
import { HybridRetriever } from '../../src/retrieval/hybrid.ts';
import { startSearchWorker } from '../../src/retrieval/search-client.ts';
import { APP_WORKERS } from '../../src/session/workers.ts';
import { contentHash, DocumentStore } from '../../src/store/index.ts';
import { quantizeRows } from '../../src/vectors/int8.ts';

const DIMS = 64;
const PAGES = 400;

describe('search worker (comlink, real worker)', () => {
  const worker = startSearchWorker(APP_WORKERS.search);
  afterAll(() => worker.terminate());

  it('reads the page embeddings from the library database and answers exactly what an in-thread int8 index answers, in scope too', async () => {
    const name = `search-vectors-${Math.random().toString(36).slice(2)}`;
    const store = new DocumentStore(name);
    const embedder = { modelId: 'test/e5', kind: 'text' as const };
    const docs = await Promise.all(['a', 'b', 'c', 'd'].map((s) => contentHash(new TextEncoder().encode(s).buffer)));
    const vectors = randomUnitVectors(PAGES, DIMS, 5);
    const ids: string[] = [];
    const blob = new Blob([new Uint8Array([1])], { type: 'image/png' });
    for (const [d, docId] of docs.entries()) {
      const pages = PAGES / docs.length;
      await store.beginDocument({ id: docId, name: `${d}.pdf`, mimeType: 'application/pdf', byteSize: 1, pageCount: pages });
      for (let n = 1; n <= pages; n++) {
        const row = d * pages + n - 1;
        const values = vectors.slice(row * DIMS, (row + 1) * DIMS);
        await store.putPage(docId, { page: { pageNumber: n, width: 10, height: 10, ocr: false }, text: { text: '', lines: [] }, blobs: { image: blob, thumbnail: blob }, embeddings: [{ ...embedder, dims: DIMS, values, encoding: 'int8' }] });
        ids.push(`${docId}:${n}`);
      }
      await store.finishDocument(docId);
    }
    // The same rows in this thread, in the store's order (by page id), each quantised on its own as the store does.
    const order = ids.map((id, row) => ({ id, row })).sort((a, b) => (a.id < b.id ? -1 : 1));
    const rows = new Float32Array(PAGES * DIMS);
    order.forEach(({ row }, i) => rows.set(vectors.subarray(row * DIMS, (row + 1) * DIMS), i * DIMS));
    const local = new Int8DenseIndex(order.map((o) => o.id), quantizeRows(rows, DIMS));

    await worker.openLibrary(name);
    const query = randomUnitVectors(1, DIMS, 6);
    const remote = await worker.searchVectors(embedder, query, 10);
    expect(remote).toHaveLength(10);
    expect(remote).toEqual(local.search(query, 10));
    const scoped = await worker.searchVectors(embedder, query, 10, [docs[1]!]);
    expect(scoped).toEqual(local.search(query, 10, [docs[1]!]));
    expect(scoped.every((p) => p.pageId.startsWith(`${docs[1]}:`))).toBe(true);
    expect(await worker.searchVectors({ modelId: 'another/model', kind: 'text' }, query, 3)).toEqual([]);
    await expect(worker.searchVectors(embedder, new Float32Array(DIMS + 1), 3)).rejects.toMatchObject({ code: 'retrieval-failed' });

    // A page embedded later (another model's backfill) is found by the next search, with no call to the worker.
    const other = { modelId: 'test/clip', kind: 'image' as const };
    expect(await worker.searchVectors(other, query, 3)).toEqual([]);
    await store.putEmbeddings(`${docs[2]}:1`, [{ ...other, dims: DIMS, values: query.slice(), encoding: 'int8' }]);
    expect((await worker.searchVectors(other, query, 3)).map((p) => p.pageId)).toEqual([`${docs[2]}:1`]);

    // A removed document's pages leave the dense results with its BM25 index.
    await store.deleteDocument(docs[0]!);
    await worker.removeDocument(docs[0]!);
    const after = await worker.searchVectors(embedder, query, PAGES);
    expect(after).toHaveLength(PAGES - PAGES / docs.length);
    expect(after.some((p) => p.pageId.startsWith(`${docs[0]}:`))).toBe(false);
    store.close();
    indexedDB.deleteDatabase(name);
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
  it('a search worker that dies is started again with its library, by the next call', async () => {
    const workers: Worker[] = [];
    const search = startSearchWorker(() => {
      const created = APP_WORKERS.search();
      workers.push(created);
      return created;
    });
    const name = `search-restart-${Math.random().toString(36).slice(2)}`;
    const store = new DocumentStore(name);
    const id = await contentHash(new TextEncoder().encode('restart').buffer);
    const blob = new Blob([new Uint8Array([1])], { type: 'image/png' });
    await store.beginDocument({ id, name: 'r.pdf', mimeType: 'application/pdf', byteSize: 1, pageCount: 1 });
    await store.putPage(id, { page: { pageNumber: 1, width: 10, height: 10, ocr: false }, text: { text: 'quarterly revenue grew', lines: [] }, blobs: { image: blob, thumbnail: blob } });
    await store.finishDocument(id);
    try {
      await search.openLibrary(name);
      await search.indexDocument(id);
      const before = await search.searchText('revenue', 5);
      expect(before.map((p) => p.pageId)).toEqual([`${id}:1`]);
      // As a crash would: the worker is gone and said so with an error it did not handle.
      workers[0]!.terminate();
      workers[0]!.dispatchEvent(new ErrorEvent('error', { message: 'out of memory' }));
      expect(await search.searchText('revenue', 5)).toEqual(before);
      expect(workers).toHaveLength(2);
    } finally {
      search.terminate();
      store.close();
      indexedDB.deleteDatabase(name);
    }
  });
});
