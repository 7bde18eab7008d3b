/**
 * The document library a person uses: add files (ingested in a worker, stored page by page),
 * list, delete, resume or discard interrupted ones, and search them hybridly. It ties together
 * src/ingest, src/store and src/retrieval, and the embedders when they are loaded. Every index a
 * search reads (BM25 and the page embeddings) is read by the search worker from the store itself.
 */
import { AppError, describeError, isAbortError, type ErrorCode } from '../errors.ts';
import type { IngestEvent } from '../ingest/ingest.ts';
import type { DocumentType, IngestedPage, IngestOptions, IngestProgress } from '../ingest/types.ts';
import type { IngestWorker } from '../ingest/client.ts';
import type { EmbedderClient } from '../models/embed/client.ts';
import { HybridRetriever, type SearchOptions } from '../retrieval/hybrid.ts';
import { denseSignal, type DenseKind, type Retriever } from '../retrieval/types.ts';
import type { SearchWorker } from '../retrieval/search-client.ts';
import { contentHash, type DocumentStore, type DocumentRecord, type EmbeddingInput, type InterruptedDocument } from '../store/index.ts';

/** What an embedder embeds pages as (its signal is `${kind}-dense`). */
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

type NamedBlob = { name: string; data: Blob };

/** One document to add: a file, or a deck of page images. */
interface Addition {
  name: string;
  files: readonly NamedBlob[];
  deck: boolean;
}

const MIME: Record<DocumentType, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  text: 'text/plain',
  markdown: 'text/markdown',
};
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
  /** The search worker has the library's database open (it reads the indexes itself). */
  private readonly searchReady: Promise<void>;
  private readonly retriever: HybridRetriever;
  private readonly embedders: Partial<Record<EmbeddingKind, EmbedderHandle>> = {};

  constructor(private readonly parts: LibraryParts) {
    this.store = parts.store;
    this.searchReady = parts.search.openLibrary(parts.store.name);
    this.searchReady.catch(() => {}); // a search reports it; a library closed before any search has nothing to say
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
  async addFiles(files: readonly NamedBlob[], onProgress: (p: AddProgress) => void = () => {}, signal?: AbortSignal): Promise<AddResult[]> {
    const results: AddResult[] = [];
    for (const [fileIndex, file] of files.entries()) {
      if (signal?.aborted) {
        results.push({ name: file.name, status: 'cancelled' });
        continue;
      }
      const progress = (p: IngestProgress) => onProgress({ ...p, file: file.name, fileIndex, files: files.length });
      results.push(await this.add({ name: file.name, files: [file], deck: false }, progress, signal));
    }
    return results;
  }

  /**
   * Adds page images as one document, a deck: one page per image, in file-name order. The deck is
   * the same document whenever the same images are added (its id hashes theirs, in order), so it
   * is a duplicate or resumes like a file. A bad image fails the deck with that image's message.
   */
  async addDeck(images: readonly NamedBlob[], onProgress: (p: AddProgress) => void = () => {}, signal?: AbortSignal): Promise<AddResult> {
    const files = [...images].sort((a, b) => byFileName.compare(a.name, b.name));
    const name = deckName(files.map((f) => f.name));
    return this.add({ name, files, deck: true }, (p) => onProgress({ ...p, file: name, fileIndex: 0, files: 1 }), signal);
  }

  /**
   * Adds one document: its id from its bytes, a duplicate if it is already in the library, begun
   * in the store when the ingest worker has read it, resumed after its stored pages, each page
   * stored with its embeddings, then indexed for search.
   */
  private async add(addition: Addition, onProgress: (p: IngestProgress) => void, signal?: AbortSignal): Promise<AddResult> {
    const { name, files, deck } = addition;
    let docId: string | undefined;
    let begun = false;
    try {
      docId = await documentId(addition);
      const existing = await this.store.getDocument(docId);
      if (existing?.status === 'ready') return { name, status: 'duplicate', docId, pages: existing.pageCount };
      const resumeFrom = existing?.status === 'ingesting' ? ((await this.interrupted()).find((i) => i.document.id === docId)?.resumeFrom ?? 1) : 1;
      const options = this.parts.ingestOptions;
      const events: AsyncIterable<IngestEvent> = deck
        ? this.parts.ingest.ingestDeck(files, resumeFrom, name, options, onProgress, signal)
        : this.parts.ingest.ingestFile(files[0]!.data, name, options, onProgress, signal);
      let pages = 0;
      for await (const event of events) {
        if (event.kind === 'document') {
          await this.store.beginDocument({
            id: docId,
            name,
            mimeType: deck ? files[0]!.data.type || 'image/*' : MIME[event.info.type],
            byteSize: files.reduce((n, f) => n + f.data.size, 0),
            pageCount: event.info.pageCount,
          });
          begun = true;
          pages = event.info.pageCount;
          continue;
        }
        if (event.page.pageNumber < resumeFrom) continue;
        await this.store.putPage(docId, { ...pageInput(event.page), embeddings: await this.embedPage(event.page) });
      }
      await this.store.finishDocument(docId);
      await this.searchReady;
      await this.parts.search.indexDocument(docId);
      return { name, status: resumeFrom > 1 ? 'resumed' : 'added', docId, pages };
    } catch (error) {
      return this.failed(error, name, docId, begun, signal);
    }
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

/** A file's id hashes its bytes; a deck's hashes its images' hashes, in order. */
async function documentId({ files, deck }: Addition): Promise<string> {
  const hashes = await Promise.all(files.map(async (f) => contentHash(await f.data.arrayBuffer())));
  return deck ? contentHash(new TextEncoder().encode(`deck\n${hashes.join('\n')}`)) : hashes[0]!;
}

function pageInput(page: IngestedPage) {
  return {
    page: { pageNumber: page.pageNumber, width: page.width, height: page.height, ocr: page.ocr },
    text: { text: page.text, lines: page.lines.map((l) => ({ text: l.text, box: l.box, score: l.score, ...(l.words ? { words: l.words } : {}) })) },
    blobs: { image: page.image, thumbnail: page.thumbnail },
  };
}
