import { afterAll, describe, expect, it } from 'vitest';
import { runEpisode } from '../../src/agent/episode.ts';
import { startIngestWorker } from '../../src/ingest/client.ts';
import { Library } from '../../src/library/library.ts';
import { startEmbedWorker, type EmbedderClient } from '../../src/models/embed/client.ts';
import { startPerceptionWorker } from '../../src/perception/client.ts';
import { startSearchWorker } from '../../src/retrieval/search-client.ts';
import { APP_WORKERS, OCR_WORKER_URL } from '../../src/session/workers.ts';
import { contentHash, DocumentStore } from '../../src/store/index.ts';
import { fetchShared, ScriptedPolicy } from '../support/scripted.ts';
import { registryEmbedderRequest } from '../support/test-models.ts';
import { recordCounts, uniqueDbName } from './store-fixtures.ts';

const ACL = 'corpora/mmlongbench-dev/2023.acl-long.386.pdf';
const SLIDE = 'corpora/vrag-slides/slide_1_1024.jpg';

const dbName = uniqueDbName('library');
const ingest = startIngestWorker(APP_WORKERS.ingest, OCR_WORKER_URL);
const search = startSearchWorker(APP_WORKERS.search);
const embedders: EmbedderClient[] = [];
const open = () => new Library({ store: new DocumentStore(dbName), ingest, search, ingestOptions: { maxPages: 3, onTooManyPages: 'truncate' } });
const file = async (path: string) => ({ name: path.split('/').at(-1)!, data: await fetchShared(path) });

afterAll(async () => {
  ingest.terminate();
  search.terminate();
  embedders.forEach((e) => e.terminate());
  indexedDB.deleteDatabase(dbName);
});

