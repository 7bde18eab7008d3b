/** Named int8 page-vector indexes held in memory: what the search worker keeps between queries. */
import { AppError } from '../errors.ts';
import type { Int8Matrix } from '../vectors/int8.ts';
import { Int8DenseIndex } from './dense.ts';
import type { ScoredPage } from './types.ts';

export class VectorIndexes {
  private readonly indexes = new Map<string, Int8DenseIndex>();

  /** Rows in the app's int8 encoding (value = q * scale, one scale per row); replaces any index of that name. */
  loadInt8(name: string, pageIds: readonly string[], matrix: Int8Matrix): number {
    this.indexes.set(name, new Int8DenseIndex(pageIds, matrix));
    return pageIds.length;
  }

  drop(name: string): void {
    this.indexes.delete(name);
  }

  names(): string[] {
    return [...this.indexes.keys()];
  }

  /** The k best pages; with `docIds`, only pages of those documents compete. */
  search(name: string, query: Float32Array, k: number, docIds?: readonly string[]): ScoredPage[] {
    const index = this.indexes.get(name);
    if (!index) {
      throw new AppError('retrieval-failed', `The ${name} index is not loaded; load the document vectors before searching with it.`);
    }
    return index.search(query, k, docIds);
  }
}
