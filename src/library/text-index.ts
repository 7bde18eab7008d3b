/**
 * The BM25 index over page text, persisted in the store so a reload does not rebuild it. It is
 * rebuilt only when the set of ready documents changed behind its back (another tab, a crash).
 */
import type { AsPlainObject } from 'minisearch';
import { Bm25Index } from '../retrieval/bm25.ts';
import type { DocumentLibrary } from '../store/index.ts';

const KEY = 'bm25-index';

interface Persisted {
  version: 1;
  /** Ready documents the index covers, sorted. */
  docIds: string[];
  index: AsPlainObject;
}

export class TextIndex {
  private index: Promise<{ bm25: Bm25Index; docIds: Set<string> }> | null = null;
  /** Milliseconds the last load took and whether it was rebuilt (for benchmarks). */
  lastLoad: { ms: number; rebuilt: boolean } | null = null;

  constructor(private readonly store: DocumentLibrary) {}

  async bm25(): Promise<Bm25Index> {
    return (await this.current()).bm25;
  }

  /** Forget the in-memory copy (another tab changed the library). */
  invalidate(): void {
    this.index = null;
  }

  async addDocument(docId: string): Promise<void> {
    const state = await this.current();
    if (state.docIds.has(docId)) return;
    const texts = await this.store.pageTexts(docId);
    state.bm25.addAll(texts.map((t) => ({ pageId: t.pageId, text: t.text })));
    state.docIds.add(docId);
    await this.save(state);
  }

  async removeDocument(docId: string, pageIds: string[]): Promise<void> {
    const state = await this.current();
    for (const id of pageIds) if (state.bm25.has(id)) state.bm25.remove(id);
    state.docIds.delete(docId);
    await this.save(state);
  }

  private current() {
    this.index ??= this.load().catch((error: unknown) => {
      this.index = null;
      throw error;
    });
    return this.index;
  }

  private async load(): Promise<{ bm25: Bm25Index; docIds: Set<string> }> {
    const started = performance.now();
    const ready = (await this.store.listDocuments()).filter((d) => d.status === 'ready').map((d) => d.id).sort();
    const persisted = await this.store.loadValue<Persisted>(KEY);
    if (persisted?.version === 1 && persisted.docIds.join() === ready.join()) {
      const state = { bm25: Bm25Index.fromJSON(persisted.index), docIds: new Set(ready) };
      this.lastLoad = { ms: performance.now() - started, rebuilt: false };
      return state;
    }
    const texts = await this.store.allPageTexts();
    const state = { bm25: Bm25Index.build(texts.map((t) => ({ pageId: t.pageId, text: t.text }))), docIds: new Set(ready) };
    await this.save(state);
    this.lastLoad = { ms: performance.now() - started, rebuilt: true };
    return state;
  }

  private async save(state: { bm25: Bm25Index; docIds: Set<string> }): Promise<void> {
    const value: Persisted = { version: 1, docIds: [...state.docIds].sort(), index: state.bm25.toJSON() };
    await this.store.saveValue(KEY, value);
  }
}
