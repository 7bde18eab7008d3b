/**
 * The agent's Retriever: BM25 always, plus any embedding signals that are attached (text-dense,
 * image-dense, maxsim), fused by reciprocal rank fusion. Store-agnostic: it is handed indexes and
 * callbacks, so the same class serves in-memory indexes and worker-backed ones.
 */
import { AppError, isAbortError, throwIfAborted } from '../errors.ts';
import { DEFAULT_RRF_K, reciprocalRankFusion, type SignalRanking, type SignalWeights } from './fusion.ts';
import type { QueryEmbedder, RankedPage, Retriever, ScoredPage, SignalName, VectorSearcher } from './types.ts';

/** An embedding signal: how to embed the query and where to look it up. */
export interface EmbeddingSignal {
  name: Exclude<SignalName, 'bm25'>;
  embedQuery: QueryEmbedder;
  index: VectorSearcher;
}

export type PageImageLoader = (pageId: string, signal?: AbortSignal) => Promise<Blob>;

/** BM25 lookups: an index in memory, or one that loads lazily (e.g. from IndexedDB). */
export interface TextSearcher {
  search(query: string, k: number): ScoredPage[] | Promise<ScoredPage[]>;
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
  private weights: SignalWeights;

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

  /** Per-signal RRF weights; a weight of 0 switches a signal off, unset signals weigh 1. */
  setWeights(weights: Partial<Record<SignalName, number>>): void {
    this.weights = { ...this.weights, ...weights };
  }

  /** The weights in force (to give a scoped retriever the same settings). */
  currentWeights(): Partial<Record<SignalName, number>> {
    return { ...this.weights };
  }

  async search(query: string, k: number, signal?: AbortSignal): Promise<RankedPage[]> {
    throwIfAborted(signal);
    if (k <= 0) return [];
    const depth = Math.max(k, this.options.depth ?? 100);
    const rankings: SignalRanking[] = [];
    if (this.isOn('bm25')) rankings.push({ signal: 'bm25', pages: await this.options.bm25.search(query, depth) });
    const active = [...this.signals.values()].filter((s) => this.isOn(s.name));
    rankings.push(...(await Promise.all(active.map((s) => this.rankBy(s, query, depth, signal)))));
    throwIfAborted(signal);
    return reciprocalRankFusion(rankings, k, this.weights, this.options.rrfK ?? DEFAULT_RRF_K);
  }

  async pageImage(pageId: string, signal?: AbortSignal): Promise<Blob> {
    throwIfAborted(signal);
    return this.options.loadPageImage(pageId, signal);
  }

  private isOn(name: SignalName): boolean {
    return (this.weights[name] ?? 1) > 0;
  }

  private async rankBy(source: EmbeddingSignal, query: string, depth: number, signal?: AbortSignal): Promise<SignalRanking> {
    if (query.trim() === '') return { signal: source.name, pages: [] };
    try {
      const embedding = await source.embedQuery(query, signal);
      throwIfAborted(signal);
      return { signal: source.name, pages: await source.index.search(embedding, depth) };
    } catch (error) {
      if (isAbortError(error) || error instanceof AppError) throw error;
      throw new AppError('retrieval-failed', `The ${source.name} search failed (${error instanceof Error ? error.message : String(error)}); try again, or turn this signal off.`, { cause: error });
    }
  }
}
