/**
 * The BM25 side of the search worker: one packed term index per document, stored beside the
 * document (`bm25:<docId>`), built once when the document is finished and loaded lazily for
 * searches. Adding a document writes only its own index; a search merges the documents in scope.
 * An index stored by an older version is rebuilt from the page texts the first time it is read.
 */
import { pageNumberOf } from '../page-id.ts';
import type { DocumentStore } from '../store/index.ts';
import { searchDocuments, type TextHit } from './text/bm25.ts';
import { buildDocumentTerms, openDocumentTerms, type IndexedDocument } from './text/term-index.ts';

const keyOf = (docId: string) => `bm25:${docId}`;

export class TextIndexes {
  private readonly documents = new Map<string, Promise<IndexedDocument>>();
  private ready: Promise<string[]> | null = null;

  constructor(private readonly store: DocumentStore) {
    // Another tab added or removed a document: its index is read again when next needed.
    store.onChange((change) => {
      if (change.type !== 'document' || !change.remote) return;
      this.documents.delete(change.docId);
      this.ready = null;
    });
  }

  /** Builds and stores a finished document's index (replacing any older one). */
  async indexDocument(docId: string): Promise<number> {
    const terms = await this.build(docId);
    await this.store.saveValue(keyOf(docId), terms);
    this.documents.set(docId, Promise.resolve(openDocumentTerms(terms)!));
    this.ready = null;
    return terms.pageIds.length;
  }

  async removeDocument(docId: string): Promise<void> {
    this.documents.delete(docId);
    this.ready = null;
    await this.store.deleteValue(keyOf(docId));
  }

  /**
   * Reads every ready document's index in the background, so that the first search after opening
   * the app does not wait for IndexedDB. A failure is met again (and reported) by the search itself.
   */
  preload(): void {
    this.readyDocuments()
      .then((ids) => Promise.all(ids.map((id) => this.document(id))))
      .catch(() => {});
  }

  /** The k best pages for the query, over the documents given (default: every ready document). */
  async search(query: string, k: number, docIds?: readonly string[]): Promise<TextHit[]> {
    const ids = docIds ?? (await this.readyDocuments());
    return searchDocuments(await Promise.all(ids.map((id) => this.document(id))), query, k);
  }

  private readyDocuments(): Promise<string[]> {
    this.ready ??= this.store.listDocuments().then((docs) => docs.filter((d) => d.status === 'ready').map((d) => d.id));
    return this.ready;
  }

  private document(docId: string): Promise<IndexedDocument> {
    let terms = this.documents.get(docId);
    if (!terms) {
      terms = this.load(docId);
      terms.catch(() => this.documents.delete(docId));
      this.documents.set(docId, terms);
    }
    return terms;
  }

  /** The stored index, or one built now (a document from before per-document indexes, or an older version). */
  private async load(docId: string): Promise<IndexedDocument> {
    const stored = openDocumentTerms(await this.store.loadValue<unknown>(keyOf(docId)));
    if (stored) return stored;
    const terms = await this.build(docId);
    await this.store.saveValue(keyOf(docId), terms).catch(() => {}); // a full disk still searches, from memory
    return openDocumentTerms(terms)!;
  }

  /** A document's index from its stored page texts, their line boxes and which pages OCR read. */
  private async build(docId: string) {
    const [texts, pages] = await Promise.all([this.store.pageTexts(docId), this.store.getPages(docId)]);
    const ocr = new Set(pages.filter((p) => p.ocr).map((p) => p.id as string));
    texts.sort((a, b) => pageNumberOf(a.pageId) - pageNumberOf(b.pageId));
    return buildDocumentTerms(docId, texts.map((t) => ({ pageId: t.pageId, text: t.text, ...(t.lines && { lines: t.lines }), ocr: ocr.has(t.pageId) })));
  }
}