describe('the library: ingest in a worker, store in IndexedDB, hybrid search', () => {
  const library = open();
  let aclId = '';
  let slideId = '';

  it('adds a text PDF and an image slide (OCR), refusing a bad file on its own', async () => {
    const progress: string[] = [];
    const results = await library.addFiles(
      [await file(ACL), await file(SLIDE), { name: 'notes.txt', data: new Blob([new Uint8Array([0x50, 0x4b, 3, 4, 0, 0xff])]) }],
      (p) => progress.push(`${p.fileIndex}:${p.phase}:${p.page}`),
    );
    expect(results.map((r) => r.status)).toEqual(['added', 'added', 'failed']);
    expect(results[0]!.pages).toBe(3);
    expect(results[2]!.message).toMatch(/notes\.txt/);
    expect(progress.some((p) => p.startsWith('0:'))).toBe(true);
    expect(progress.some((p) => p.startsWith('1:'))).toBe(true);
    aclId = results[0]!.docId!;
    slideId = results[1]!.docId!;
    const docs = await library.listDocuments();
    expect(docs.find((d) => d.id === slideId)).toMatchObject({ status: 'ready', ocrPages: 1, pageCount: 1 });
    expect(docs.find((d) => d.id === aclId)).toMatchObject({ status: 'ready', ocrPages: 0, pageCount: 3 });
  });

  it('finds pages by their words (BM25) with the signals that matched', async () => {
    const retriever = library.asRetriever();
    const [top] = await retriever.search('superconsumers online travel', 10);
    expect(top).toMatchObject({ pageId: `${slideId}:1`, signals: ['bm25'] });
    // The paper's title words: its pages, and only its pages, match.
    const hits = await retriever.search('program-guided reasoning fact-checking', 10);
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((h) => h.pageId.startsWith(`${aclId}:`))).toBe(true);
    expect((await retriever.pageImage(hits[0]!.pageId)).type).toMatch(/^image\//);
  });

  it('re-adding the same file does not duplicate it', async () => {
    const [again] = await library.addFiles([await file(SLIDE)]);
    expect(again).toMatchObject({ status: 'duplicate', docId: slideId });
    expect((await library.listDocuments()).filter((d) => d.status === 'ready')).toHaveLength(2);
  });

  it('the text index is persisted: a new session searches without rebuilding it', async () => {
    const reopened = open();
    const [top] = await reopened.asRetriever().search('superconsumers', 5);
    expect(top!.pageId).toBe(`${slideId}:1`);
  });

  it('a scoped retriever searches only its documents', async () => {
    const hits = await library.asRetriever({ docIds: [aclId] }).search('superconsumers online travel program', 10);
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((h) => h.pageId.startsWith(aclId))).toBe(true);
  });

  it('the agent searches the library and sees the slide', async () => {
    const perception = startPerceptionWorker(APP_WORKERS.perception);
    try {
      const policy = new ScriptedPolicy(['<think>t</think><search>superconsumers</search>', '<think>t</think><answer>Sushant Sharma</answer>']);
      const { outcome, trajectory } = await runEpisode({ question: 'Who wrote the deck?', policy, retriever: library.asRetriever(), perception });
      expect(outcome.status).toBe('answered');
      expect(trajectory.images[0]).toMatchObject({ pageId: `${slideId}:1`, kind: 'page' });
    } finally {
      perception.terminate();
    }
  });

  it('embedders add dense signals, also for pages stored before they were loaded', async () => {
    const text = startEmbedWorker(APP_WORKERS.embed);
    const image = startEmbedWorker(APP_WORKERS.embed);
    embedders.push(text, image);
    await text.load(await registryEmbedderRequest('multilingual-e5-small', 'wasm'));
    await image.load(await registryEmbedderRequest('jina-clip-v1', 'wasm'));
    library.useEmbedder('text', { modelId: 'Xenova/multilingual-e5-small', client: text });
    library.useEmbedder('image', { modelId: 'jinaai/jina-clip-v1', client: image });
    expect(await library.backfillEmbeddings('text')).toBe(4);
    expect(await library.backfillEmbeddings('image')).toBe(4);
    expect(await library.backfillEmbeddings('image')).toBe(0);
    const hits = await library.asRetriever().search('superconsumers', 10);
    const signals = new Set(hits.flatMap((h) => h.signals ?? []));
    expect([...signals].sort()).toEqual(['bm25', 'image-dense', 'text-dense']);
    expect(hits).toHaveLength(4);
    // With BM25 off, the dense signals alone still rank every page.
    expect((await library.asRetriever({ weights: { bm25: 0 } }).search('superconsumers', 10)).every((h) => !h.signals?.includes('bm25'))).toBe(true);
    expect((await library.asRetriever().search('superconsumers', 10)).some((h) => h.signals?.includes('bm25'))).toBe(true);
  });

  it('with embedders loaded, a document scope holds for the dense signals and their fusion', async () => {
    // The embedders of the test above; the library holds the paper's 3 pages and the slide. The dense
    // signals rank every page they are given, so a page outside the scope shows up unless they honour it.
    const cases = [
      { weights: { bm25: 0, 'image-dense': 0 }, signals: ['text-dense'] },
      { weights: { bm25: 0, 'text-dense': 0 }, signals: ['image-dense'] },
      { weights: {}, signals: ['bm25', 'image-dense', 'text-dense'] },
    ];
    for (const { weights, signals } of cases) {
      const hits = await library.asRetriever({ docIds: [slideId], weights }).search('superconsumers online travel', 10);
      expect([signals, hits.map((h) => h.pageId)]).toEqual([signals, [`${slideId}:1`]]);
      expect([...hits[0]!.signals!].sort()).toEqual(signals);
    }
    const paper = await library.asRetriever({ docIds: [aclId], weights: { bm25: 0 } }).search('superconsumers online travel', 10);
    expect(paper.map((h) => h.pageId).sort()).toEqual([1, 2, 3].map((n) => `${aclId}:${n}`));
  });

  it('a document left half-ingested (tab closed) resumes when added again', async () => {
    const slide2 = await file('corpora/vrag-slides/slide_2_1024.jpg');
    const id = await contentHash(await slide2.data.arrayBuffer());
    await library.store.beginDocument({ id, name: slide2.name, mimeType: 'image/jpeg', byteSize: slide2.data.size, pageCount: 1 });
    expect((await library.interrupted()).map((i) => i.document.id)).toEqual([id]);
    const [result] = await library.addFiles([slide2]);
    expect(result).toMatchObject({ status: 'added', docId: id });
    expect(await library.interrupted()).toEqual([]);
  });

  it('cancelling removes the file in progress and skips the rest', async () => {
    const controller = new AbortController();
    const results = await library.addFiles(
      [await file('corpora/vrag-slides/slide_3_1024.jpg'), await file('corpora/vrag-slides/slide_4_1024.jpg')],
      () => controller.abort(),
      controller.signal,
    );
    expect(results.map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
    expect((await library.listDocuments()).some((d) => d.name === 'slide_3_1024.jpg')).toBe(false);
  });

  it('deleting a document removes it from search and storage', async () => {
    await library.deleteDocument(aclId);
    const hits = await library.asRetriever().search('program-guided reasoning fact-checking', 10);
    expect(hits.some((h) => h.pageId.startsWith(aclId))).toBe(false);
    const counts = await recordCounts(dbName);
    expect(counts.documents).toBe((await library.listDocuments()).length);
  });
});

