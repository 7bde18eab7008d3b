/**
 * The BM25 side of the search worker: one term index per document, stored beside the document
 * (`bm25:<docId>`), built once when the document is finished and loaded lazily for searches.
 * Adding a document writes only its own index; a search merges the documents in scope.
 */
import type { DocumentStore } from '../store/index.ts';
import { documentTerms, searchDocuments, TEXT_INDEX_VERSION, type DocumentTerms } from './text/bm25.ts';
import type { ScoredPage } from './types.ts';

const keyOf = (docId: string) => `bm25:${docId}`;

export class TextIndexes {
  private readonly documents = new Map<string, Promise<DocumentTerms>>();
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
    const terms = documentTerms(docId, await this.store.pageTexts(docId));
    await this.store.saveValue(keyOf(docId), terms);
    this.documents.set(docId, Promise.resolve(terms));
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
  async search(query: string, k: number, docIds?: readonly string[]): Promise<ScoredPage[]> {
    const ids = docIds ?? (await this.readyDocuments());
    return searchDocuments(await Promise.all(ids.map((id) => this.document(id))), query, k);
  }

  private readyDocuments(): Promise<string[]> {
    this.ready ??= this.store.listDocuments().then((docs) => docs.filter((d) => d.status === 'ready').map((d) => d.id));
    return this.ready;
  }

  private document(docId: string): Promise<DocumentTerms> {
    let terms = this.documents.get(docId);
    if (!terms) {
      terms = this.load(docId);
      terms.catch(() => this.documents.delete(docId));
      this.documents.set(docId, terms);
    }
    return terms;
  }

  /** The stored index, or one built now (a document from before per-document indexes, or an older version). */
  private async load(docId: string): Promise<DocumentTerms> {
    const stored = await this.store.loadValue<DocumentTerms>(keyOf(docId));
    if (stored?.version === TEXT_INDEX_VERSION) return stored;
    const terms = documentTerms(docId, await this.store.pageTexts(docId));
    await this.store.saveValue(keyOf(docId), terms).catch(() => {}); // a full disk still searches, from memory
    return terms;
  }
}
