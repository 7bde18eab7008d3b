/** The document library: ingestion (atomic per page, resumable), reads of ready documents, deletion. */
import { AppError } from '../errors.ts';
import { ChangeFeed, type ChangeListener } from './changes.ts';
import { Connection, type ConnectionOptions, type Tx } from './connection.ts';
import { pageIdOf, parsePageId, type PageId } from '../page-id.ts';
import type { StoreName } from './schema.ts';
import type {
  BeginResult,
  DocumentMeta,
  DocumentRecord,
  EmbeddingInput,
  EmbeddingKind,
  EmbeddingRecord,
  InterruptedDocument,
  PageInput,
  PageRecord,
  PageText,
  RunRecord,
} from './types.ts';
import { assertIngesting, validateMeta, validatePage } from './validate.ts';
import { encodeVector } from './vectors.ts';

export const DEFAULT_LIBRARY_NAME = 'vrag-library';

/** The stores holding a document's pages; each has a 'by-doc' index. */
const PAGE_STORES = ['pages', 'pageBlobs', 'pageTexts', 'embeddings'] as const;
const ALL_DOC_STORES = ['documents', ...PAGE_STORES] as const;

type AnyTx = Tx<StoreName[], IDBTransactionMode>;

async function readyDocIds(tx: Tx<StoreName[], IDBTransactionMode>): Promise<Set<string>> {
  return new Set(await tx.objectStore('documents').index('by-status').getAllKeys('ready'));
}

async function isReady(tx: AnyTx, docId: string): Promise<boolean> {
  return (await tx.objectStore('documents').get(docId))?.status === 'ready';
}

/** Deletes every page-level record of a document inside `tx` (which must cover PAGE_STORES). */
async function deletePageRecords(tx: Tx<StoreName[], 'readwrite'>, docId: string): Promise<void> {
  await Promise.all(
    PAGE_STORES.map(async (name) => {
      const store = tx.objectStore(name);
      const keys = await store.index('by-doc').getAllKeys(docId);
      await Promise.all(keys.map((key) => store.delete(key)));
    }),
  );
}

function firstMissing(pageNumbers: number[]): number {
  const have = new Set(pageNumbers);
  let n = 1;
  while (have.has(n)) n++;
  return n;
}

export class DocumentStore {
  private readonly connection: Connection;
  private readonly changes: ChangeFeed;

  constructor(
    readonly name: string = DEFAULT_LIBRARY_NAME,
    options: ConnectionOptions = {},
  ) {
    this.connection = new Connection(name, options);
    this.changes = new ChangeFeed(`vrag-store:${name}`);
  }

  /** Listens to changes made here and in other tabs; returns the unsubscribe function. */
  onChange(listener: ChangeListener): () => void {
    return this.changes.subscribe(listener);
  }

  close(): void {
    this.connection.close();
    this.changes.close();
  }

  // --- ingestion ---

  /**
   * Starts a document with status 'ingesting'. If these bytes are already in the library (ready,
   * or ingesting and resumable) it changes nothing and reports alreadyExists; a failed document
   * starts over.
   */
  async beginDocument(meta: DocumentMeta): Promise<BeginResult> {
    validateMeta(meta);
    const result = await this.connection.transact('add the document', ['documents'], 'readwrite', async (tx) => {
      const existing = await tx.objectStore('documents').get(meta.id);
      if (existing && existing.status !== 'failed') return { document: existing, alreadyExists: true };
      const document: DocumentRecord = {
        id: meta.id,
        name: meta.name,
        mimeType: meta.mimeType,
        byteSize: meta.byteSize,
        pageCount: meta.pageCount,
        addedAt: Date.now(),
        status: 'ingesting',
        pagesDone: 0,
        ocrPages: 0,
      };
      await tx.objectStore('documents').put(document);
      return { document, alreadyExists: false };
    });
    if (!result.alreadyExists) this.changes.publish({ type: 'document', docId: meta.id, status: 'ingesting' });
    return result;
  }

