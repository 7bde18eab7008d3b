/**
 * The one place the app's parts are put together: the document store and library, the workers,
 * the loaded models and their lifecycles. The app, the headless page behind `ask`/`eval` and the
 * in-browser benchmarks all open a session, so they cannot drift apart. What the UI shows of it
 * (the loaded VLM, the embedders) is observable state: subscribe instead of polling getters.
 */
import { signal, type ReadonlySignal } from '@preact/signals-core';
import { lexicalSupport, type SupportScorer } from '../agent/best-of-n.ts';
import { AppError } from '../errors.ts';
import { startIngestWorker } from '../ingest/client.ts';
import type { IngestOptions } from '../ingest/types.ts';
import { Library, type EmbeddingKind } from '../library/library.ts';
import type { LoadedEmbedder } from '../models/embed/load.ts';
import type { LoadedVlm } from '../models/vlm/load.ts';
import { startPerceptionWorker } from '../perception/client.ts';
import { localPolicies, remotePolicies, type EndpointOptions, type GenerationOptions, type PolicyPair } from '../policies/pair.ts';
import type { SearchOptions } from '../retrieval/hybrid.ts';
import { parseJudge, supportPrompt } from '../reward/judge.ts';
import { startSearchWorker } from '../retrieval/search-client.ts';
import type { Retriever } from '../retrieval/types.ts';
import { workerFactory, type WorkerFactories } from '../rpc/app-workers.ts';
import { DocumentStore } from '../store/index.ts';

export interface SessionOptions {
  /** IndexedDB name of the document library (tests and the headless tools use a fresh one). */
  libraryName?: string;
  /** Worker bundles to use instead of the app's own (tests start the production build's). */
  workers?: WorkerFactories;
  ingestOptions?: Partial<IngestOptions>;
  /** Delete the library's database on close (a throwaway session). */
  deleteOnClose?: boolean;
}

/** Asks a model a yes/no question and returns its raw reply (a judge). */
export type Completion = (prompt: string) => Promise<string>;

export type Embedders = Partial<Record<EmbeddingKind, LoadedEmbedder>>;

export class Session {
  readonly store: DocumentStore;
  readonly library: Library;
  readonly perception: ReturnType<typeof startPerceptionWorker>;
  private readonly ingest: ReturnType<typeof startIngestWorker>;
  private readonly search: ReturnType<typeof startSearchWorker>;
  private readonly vlmState = signal<LoadedVlm | null>(null);
  private readonly embedderState = signal<Embedders>({});

  constructor(private readonly options: SessionOptions = {}) {
    this.store = new DocumentStore(options.libraryName);
    this.ingest = startIngestWorker(workerFactory('ingest', options.workers));
    this.search = startSearchWorker(workerFactory('search', options.workers));
    this.perception = startPerceptionWorker(workerFactory('perception', options.workers));
    this.library = new Library({ store: this.store, ingest: this.ingest, search: this.search, ...(options.ingestOptions ? { ingestOptions: options.ingestOptions } : {}) });
  }

  /** The loaded vision-language model, or null. */
  get vlm(): ReadonlySignal<LoadedVlm | null> {
    return this.vlmState;
  }

  get embedders(): ReadonlySignal<Embedders> {
    return this.embedderState;
  }

  /** Makes a loaded VLM the session's (the previous one's worker is ended). */
  useVlm(loaded: LoadedVlm | null): void {
    if (this.vlmState.value !== loaded) this.vlmState.value?.client.terminate();
    this.vlmState.value = loaded;
  }

  /** Makes a loaded embedder a search signal (the previous one of its kind is ended). */
  useEmbedder(kind: EmbeddingKind, loaded: LoadedEmbedder | null): void {
    const previous = this.embedderState.value[kind];
    if (previous && previous !== loaded) previous.client.terminate();
    this.library.useEmbedder(kind, loaded ? { modelId: loaded.modelId, client: loaded.client } : null);
    const next = { ...this.embedderState.value };
    if (loaded) next[kind] = loaded;
    else delete next[kind];
    this.embedderState.value = next;
  }

  /** A retriever with its own weights and document scope: nothing shared is changed. */
  retriever(options: SearchOptions = {}): Retriever {
    return this.library.asRetriever(options);
  }

  /** The greedy and sampling policies: the endpoint's when one is given, else the loaded VLM's. */
  policies(generation: GenerationOptions, endpoint?: EndpointOptions | null): PolicyPair {
    if (endpoint) return remotePolicies(endpoint, generation);
    const loaded = this.vlmState.value;
    if (!loaded) throw new AppError('model-missing', 'No model is loaded yet. Open “Models and settings” to download one, or load one from a folder.');
    return localPolicies(loaded, generation);
  }

  /**
   * Best-of-N's support score, the same in the app and in eval: a judge's yes/no on whether the
   * retrieved pages' text supports the answer when a judge is given, else word overlap.
   */
  supportScorer(judge?: Completion): SupportScorer {
    return async (question, answer, pageIds) => {
      const texts = await Promise.all(pageIds.map(async (id) => (await this.store.getPageText(id).catch(() => undefined))?.text ?? ''));
      if (judge) {
        const verdict = parseJudge(await judge(supportPrompt(question, answer, texts)));
        if (verdict !== null) return verdict ? 1 : 0;
      }
      return lexicalSupport(answer, texts);
    };
  }

  /** Ends every worker the session started or was given (models included) and closes the store. */
  close(): void {
    this.useVlm(null);
    for (const kind of Object.keys(this.embedderState.value) as EmbeddingKind[]) this.useEmbedder(kind, null);
    this.library.close();
    this.ingest.terminate();
    this.search.terminate();
    this.perception.terminate();
    if (this.options.deleteOnClose) indexedDB.deleteDatabase(this.store.name);
  }
}

export function createSession(options: SessionOptions = {}): Session {
  return new Session(options);
}
