/**
 * The agent's Retriever: BM25 always, plus any embedding signals that are attached (text-dense,
 * image-dense), fused by reciprocal rank fusion. Weights and document scope are per view, so
 * two searches with different settings never change each other. Store-agnostic: it is handed indexes and
 * callbacks, so the same class serves in-memory indexes and worker-backed ones.
 */
import { AppError, isAbortError, throwIfAborted } from '../errors.ts';
import { DEFAULT_RRF_K, reciprocalRankFusion, weightOf, type SignalRanking, type SignalWeights } from './fusion.ts';
import type { DenseSignal, QueryEmbedder, RankedPage, Retriever, ScoredPage, SignalName, VectorSearcher } from './types.ts';

/** An embedding signal: how to embed the query and where to look it up. */
export interface EmbeddingSignal {
  name: DenseSignal;
  embedQuery: QueryEmbedder;
  index: VectorSearcher;
}

export type PageImageLoader = (pageId: string, signal?: AbortSignal) => Promise<Blob>;

/** BM25 lookups: an index in memory, or one that loads lazily (e.g. from IndexedDB). */
export interface TextSearcher {
  /** With `docIds`, only pages of those documents compete (document scope). */
  search(query: string, k: number, docIds?: readonly string[]): ScoredPage[] | Promise<ScoredPage[]>;
}

/** What one view searches with: signal weights (0 turns a signal off) and an optional document scope. */
export interface SearchOptions {
  weights?: Partial<Record<SignalName, number>>;
  docIds?: readonly string[];
}

export interface HybridRetrieverOptions {
  bm25: TextSearcher;
  loadPageImage: PageImageLoader;
  signals?: EmbeddingSignal[];
  weights?: Partial<Record<SignalName, number>>;
  /** The RRF constant (default 60). */
  rrfK?: number;
  /** How many candidates each signal contributes before fusion (default 100, at least k). */
  depth?: number;
}

export class HybridRetriever implements Retriever {
  private readonly signals = new Map<string, EmbeddingSignal>();
  private readonly weights: SignalWeights;

  constructor(private readonly options: HybridRetrieverOptions) {
    for (const signal of options.signals ?? []) this.attach(signal);
    this.weights = { ...options.weights };
  }

  /** Adds (or replaces) an embedding signal, e.g. once its model has loaded. */
  attach(signal: EmbeddingSignal): void {
    this.signals.set(signal.name, signal);
  }

  detach(name: SignalName): void {
    this.signals.delete(name);
  }

  /** A retriever with these weights and scope; nothing shared is changed. */
  view(options: SearchOptions = {}): Retriever {
    const weights = { ...this.weights, ...options.weights };
    return { search: (query, k, signal) => this.searchWith(query, k, weights, options.docIds, signal), pageImage: (pageId, signal) => this.pageImage(pageId, signal) };
  }

  search(query: string, k: number, signal?: AbortSignal): Promise<RankedPage[]> {
    return this.searchWith(query, k, this.weights, undefined, signal);
  }

  private async searchWith(query: string, k: number, weights: SignalWeights, docIds: readonly string[] | undefined, signal?: AbortSignal): Promise<RankedPage[]> {
    throwIfAborted(signal);
    if (k <= 0) return [];
    const depth = Math.max(k, this.options.depth ?? 100);
    const rankings: SignalRanking[] = [];
    if (isOn(weights, 'bm25')) rankings.push({ signal: 'bm25', pages: await this.options.bm25.search(query, depth, docIds) });
    const active = [...this.signals.values()].filter((s) => isOn(weights, s.name));
    rankings.push(...(await Promise.all(active.map((s) => this.rankBy(s, query, depth, docIds, signal)))));
    throwIfAborted(signal);
    return reciprocalRankFusion(rankings, k, weights, this.options.rrfK ?? DEFAULT_RRF_K);
  }

  async pageImage(pageId: string, signal?: AbortSignal): Promise<Blob> {
    throwIfAborted(signal);
    return this.options.loadPageImage(pageId, signal);
  }

  private async rankBy(source: EmbeddingSignal, query: string, depth: number, docIds: readonly string[] | undefined, signal?: AbortSignal): Promise<SignalRanking> {
    if (query.trim() === '') return { signal: source.name, pages: [] };
    try {
      const embedding = await source.embedQuery(query, signal);
      throwIfAborted(signal);
      return { signal: source.name, pages: await source.index.search(embedding, depth, docIds) };
    } catch (error) {
      if (isAbortError(error) || error instanceof AppError) throw error;
      throw new AppError('retrieval-failed', `The ${source.name} search failed (${error instanceof Error ? error.message : String(error)}); try again, or turn this signal off.`, { cause: error });
    }
  }
}

/** A weight of 0 switches a signal off; unset signals weigh 1. */
const isOn = (weights: SignalWeights, name: SignalName) => weightOf(weights, name) > 0;
