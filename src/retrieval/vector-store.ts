/**
 * The dense side of the search worker: each embedder's page vectors, read from the document store
 * (IndexedDB) inside the worker and held as one int8 matrix per model, as text-indexes.ts holds
 * BM25. The page sends a query embedding; it never reads, packs or moves page vectors. A matrix is
 * read again after a document is finished or removed (here or in another tab) and when the store
 * holds a different number of the model's vectors than were read (pages embedded later).
 */
import type { DocumentStore, EmbeddingRecord } from '../store/index.ts';
import { quantizeRows, type Int8Matrix } from '../vectors/int8.ts';
import { Int8DenseIndex } from './dense.ts';
import type { DenseKind, ScoredPage } from './types.ts';

/** Whose vectors a dense search reads: an embedder and what it embedded. */
export interface EmbedderRef {
  modelId: string;
  kind: DenseKind;
}

interface Held {
  /** The store's count of this model's vectors when they were read. */
  stored: number;
  index: Int8DenseIndex | null;
}

export class VectorIndexes {
  private readonly held = new Map<string, Promise<Held>>();

  constructor(private readonly store: DocumentStore) {
    // Another tab (or the page) finished or removed a document: its vectors are read again when next needed.
    store.onChange((change) => {
      if (change.type === 'document' && change.remote) this.held.clear();
    });
  }

  /** Documents were finished or removed: every matrix is read again on its next search. */
  invalidate(): void {
    this.held.clear();
  }

  /** The k best pages for the query embedding; with `docIds`, only pages of those documents compete. */
  async search(embedder: EmbedderRef, query: Float32Array, k: number, docIds?: readonly string[]): Promise<ScoredPage[]> {
    const { index } = await this.matrix(embedder);
    return index ? index.search(query, k, docIds) : [];
  }

  private async matrix({ modelId, kind }: EmbedderRef): Promise<Held> {
    const key = `${kind}\n${modelId}`;
    const stored = await this.store.embeddingCount(modelId, kind);
    const held = await this.held.get(key)?.catch(() => null);
    if (held && held.stored === stored) return held;
    const reading = this.store.embeddings(modelId, kind).then((records): Held => ({ stored, index: records.length ? new Int8DenseIndex(records.map((r) => r.pageId), int8Rows(records)) : null }));
    this.held.set(key, reading);
    reading.catch(() => this.held.delete(key));
    return reading;
  }
}

/** Stored single-vector records as one int8 matrix (f32 rows quantised by the app's one codec). */
function int8Rows(records: readonly EmbeddingRecord[]): Int8Matrix {
  const dims = records[0]?.dims ?? 0;
  const data = new Int8Array(records.length * dims);
  const scales = new Float32Array(records.length);
  records.forEach((r, row) => {
    const v = r.vectors.encoding === 'int8' ? { data: r.vectors.values, scales: r.vectors.scales } : quantizeRows(r.vectors.values.subarray(0, dims), dims);
    data.set(v.data.subarray(0, dims), row * dims);
    scales[row] = v.scales[0]!;
  });
  return { dims, data, scales };
}
