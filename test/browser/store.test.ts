import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { contentHash } from '../../src/store/hash.ts';
import { DocumentStore } from '../../src/store/document-store.ts';
import { requestPersistence, storageEstimate } from '../../src/store/quota.ts';
import { decodeVector } from '../../src/store/vectors.ts';
import { fileMeta, freshLibrary, pageInput, recordCounts, rejectionOf } from './store-fixtures.ts';

let disposers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(disposers.map((d) => d()));
  disposers = [];
});

function library(label: string): { library: DocumentStore; name: string } {
  const fresh = freshLibrary(label);
  disposers.push(fresh.dispose);
  return fresh;
}

async function ingest(lib: DocumentStore, name: string, pageCount: number): Promise<string> {
  const meta = await fileMeta(name, pageCount);
  await lib.beginDocument(meta);
  for (let n = 1; n <= pageCount; n++) await lib.putPage(meta.id, pageInput(n, { ocr: n % 2 === 0 }));
  await lib.finishDocument(meta.id);
  return meta.id;
}

function expectAppError(error: unknown, code: string, message?: RegExp): void {
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  if (message) expect((error as AppError).message).toMatch(message);
}

describe('document library: ingestion and reads', () => {
  it('stores a document page by page and shows it only once it is ready', async () => {
    const { library: lib } = library('lifecycle');
    const meta = await fileMeta('deck.pdf', 3);
    const begun = await lib.beginDocument(meta);
    expect(begun.alreadyExists).toBe(false);
    expect(begun.document).toMatchObject({ status: 'ingesting', pagesDone: 0, ocrPages: 0, pageCount: 3 });

    for (const n of [1, 2, 3]) {
      const doc = await lib.putPage(meta.id, pageInput(n, { ocr: n === 2 }));
      expect(doc.pagesDone).toBe(n);
    }
    // Ingesting: the document is listed, but search and the UI see none of its pages.
    expect((await lib.listDocuments()).map((d) => d.status)).toEqual(['ingesting']);
    expect(await lib.getPages(meta.id)).toEqual([]);
    expect(await lib.allPageTexts()).toEqual([]);
    expect(await lib.embeddings('dense', 'text')).toEqual([]);
    expectAppError(await rejectionOf(lib.pageImage(`${meta.id}:1`)), 'not-found');

    const ready = await lib.finishDocument(meta.id);
    expect(ready).toMatchObject({ status: 'ready', pagesDone: 3, ocrPages: 1 });
    const pages = await lib.getPages(meta.id);
    expect(pages.map((p) => p.id)).toEqual([`${meta.id}:1`, `${meta.id}:2`, `${meta.id}:3`]);
    expect(pages[1]).toEqual({ id: `${meta.id}:2`, docId: meta.id, pageNumber: 2, width: 800, height: 600, ocr: true });
    expect(await lib.getPage(`${meta.id}:3`)).toEqual(pages[2]);

    const texts = await lib.allPageTexts();
    expect(texts.map((t) => t.text).sort()).toEqual(['text of page 1', 'text of page 2', 'text of page 3']);
    expect((await lib.getPageText(`${meta.id}:1`))?.lines?.[0]).toEqual(pageInput(1).text.lines![0]);

    expect(await (await lib.pageImage(`${meta.id}:2`)).text()).toBe('image of page 2');
    const thumb = await lib.thumbnail(`${meta.id}:3`);
    expect([thumb.type, await thumb.text()]).toEqual(['image/webp', 'thumb 3']);
  });

  it('round-trips embeddings: f32 exactly, int8 multi-vector within its error bound', async () => {
    const { library: lib } = library('embeddings');
    const id = await ingest(lib, 'a.pdf', 2);
    const dense = await lib.embeddings('dense', 'text');
    expect(dense.map((e) => e.pageId).sort()).toEqual([`${id}:1`, `${id}:2`]);
    const first = dense.find((e) => e.pageId === `${id}:1`)!;
    expect(first.vectors).toMatchObject({ encoding: 'f32', dims: 4, count: 1 });
    expect(Array.from(decodeVector(first.vectors))).toEqual([1, 0.5, -0.25, 1]);

    const multi = (await lib.embeddings('colpali', 'multi')).find((e) => e.pageId === `${id}:2`)!;
    expect(multi.vectors).toMatchObject({ encoding: 'int8', dims: 3, count: 2 });
    const decoded = decodeVector(multi.vectors);
    [2, 1, 2, 3, 4, 5].forEach((v, i) => expect(Math.abs(decoded[i]! - v)).toBeLessThanOrEqual(5 / 254 + 1e-6));
    expect(await lib.embeddings('dense', 'image')).toEqual([]);
    expect(await lib.embeddings('other-model', 'text')).toEqual([]);
  });

  it('identifies files by content: adding the same bytes again does not duplicate them', async () => {
    const { library: lib, name } = library('dedupe');
    const bytes = new TextEncoder().encode('the same file, twice');
    const id = await contentHash(bytes);
    const meta = { id, name: 'report.pdf', mimeType: 'application/pdf', byteSize: bytes.byteLength, pageCount: 1 };
    await lib.beginDocument(meta);
    await lib.putPage(id, pageInput(1));
    await lib.finishDocument(id);

    const again = await lib.beginDocument({ ...meta, name: 'copy of report.pdf' });
    expect(again.alreadyExists).toBe(true);
    expect(again.document).toMatchObject({ name: 'report.pdf', status: 'ready' });
    expect((await recordCounts(name)).documents).toBe(1);
  });

  it('leaves an interrupted document resumable from the first missing page', async () => {
    const { library: lib } = library('resume');
    const meta = await fileMeta('long.pdf', 5);
    await lib.beginDocument(meta);
    await lib.putPage(meta.id, pageInput(1));
    await lib.putPage(meta.id, pageInput(2));
    await lib.putPage(meta.id, pageInput(2)); // re-writing a page replaces it and is not counted twice
    // The tab "closes": a new instance on the same database finds the document.
    const reopened = new DocumentStore(lib.name);
    try {
      const [interrupted, ...rest] = await reopened.interruptedDocuments();
      expect(rest).toEqual([]);
      expect(interrupted).toMatchObject({ pagesDone: 2, resumeFrom: 3, document: { id: meta.id, status: 'ingesting' } });
      const again = await reopened.beginDocument(meta);
      expect(again).toMatchObject({ alreadyExists: true, document: { status: 'ingesting', pagesDone: 2 } });
      for (const n of [3, 4, 5]) await reopened.putPage(meta.id, pageInput(n));
      expect(await reopened.finishDocument(meta.id)).toMatchObject({ status: 'ready', pagesDone: 5 });
      expect(await reopened.interruptedDocuments()).toEqual([]);
      expect(await reopened.getPages(meta.id)).toHaveLength(5);
    } finally {
      reopened.close();
    }
  });

  it('deletes every record and blob of a document and leaves the others alone', async () => {
    const { library: lib, name } = library('delete');
    const keep = await ingest(lib, 'keep.pdf', 2);
    const drop = await ingest(lib, 'drop.pdf', 3);
    // 5 pages: a record, blobs and text each, and two embeddings (dense + multi).
    expect(await recordCounts(name)).toEqual({ documents: 2, pages: 5, pageBlobs: 5, pageTexts: 5, embeddings: 10, kv: 0, runs: 0 });
    await lib.deleteDocument(drop);
    expect(await recordCounts(name)).toEqual({ documents: 1, pages: 2, pageBlobs: 2, pageTexts: 2, embeddings: 4, kv: 0, runs: 0 });
    expect((await lib.listDocuments()).map((d) => d.id)).toEqual([keep]);
    expectAppError(await rejectionOf(lib.pageImage(`${drop}:1`)), 'not-found', /not in the library/);

    // An unfinished document can be discarded too.
    const meta = await fileMeta('half.pdf', 4);
    await lib.beginDocument(meta);
    await lib.putPage(meta.id, pageInput(1));
    await lib.deleteDocument(meta.id);
    expect(await recordCounts(name)).toEqual({ documents: 1, pages: 2, pageBlobs: 2, pageTexts: 2, embeddings: 4, kv: 0, runs: 0 });
  });

  it('a failed document keeps its reason, drops its pages, and can be added again', async () => {
    const { library: lib, name } = library('fail');
    const meta = await fileMeta('broken.pdf', 2);
    await lib.beginDocument(meta);
    await lib.putPage(meta.id, pageInput(1));
    const failed = await lib.failDocument(meta.id, 'Page 2 could not be rendered.');
    expect(failed).toMatchObject({ status: 'failed', error: 'Page 2 could not be rendered.', pagesDone: 0 });
    expect(await recordCounts(name)).toMatchObject({ documents: 1, pages: 0, pageBlobs: 0, pageTexts: 0, embeddings: 0 });
    expect(await lib.interruptedDocuments()).toEqual([]);

    const retry = await lib.beginDocument(meta);
    expect(retry.alreadyExists).toBe(false);
    expect(retry.document).toMatchObject({ status: 'ingesting', pagesDone: 0 });
    expect(retry.document.error).toBeUndefined();
  });

  it('rejects bad calls with clear errors and writes nothing', async () => {
    const { library: lib, name } = library('bad-input');
    const unknown = await contentHash(new TextEncoder().encode('never added'));
    expectAppError(await rejectionOf(lib.putPage(unknown, pageInput(1))), 'not-found', /not in the library/);
    expectAppError(await rejectionOf(lib.finishDocument(unknown)), 'not-found');
    expectAppError(await rejectionOf(lib.failDocument(unknown, 'x')), 'not-found');
    expectAppError(await rejectionOf(lib.deleteDocument(unknown)), 'not-found');
    expectAppError(await rejectionOf(lib.beginDocument({ ...(await fileMeta('x.pdf', 1)), id: 'x.pdf' })), 'invalid-input', /content hash/);
    expectAppError(await rejectionOf(lib.pageImage('not a page id')), 'invalid-input');

    const meta = await fileMeta('short.pdf', 2);
    await lib.beginDocument(meta);
    expectAppError(await rejectionOf(lib.putPage(meta.id, pageInput(3))), 'invalid-input', /has 2 pages; page 3 does not exist/);
    await lib.putPage(meta.id, pageInput(1));
    expectAppError(await rejectionOf(lib.finishDocument(meta.id)), 'invalid-input', /1 of 2 pages/);
    await lib.putPage(meta.id, pageInput(2));
    await lib.finishDocument(meta.id);
    expectAppError(await rejectionOf(lib.putPage(meta.id, pageInput(1))), 'invalid-input', /already ready/);
    expectAppError(await rejectionOf(lib.finishDocument(meta.id)), 'invalid-input', /already ready/);
    expectAppError(await rejectionOf(lib.failDocument(meta.id, 'x')), 'invalid-input', /already ready/);

    const other = await fileMeta('other.pdf', 1);
    await lib.beginDocument(other);
    await lib.failDocument(other.id, 'broken');
    expectAppError(await rejectionOf(lib.putPage(other.id, pageInput(1))), 'invalid-input', /already failed/);

    expect(await recordCounts(name)).toMatchObject({ documents: 2, pages: 2, pageBlobs: 2, pageTexts: 2, embeddings: 4 });
    expect(await lib.getPages(meta.id)).toHaveLength(2);
  });

  it('renames a document, refusing an empty or overlong name and a document that is gone', async () => {
    const { library: lib } = library('rename');
    const id = await ingest(lib, 'slide (5 images)', 2);
    const renamed = await lib.renameDocument(id, '  Travel   market deck ');
    expect(renamed.name).toBe('Travel market deck');
    expect((await lib.getDocument(id))?.name).toBe('Travel market deck');
    expect((await lib.getDocument(id))?.status).toBe('ready');
    expectAppError(await rejectionOf(lib.renameDocument(id, '   ')), 'invalid-input', /needs a name/);
    expectAppError(await rejectionOf(lib.renameDocument(id, 'x'.repeat(201))), 'invalid-input', /keep it to 200/);
    expectAppError(await rejectionOf(lib.renameDocument('nope', 'name')), 'not-found');
    expect((await lib.getDocument(id))?.name).toBe('Travel market deck');
  });

  it('keeps small values such as a serialised search index', async () => {
    const { library: lib } = library('kv');
    expect(await lib.loadValue('bm25')).toBeUndefined();
    const index = JSON.stringify({ documentCount: 3, terms: { slide: [1, 2] } });
    await lib.saveValue('bm25', index);
    expect(await lib.loadValue<string>('bm25')).toBe(index);
    await lib.deleteValue('bm25');
    expect(await lib.loadValue('bm25')).toBeUndefined();
  });
});