describe('text and Markdown files in the library', () => {
  const textDb = uniqueDbName('library-text');
  // A search worker of its own: one holds one library open.
  const textSearch = startSearchWorker(APP_WORKERS.search);
  const library = new Library({ store: new DocumentStore(textDb), ingest, search: textSearch });
  afterAll(() => {
    library.close();
    textSearch.terminate();
    indexedDB.deleteDatabase(textDb);
  });
  /** Three pages of numbered lines; line 80, on the second page, has a word of its own. */
  const minutes = Array.from({ length: 130 }, (_, i) => (i === 79 ? 'Line 80: the zeppelin budget was approved.' : `Line ${i + 1}: nothing to report today.`)).join('\n');

  it('adds them as documents of pages, found by search on the right page and viewable', async () => {
    const markdown = '# Minutes\n\nThe **hangar** lease runs to [March](https://example.test).\n';
    const results = await library.addFiles([
      { name: 'minutes.txt', data: new Blob([minutes], { type: 'text/plain' }) },
      { name: 'lease.md', data: new Blob([markdown]) },
    ]);
    expect(results.map((r) => [r.status, r.pages])).toEqual([
      ['added', 3],
      ['added', 1],
    ]);
    const [text, md] = results.map((r) => r.docId!);
    const docs = await library.listDocuments();
    expect(docs.find((d) => d.id === text)).toMatchObject({ name: 'minutes.txt', mimeType: 'text/plain', pageCount: 3, ocrPages: 0, status: 'ready' });
    expect(docs.find((d) => d.id === md)).toMatchObject({ mimeType: 'text/markdown', pageCount: 1 });

    const [top] = await library.asRetriever().search('zeppelin budget', 5);
    expect(top!.pageId).toBe(`${text}:2`);
    const stored = await library.store.getPageText(`${text}:2`);
    const line = stored!.lines!.find((l) => l.text.includes('zeppelin'))!;
    expect(line.text).toBe('Line 80: the zeppelin budget was approved.');
    expect(line.words!.map((w) => w.text)).toContain('zeppelin');
    const [hit] = await library.asRetriever().search('hangar lease', 5);
    expect(hit!.pageId).toBe(`${md}:1`);
    expect((await library.store.getPageText(`${md}:1`))!.text).toBe('Minutes\nThe hangar lease runs to March.');

    const bitmap = await createImageBitmap(await library.store.pageImage(`${text}:2`));
    expect([bitmap.width, bitmap.height]).toEqual([1545, 2000]);
    bitmap.close();
  });

  it('refuses a binary file named .txt with its message, keeping the documents already stored', async () => {
    const before = await library.listDocuments();
    const [result] = await library.addFiles([{ name: 'photo-backup.txt', data: new Blob([new Uint8Array([0, 1, 2, 3, 0xfe, 0xff, 0x80])]) }]);
    expect(result).toMatchObject({ status: 'failed', code: 'unsupported-file', message: expect.stringContaining('“photo-backup.txt” is not plain text') });
    expect(await library.listDocuments()).toEqual(before);
    expect((await library.asRetriever().search('zeppelin', 5))[0]!.pageId).toBe(`${before.find((d) => d.name === 'minutes.txt')!.id}:2`);
  });
});
