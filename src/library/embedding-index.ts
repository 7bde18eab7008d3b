/**
 * Dense signals over stored page embeddings: vectors are loaded lazily from IndexedDB into the
 * search worker (int8, exact top-k) and queries are embedded by the loaded embedder.
 */
import type { EmbedderClient } from '../models/embed/client.ts';
import type { HybridRetriever } from '../retrieval/hybrid.ts';
import type { SearchWorker } from '../retrieval/search-client.ts';
import type { DocumentStore, EmbeddingRecord } from '../store/index.ts';
import { quantizeRows } from '../vectors/int8.ts';

export type EmbeddingKind = 'text' | 'image';

/** A loaded embedder and what its vectors are stored under. */
export interface EmbedderHandle {
  modelId: string;
  client: EmbedderClient;
}

const SIGNAL = { text: 'text-dense', image: 'image-dense' } as const;

/** Concatenates stored single-vector records into one int8 matrix (f32 rows quantised by the same codec). */
export function toInt8Rows(records: EmbeddingRecord[]): { pageIds: string[]; dims: number; data: Int8Array; scales: Float32Array } {
  const dims = records[0]?.dims ?? 0;
  const data = new Int8Array(records.length * dims);
  const scales = new Float32Array(records.length);
  records.forEach((r, row) => {
    const v = r.vectors.encoding === 'int8' ? { data: r.vectors.values, scales: r.vectors.scales } : quantizeRows(r.vectors.values.subarray(0, dims), dims);
    data.set(v.data.subarray(0, dims), row * dims);
    scales[row] = v.scales[0]!;
  });
  return { pageIds: records.map((r) => r.pageId), dims, data, scales };
}

export class EmbeddingIndex {
  private readonly loaded = new Map<EmbeddingKind, Promise<number>>();

  constructor(
    private readonly store: DocumentStore,
    private readonly worker: SearchWorker,
  ) {}

  /** Plugs an embedder's signal into the retriever; its vectors load on first use. */
  attach(kind: EmbeddingKind, embedder: EmbedderHandle, retriever: HybridRetriever): void {
    this.loaded.delete(kind);
    const name = SIGNAL[kind];
    retriever.attach({
      name,
      embedQuery: async (text) => (await embedder.client.embedTexts([text], 'query')).data,
      index: {
        // `docIds` is the document scope: without it the dense signals rank every document's pages.
        search: async (query, k, docIds) => {
          const rows = await this.ensure(kind, embedder.modelId);
          return rows === 0 ? [] : this.worker.search(name, query, k, docIds);
        },
      },
    });
  }

  detach(kind: EmbeddingKind, retriever: HybridRetriever): void {
    this.loaded.delete(kind);
    retriever.detach(SIGNAL[kind]);
    void this.worker.drop(SIGNAL[kind]);
  }

  /** Forget loaded vectors (documents were added or removed); they reload on the next search. */
  invalidate(): void {
    this.loaded.clear();
  }

  private ensure(kind: EmbeddingKind, modelId: string): Promise<number> {
    let rows = this.loaded.get(kind);
    if (!rows) {
      rows = this.store.embeddings(modelId, kind).then(async (records) => {
        if (records.length === 0) return 0;
        const { pageIds, dims, data, scales } = toInt8Rows(records);
        return this.worker.loadInt8(SIGNAL[kind], pageIds, { dims, data, scales });
      });
      rows.catch(() => this.loaded.delete(kind));
      this.loaded.set(kind, rows);
    }
    return rows;
  }
}