  /**
   * Writes one page (record, text, image blobs, embeddings) and bumps pagesDone, all in one
   * transaction: after a closed tab or a full disk the page is either fully stored or absent.
   * Writing a page again replaces it.
   */
  async putPage(docId: string, input: PageInput): Promise<DocumentRecord> {
    const pageId = pageIdOf(docId, input.page.pageNumber);
    const embeddings: EmbeddingRecord[] = (input.embeddings ?? []).map((e) => ({
      pageId,
      docId,
      modelId: e.modelId,
      kind: e.kind,
      dims: e.dims,
      vectors: encodeVector(e.values, e.encoding ?? 'f32', e.dims),
    }));
    const stores = [...ALL_DOC_STORES];
    const document = await this.connection.transact(`save page ${input.page.pageNumber}`, stores, 'readwrite', async (tx) => {
      const doc = assertIngesting(await tx.objectStore('documents').get(docId), docId, 'add a page');
      validatePage(doc, input);
      const previous = await tx.objectStore('pages').get(pageId);
      if (previous) await tx.objectStore('embeddings').delete(IDBKeyRange.bound([pageId], [pageId, []]));
      const updated: DocumentRecord = {
        ...doc,
        pagesDone: doc.pagesDone + (previous ? 0 : 1),
        ocrPages: doc.ocrPages + Number(input.page.ocr) - Number(previous?.ocr ?? false),
      };
      await Promise.all([
        tx.objectStore('pages').put({ id: pageId, docId, ...input.page }),
        tx.objectStore('pageBlobs').put({ pageId, docId, image: input.blobs.image, thumbnail: input.blobs.thumbnail }),
        tx.objectStore('pageTexts').put({ pageId, docId, text: input.text.text, ...(input.text.lines && { lines: input.text.lines }) }),
        ...embeddings.map((e) => tx.objectStore('embeddings').put(e)),
        tx.objectStore('documents').put(updated),
      ]);
      return updated;
    });
    this.changes.publish({ type: 'page', docId, pageNumber: input.page.pageNumber });
    return document;
  }

  /** Marks a fully ingested document ready, which makes its pages visible to search and the UI. */
  async finishDocument(docId: string): Promise<DocumentRecord> {
    const document = await this.connection.transact('finish the document', ['documents'], 'readwrite', async (tx) => {
      const doc = assertIngesting(await tx.objectStore('documents').get(docId), docId, 'finish the document');
      if (doc.pagesDone < doc.pageCount) {
        throw new AppError(
          'invalid-input',
          `"${doc.name}" has ${doc.pagesDone} of ${doc.pageCount} pages stored; add the missing pages before finishing it.`,
        );
      }
      const ready: DocumentRecord = { ...doc, status: 'ready' };
      await tx.objectStore('documents').put(ready);
      return ready;
    });
    this.changes.publish({ type: 'document', docId, status: 'ready' });
    return document;
  }

  /** Marks ingestion failed with a reason for the user, and discards the pages stored so far. */
  async failDocument(docId: string, reason: string): Promise<DocumentRecord> {
    const document = await this.connection.transact('record the failure', [...ALL_DOC_STORES], 'readwrite', async (tx) => {
      const doc = assertIngesting(await tx.objectStore('documents').get(docId), docId, 'mark the document failed');
      await deletePageRecords(tx, docId);
      const failed: DocumentRecord = { ...doc, status: 'failed', error: reason, pagesDone: 0, ocrPages: 0 };
      await tx.objectStore('documents').put(failed);
      return failed;
    });
    this.changes.publish({ type: 'document', docId, status: 'failed' });
    return document;
  }

  /** Gives a document the name the user chose (a deck called "slide (5 images)" becomes "Travel market deck"). */
  async renameDocument(docId: string, name: string): Promise<DocumentRecord> {
    const clean = name.replace(/\s+/g, ' ').trim();
    if (!clean) throw new AppError('invalid-input', 'A document needs a name: type at least one letter or digit.');
    if (clean.length > 200) throw new AppError('invalid-input', `That name is ${clean.length} characters long; keep it to 200.`);
    const document = await this.connection.transact('rename the document', ['documents'], 'readwrite', async (tx) => {
      const doc = await tx.objectStore('documents').get(docId);
      if (!doc) throw new AppError('not-found', `Document ${docId} is not in the library; it may have been deleted.`);
      const renamed: DocumentRecord = { ...doc, name: clean };
      await tx.objectStore('documents').put(renamed);
      return renamed;
    });
    this.changes.publish({ type: 'document', docId, status: document.status });
    return document;
  }

  /** Removes a document and every record and blob of it, whatever its status. */
  async deleteDocument(docId: string): Promise<void> {
    await this.connection.transact('delete the document', [...ALL_DOC_STORES], 'readwrite', async (tx) => {
      if (!(await tx.objectStore('documents').getKey(docId))) {
        throw new AppError('not-found', `Document ${docId} is not in the library; it may already have been deleted.`);
      }
      await deletePageRecords(tx, docId);
      await tx.objectStore('documents').delete(docId);
    });
    this.changes.publish({ type: 'document', docId, status: 'deleted' });
  }

