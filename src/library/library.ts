/**
 * The document library a person uses: add files (ingested in a worker, stored page by page),
 * list, delete, resume or discard interrupted ones, and search them hybridly. It ties together
 * src/ingest, src/store and src/retrieval, and the embedders when they are loaded.
 */
import { AppError, describeError, isAbortError, type ErrorCode } from '../errors.ts';
import type { IngestedPage, IngestOptions, IngestProgress } from '../ingest/types.ts';
import type { IngestWorker } from '../ingest/client.ts';
import { HybridRetriever, type SearchOptions } from '../retrieval/hybrid.ts';
import type { EmbedderClient } from '../models/embed/client.ts';
import { denseSignal, type DenseKind, type Retriever } from '../retrieval/types.ts';
import type { SearchWorker } from '../retrieval/search-client.ts';
import { contentHash, type DocumentStore, type DocumentRecord, type EmbeddingInput, type InterruptedDocument } from '../store/index.ts';

/** What an embedder embeds pages as (its signal is `${kind}-dense`, see denseSignal). */
export type EmbeddingKind = DenseKind;

/** A loaded embedder and what its vectors are stored under. */
export interface EmbedderHandle {
  modelId: string;
  client: EmbedderClient;
}

export interface AddResult {
  name: string;
  status: 'added' | 'resumed' | 'duplicate' | 'failed' | 'cancelled';
  docId?: string;
  pages?: number;
  /** For failures: what went wrong, in words the user can act on. */
  message?: string;
  code?: ErrorCode;
}

export interface AddProgress extends IngestProgress {
  file: string;
  fileIndex: number;
  files: number;
}

export interface LibraryParts {
  store: DocumentStore;
  ingest: IngestWorker;
  search: SearchWorker;
  ingestOptions?: Partial<IngestOptions>;
}