describe('history of questions', () => {
  const run = (id: string, startedAt: number, extra: object = {}) => ({ id, question: `Question ${id}?`, startedAt, status: 'answered' as const, answer: '37%', trajectory: '{}', ...extra });

  it('keeps the answering model and a thread, loads entries without them, removes one or all and leaves the library alone', async () => {
    const { library: lib, name } = library('history');
    await ingest(lib, 'deck.pdf', 1);
    // An entry from before the model and threads were kept.
    await lib.saveRun(run('a', 1));
    await lib.saveRun(run('b', 2, { model: 'Qwen3-VL 2B on WebGPU (1.2 GB)' }));
    await lib.saveRun(run('c', 3, { model: 'Qwen3-VL 2B on WebGPU (1.2 GB)', earlier: [{ question: 'Question b?', answer: '37%' }] }));
    const listed = await lib.listRuns();
    expect(listed.map((r) => r.id)).toEqual(['c', 'b', 'a']);
    expect(listed[2]!.model).toBeUndefined();
    expect(listed[1]!.model).toBe('Qwen3-VL 2B on WebGPU (1.2 GB)');
    expect(listed[0]!.earlier).toEqual([{ question: 'Question b?', answer: '37%' }]);

    await lib.deleteRun('b');
    await lib.deleteRuns(['a', 'gone']);
    expect((await lib.listRuns()).map((r) => r.id)).toEqual(['c']);
    await lib.saveRun(run('d', 4));
    await lib.clearRuns();
    expect(await lib.listRuns()).toEqual([]);
    expect(await recordCounts(name)).toMatchObject({ documents: 1, pages: 1, runs: 0 });
  });
});

describe('storage quota helpers', () => {
  it('report usage and quota and answer the persistence request', async () => {
    const estimate = await storageEstimate();
    expect(estimate.quota).toBeGreaterThan(0);
    expect(estimate.usage).toBeGreaterThanOrEqual(0);
    expect(typeof (await requestPersistence())).toBe('boolean');
  });
});