  // --- documents, any status ---

  /** Every document (ingesting, ready and failed), oldest first. */
  async listDocuments(): Promise<DocumentRecord[]> {
    const docs = await this.connection.transact('list documents', ['documents'], 'readonly', (tx) => tx.objectStore('documents').getAll());
    return docs.sort((a, b) => a.addedAt - b.addedAt || a.name.localeCompare(b.name));
  }

  getDocument(docId: string): Promise<DocumentRecord | undefined> {
    return this.connection.transact('read the document', ['documents'], 'readonly', (tx) => tx.objectStore('documents').get(docId));
  }

  /** Documents left 'ingesting' (e.g. the tab closed mid-way): resume each from resumeFrom, or delete it. */
  interruptedDocuments(): Promise<InterruptedDocument[]> {
    return this.connection.transact('find unfinished documents', ['documents', 'pages'], 'readonly', async (tx) => {
      const docs = await tx.objectStore('documents').index('by-status').getAll('ingesting');
      return Promise.all(
        docs.map(async (document) => {
          const pages = await tx.objectStore('pages').index('by-doc').getAll(document.id);
          return { document, pagesDone: document.pagesDone, resumeFrom: firstMissing(pages.map((p) => p.pageNumber)) };
        }),
      );
    });
  }

  // --- pages of ready documents ---

  /** The pages of a ready document in page order; empty for unknown or unfinished documents. */
  getPages(docId: string): Promise<PageRecord[]> {
    return this.connection.transact('read pages', ['documents', 'pages'], 'readonly', async (tx) => {
      if (!(await isReady(tx, docId))) return [];
      const pages = await tx.objectStore('pages').index('by-doc').getAll(docId);
      return pages.sort((a, b) => a.pageNumber - b.pageNumber);
    });
  }

  async getPage(pageId: string): Promise<PageRecord | undefined> {
    const { docId } = parsePageId(pageId);
    return this.connection.transact('read the page', ['documents', 'pages'], 'readonly', async (tx) =>
      (await isReady(tx, docId)) ? tx.objectStore('pages').get(pageId as PageId) : undefined,
    );
  }

  async getPageText(pageId: string): Promise<PageText | undefined> {
    const { docId } = parsePageId(pageId);
    return this.connection.transact('read the page text', ['documents', 'pageTexts'], 'readonly', async (tx) =>
      (await isReady(tx, docId)) ? tx.objectStore('pageTexts').get(pageId as PageId) : undefined,
    );
  }

  /** The text of every page of one document, whatever its status (to index it as it becomes ready). */
  pageTexts(docId: string): Promise<PageText[]> {
    return this.connection.transact('read page texts', ['pageTexts'], 'readonly', (tx) => tx.objectStore('pageTexts').index('by-doc').getAll(docId));
  }

  /** The text of every page of every ready document (e.g. to build a BM25 index). */
  allPageTexts(): Promise<PageText[]> {
    return this.connection.transact('read page texts', ['documents', 'pageTexts'], 'readonly', async (tx) => {
      const ready = await readyDocIds(tx);
      const texts = await Promise.all([...ready].map((docId) => tx.objectStore('pageTexts').index('by-doc').getAll(docId)));
      return texts.flat();
    });
  }

  /** Every stored embedding of one model and kind, for pages of ready documents (decode with decodeVector). */
  embeddings(modelId: string, kind: EmbeddingKind): Promise<EmbeddingRecord[]> {
    return this.connection.transact('read embeddings', ['documents', 'embeddings'], 'readonly', async (tx) => {
      const ready = await readyDocIds(tx);
      const all = await tx.objectStore('embeddings').index('by-model').getAll([modelId, kind]);
      return all.filter((e) => ready.has(e.docId));
    });
  }

  /** How many embeddings of one model and kind are stored, of any document: whether those read before are still all of them. */
  embeddingCount(modelId: string, kind: EmbeddingKind): Promise<number> {
    return this.connection.transact('count embeddings', ['embeddings'], 'readonly', (tx) => tx.objectStore('embeddings').index('by-model').count([modelId, kind]));
  }

  /** The full-resolution page image; throws 'not-found' unless the page belongs to a ready document. */
  pageImage(pageId: string): Promise<Blob> {
    return this.pageBlob(pageId, 'image');
  }