const MIME: Record<string, string> = { pdf: 'application/pdf', png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };
/** File-name order as people read it: slide_2 before slide_10. */
const byFileName = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** A deck's name: what its file names share ("slide_" from slide_1.jpg … slide_9.jpg), or its first file's. */
export function deckName(names: readonly string[]): string {
  const stems = names.map((n) => n.replace(/\.[^.]+$/, ''));
  let shared = stems[0] ?? '';
  for (const stem of stems) while (!stem.startsWith(shared)) shared = shared.slice(0, -1);
  shared = shared.replace(/[\s_\-.(]+$/, '');
  return `${shared.length >= 3 ? shared : stems[0]} (${names.length} image${names.length === 1 ? '' : 's'})`;
}

export class Library {
  readonly store: DocumentStore;
  /** The search worker has the library's database open (it reads every index, BM25 and page embeddings, itself). */
  private readonly searchReady: Promise<void>;
  private readonly retriever: HybridRetriever;
  private readonly embedders: Partial<Record<EmbeddingKind, EmbedderHandle>> = {};

  constructor(private readonly parts: LibraryParts) {
    this.store = parts.store;
    this.searchReady = parts.search.openLibrary(parts.store.name);
    this.retriever = new HybridRetriever({
      bm25: { search: async (query, k, docIds) => (await this.searchReady, parts.search.searchText(query, k, docIds)) },
      loadPageImage: (pageId) => this.store.pageImage(pageId),
    });
  }

  // --- documents ---

  listDocuments(): Promise<DocumentRecord[]> {
    return this.store.listDocuments();
  }

  interrupted(): Promise<InterruptedDocument[]> {
    return this.store.interruptedDocuments();
  }

  async deleteDocument(docId: string): Promise<void> {
    await this.store.deleteDocument(docId);
    await this.searchReady;
    await this.parts.search.removeDocument(docId);
  }

  /**
   * Adds files one after another. A file already in the library is a duplicate; one left half-done
   * (tab closed) resumes after its stored pages; a bad file fails alone with its message.
   * Cancelling removes the file in progress and skips the rest.
   */
  async addFiles(
    files: readonly { name: string; data: Blob }[],
    onProgress: (p: AddProgress) => void = () => {},
    signal?: AbortSignal,
  ): Promise<AddResult[]> {
    const results: AddResult[] = [];
    for (const [fileIndex, file] of files.entries()) {
      if (signal?.aborted) {
        results.push({ name: file.name, status: 'cancelled' });
        continue;
      }
      results.push(await this.addFile(file, (p) => onProgress({ ...p, file: file.name, fileIndex, files: files.length }), signal));
    }
    return results;
  }

  /**
   * Adds page images as one document, a deck: one page per image, in file-name order. The deck is
   * the same document whenever the same images are added (its id hashes theirs, in order), so it
   * is a duplicate or resumes like a file. A bad image fails the deck with that image's message.
   */
  async addDeck(images: readonly { name: string; data: Blob }[], onProgress: (p: AddProgress) => void = () => {}, signal?: AbortSignal): Promise<AddResult> {
    const files = [...images].sort((a, b) => byFileName.compare(a.name, b.name));
    const name = deckName(files.map((f) => f.name));
    let docId: string | undefined;
    let begun = false;
    try {
      const empty = files.find((f) => f.data.size === 0);
      if (empty) throw new AppError('empty-file', `“${empty.name}” is empty (0 bytes).`);
      const hashes = await Promise.all(files.map(async (f) => contentHash(await f.data.arrayBuffer())));
      docId = await contentHash(new TextEncoder().encode(`deck\n${hashes.join("\n")}`));
      const existing = await this.store.getDocument(docId);
      if (existing?.status === 'ready') return { name, status: 'duplicate', docId, pages: existing.pageCount };
      const { document, alreadyExists } = await this.store.beginDocument({
        id: docId,
        name,
        mimeType: files[0]!.data.type || 'image/*',
        byteSize: files.reduce((n, f) => n + f.data.size, 0),
        pageCount: files.length,
      });
      begun = true;
      const resumeFrom = alreadyExists ? ((await this.interrupted()).find((i) => i.document.id === document.id)?.resumeFrom ?? 1) : 1;
      const progress = (p: IngestProgress) => onProgress({ ...p, file: name, fileIndex: 0, files: 1 });
      for await (const event of this.parts.ingest.ingestDeck(files, resumeFrom, name, this.parts.ingestOptions, progress, signal)) {
        if (event.kind !== 'page') continue;
        await this.store.putPage(docId, { ...pageInput(event.page), embeddings: await this.embedPage(event.page) });
      }
      await this.finish(docId);
      return { name, status: resumeFrom > 1 ? 'resumed' : 'added', docId, pages: files.length };
    } catch (error) {
      return this.failed(error, name, docId, begun, signal);
    }
  }

  private async finish(docId: string): Promise<void> {
    await this.store.finishDocument(docId);
    await this.searchReady;
    await this.parts.search.indexDocument(docId);
  }

  /** Ends a failed or cancelled add: a cancelled document is removed, a failed one marked with its message. */
  private async failed(error: unknown, name: string, docId: string | undefined, begun: boolean, signal?: AbortSignal): Promise<AddResult> {
    if (isAbortError(error) || signal?.aborted) {
      if (begun && docId) await this.store.deleteDocument(docId).catch(() => {});
      return { name, status: 'cancelled' };
    }
    const appError = error instanceof AppError ? error : null;
    const message = appError?.message ?? `“${name}” could not be added: ${describeError(error)}`;
    // A full disk keeps what was stored so the file can resume once there is room.
    if (begun && docId && appError?.code !== 'storage-full') await this.store.failDocument(docId, message).catch(() => {});
    return { name, status: 'failed', message, ...(docId ? { docId } : {}), ...(appError ? { code: appError.code } : {}) };
  }

  private async addFile(file: { name: string; data: Blob }, onProgress: (p: IngestProgress) => void, signal?: AbortSignal): Promise<AddResult> {
    let docId: string | undefined;
    let begun = false;
    try {
      if (file.data.size === 0) throw new AppError('empty-file', `“${file.name}” is empty (0 bytes).`);
      docId = await contentHash(await file.data.arrayBuffer());
      const existing = await this.store.getDocument(docId);
      if (existing?.status === 'ready') return { name: file.name, status: 'duplicate', docId, pages: existing.pageCount };
      let resumeFrom = 1;
      let pages = 0;
      for await (const event of this.parts.ingest.ingestFile(file.data, file.name, this.parts.ingestOptions, onProgress, signal)) {
        if (event.kind === 'document') {
          const { document, alreadyExists } = await this.store.beginDocument({
            id: docId,
            name: file.name,
            mimeType: MIME[event.info.type] ?? 'application/octet-stream',
            byteSize: file.data.size,
            pageCount: event.info.pageCount,
          });
          begun = true;
          if (alreadyExists) resumeFrom = (await this.interrupted()).find((i) => i.document.id === document.id)?.resumeFrom ?? 1;
          continue;
        }
        pages++;
        if (event.page.pageNumber < resumeFrom) continue;
        await this.store.putPage(docId, { ...pageInput(event.page), embeddings: await this.embedPage(event.page) });
      }
      await this.finish(docId);
      return { name: file.name, status: resumeFrom > 1 ? 'resumed' : 'added', docId, pages };
    } catch (error) {
      return this.failed(error, file.name, docId, begun, signal);
    }
  }

  // --- embedders ---

  /** Uses an embedder from now on: new pages are embedded, and it becomes a search signal. */
  useEmbedder(kind: EmbeddingKind, embedder: EmbedderHandle | null): void {
    const name = denseSignal(kind);
    if (!embedder) {
      delete this.embedders[kind];
      this.retriever.detach(name);
      return;
    }
    this.embedders[kind] = embedder;
    const vectors = { modelId: embedder.modelId, kind };
    this.retriever.attach({
      name,
      embedQuery: async (text) => (await embedder.client.embedTexts([text], 'query')).data,
      // The search worker reads this embedder's page vectors from the store; `docIds` is the document scope.
      index: { search: async (query, k, docIds) => (await this.searchReady, this.parts.search.searchVectors(vectors, query, k, docIds)) },
    });
  }

  /** Embeds pages stored before the embedder was loaded; returns how many were embedded. */
  async backfillEmbeddings(kind: EmbeddingKind, onProgress: (done: number, total: number) => void = () => {}, signal?: AbortSignal): Promise<number> {
    const embedder = this.embedders[kind];
    if (!embedder) throw new AppError('model-failed', `Load a ${kind} embedder first.`);
    const missing = await this.store.pagesWithoutEmbedding(embedder.modelId, kind);
    let done = 0;
    for (const pageId of missing) {
      if (signal?.aborted) break;
      const batch =
        kind === 'text'
          ? await embedder.client.embedTexts([(await this.store.getPageText(pageId))?.text ?? ''], 'document')
          : await embedder.client.embedImages([await this.store.pageImage(pageId)]);
      await this.store.putEmbeddings(pageId, [{ modelId: embedder.modelId, kind, dims: batch.dims, values: batch.data, encoding: 'int8' }]);
      onProgress(++done, missing.length);
    }
    return done;
  }

  private async embedPage(page: IngestedPage): Promise<EmbeddingInput[]> {
    const out: EmbeddingInput[] = [];
    const { text, image } = this.embedders;
    if (text && page.text.trim()) {
      const batch = await text.client.embedTexts([page.text], 'document');
      out.push({ modelId: text.modelId, kind: 'text', dims: batch.dims, values: batch.data, encoding: 'int8' });
    }
    if (image) {
      const batch = await image.client.embedImages([page.image]);
      out.push({ modelId: image.modelId, kind: 'image', dims: batch.dims, values: batch.data, encoding: 'int8' });
    }
    return out;
  }

  // --- search ---

  /** The agent's search engine: the whole library or some documents, with these signal weights. */
  asRetriever(options: SearchOptions = {}): Retriever {
    return this.retriever.view(options);
  }

  close(): void {
    this.store.close();
  }
}

function pageInput(page: IngestedPage) {
  return {
    page: { pageNumber: page.pageNumber, width: page.width, height: page.height, ocr: page.ocr },
    text: { text: page.text, lines: page.lines.map((l) => ({ text: l.text, box: l.box, score: l.score })) },
    blobs: { image: page.image, thumbnail: page.thumbnail },
  };
}
