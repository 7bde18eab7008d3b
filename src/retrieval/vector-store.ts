/** Named vector indexes held in memory: what the search worker keeps between queries. */
import { AppError } from '../errors.ts';
import { createDenseIndex, Int8DenseIndex, type Precision } from './dense.ts';
import { MultiVectorIndex } from './maxsim.ts';
import type { Int8Matrix } from './quantize.ts';
import type { ScoredPage, VectorSearcher } from './types.ts';

export class VectorIndexes {
  private readonly indexes = new Map<string, VectorSearcher>();

  /** One L2-normalised vector per page (row-major); replaces any index of that name. */
  loadDense(name: string, pageIds: readonly string[], vectors: Float32Array, dims: number, precision: Precision = 'float32'): number {
    this.indexes.set(name, createDenseIndex(pageIds, vectors, dims, precision));
    return pageIds.length;
  }

  /** Rows already quantised (e.g. the store's int8 encoding: value = q * scale, one scale per row). */
  loadInt8(name: string, pageIds: readonly string[], matrix: Int8Matrix): number {
    this.indexes.set(name, new Int8DenseIndex(pageIds, matrix));
    return pageIds.length;
  }

  /** Several vectors per page; page p owns rows [rowOffsets[p], rowOffsets[p+1]). */
  loadMultiVector(name: string, pageIds: readonly string[], vectors: Float32Array, dims: number, rowOffsets: Uint32Array): number {
    this.indexes.set(name, new MultiVectorIndex(pageIds, vectors, dims, rowOffsets));
    return pageIds.length;
  }

  drop(name: string): void {
    this.indexes.delete(name);
  }

  names(): string[] {
    return [...this.indexes.keys()];
  }

  async search(name: string, query: Float32Array, k: number): Promise<ScoredPage[]> {
    const index = this.indexes.get(name);
    if (!index) {
      throw new AppError('retrieval-failed', `The ${name} index is not loaded; load the document vectors before searching with it.`);
    }
    return index.search(query, k);
  }
}