  thumbnail(pageId: string): Promise<Blob> {
    return this.pageBlob(pageId, 'thumbnail');
  }

  private async pageBlob(pageId: string, which: 'image' | 'thumbnail'): Promise<Blob> {
    const { docId, pageNumber } = parsePageId(pageId);
    return this.connection.transact(`read the page ${which}`, ['documents', 'pageBlobs'], 'readonly', async (tx) => {
      const blobs = (await isReady(tx, docId)) ? await tx.objectStore('pageBlobs').get(pageId as PageId) : undefined;
      if (!blobs) throw new AppError('not-found', `Page ${pageNumber} of document ${docId} is not in the library; it may have been deleted.`);
      return blobs[which];
    });
  }

  /**
   * Adds or replaces embeddings of an already stored page (a model loaded after the page was
   * ingested). One transaction; the page must exist.
   */
  async putEmbeddings(pageId: string, inputs: EmbeddingInput[]): Promise<void> {
    const { docId } = parsePageId(pageId);
    const records: EmbeddingRecord[] = inputs.map((e) => ({
      pageId: pageId as PageId,
      docId,
      modelId: e.modelId,
      kind: e.kind,
      dims: e.dims,
      vectors: encodeVector(e.values, e.encoding ?? 'f32', e.dims),
    }));
    await this.connection.transact('save embeddings', ['pages', 'embeddings'], 'readwrite', async (tx) => {
      if (!(await tx.objectStore('pages').get(pageId as PageId))) {
        throw new AppError('not-found', `Page ${pageId} is not in the library; it may have been deleted.`);
      }
      await Promise.all(records.map((r) => tx.objectStore('embeddings').put(r)));
    });
  }

  /** Pages of ready documents that have no embedding of this model and kind yet (to backfill). */
  pagesWithoutEmbedding(modelId: string, kind: EmbeddingKind): Promise<PageId[]> {
    return this.connection.transact('find pages to embed', ['documents', 'pages', 'embeddings'], 'readonly', async (tx) => {
      const ready = await readyDocIds(tx);
      const embedded = new Set((await tx.objectStore('embeddings').index('by-model').getAll([modelId, kind])).map((e) => e.pageId));
      const pages = (await Promise.all([...ready].map((docId) => tx.objectStore('pages').index('by-doc').getAllKeys(docId)))).flat();
      return pages.filter((id) => !embedded.has(id));
    });
  }

  // --- small persisted values (e.g. serialised indexes) ---

  // --- history ---

  async saveRun(run: RunRecord): Promise<void> {
    await this.connection.transact('save the question to the history', ['runs'], 'readwrite', (tx) => tx.objectStore('runs').put(run));
  }

  /** The newest runs first. */
  async listRuns(limit = 50): Promise<RunRecord[]> {
    return this.connection.transact('read the history', ['runs'], 'readonly', async (tx) => {
      const out: RunRecord[] = [];
      for (let cursor = await tx.objectStore('runs').index('by-time').openCursor(null, 'prev'); cursor && out.length < limit; cursor = await cursor.continue()) out.push(cursor.value);
      return out;
    });
  }

  /** Removes history entries by id; an id no longer there is skipped. */
  async deleteRuns(ids: readonly string[]): Promise<void> {
    await this.connection.transact('remove the question from the history', ['runs'], 'readwrite', async (tx) => {
      await Promise.all(ids.map((id) => tx.objectStore('runs').delete(id)));
    });
  }

  deleteRun(id: string): Promise<void> {
    return this.deleteRuns([id]);
  }

  /** Empties the history; the library is left alone. */
  async clearRuns(): Promise<void> {
    await this.connection.transact('clear the history', ['runs'], 'readwrite', (tx) => tx.objectStore('runs').clear());
  }

  loadValue<T = unknown>(key: string): Promise<T | undefined> {
    return this.connection.transact(`read ${key}`, ['kv'], 'readonly', async (tx) => (await tx.objectStore('kv').get(key)) as T | undefined);
  }

  async saveValue(key: string, value: unknown): Promise<void> {
    await this.connection.transact(`save ${key}`, ['kv'], 'readwrite', (tx) => tx.objectStore('kv').put(value, key));
    this.changes.publish({ type: 'value', key });
  }

  async deleteValue(key: string): Promise<void> {
    await this.connection.transact(`delete ${key}`, ['kv'], 'readwrite', (tx) => tx.objectStore('kv').delete(key));
    this.changes.publish({ type: 'value', key });
  }
}
