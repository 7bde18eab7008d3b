/**
 * The one place the app's parts are put together: the document store and library, the workers,
 * the loaded models and their lifecycles, and answering (`ask`). The app, the headless page behind
 * `ask`/`eval` and the in-browser benchmarks all open a session, so they cannot drift apart. What
 * the UI shows of it (the loaded VLM, the embedders) is observable state: subscribe instead of
 * polling getters.
 */
import { signal, type ReadonlySignal } from '@preact/signals-core';
import { AppError } from '../errors.ts';
import { startIngestWorker } from '../ingest/client.ts';
import type { IngestOptions } from '../ingest/types.ts';
import { Library, type EmbeddingKind } from '../library/library.ts';
import { loadEmbedder, type EmbedderLoadOptions, type EmbedderSource, type LoadedEmbedder } from '../models/embed/load.ts';
import { loadVlm, type LoadedVlm, type LoadOptions, type VlmSource } from '../models/vlm/load.ts';
import { startPerceptionWorker } from '../perception/client.ts';
import { listRemoteModels } from '../policies/remote/models-list.ts';
import { EndpointRelay, type EndpointFetch } from '../policies/remote/relay-client.ts';
import { localAnswerer, remoteAnswerer, type Answerer } from '../policies/answerer.ts';
import type { SearchOptions } from '../retrieval/hybrid.ts';
import { lexicalSupport, type SupportScorer } from '../reward/best-of-n.ts';
import { parseJudge, supportPrompt } from '../reward/judge.ts';
import { startSearchWorker } from '../retrieval/search-client.ts';
import type { Retriever } from '../retrieval/types.ts';
import { DocumentStore } from '../store/index.ts';
import { askWith, type Answer, type AskParts, type AskRun } from './ask.ts';
import { answererInStyle, DEFAULT_ANSWER_OPTIONS, generationFor, modelKey, promptStyleFor, type AnswerOptions } from './options.ts';
import { OCR_WORKER_URL, workerFactory, type WorkerFactories } from './workers.ts';

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

/** What `session.ask` takes: the run (scope, budget, cancel, trace) and how to search and answer. */
export interface AskOptions extends AskRun, Partial<Omit<AnswerOptions, 'agent'>> {
  /** Answer with this model instead of the loaded VLM or the endpoint (the eval oracle, a test's scripted policy); called for each episode. */
  answerer?: () => Answerer | Promise<Answerer>;
  /** A judge for best-of-N's support score (word overlap without one). */
  judge?: Completion;
}

/** A model on its way: what the page says while it loads, and what a question asked meanwhile waits for. */
export interface VlmLoading {
  name: string;
  /** 0..1 once the download size is known. */
  fraction: number | null;
  /** The loaded model, or null when loading failed. */
  done: Promise<LoadedVlm | null>;
}

export class Session {
  readonly store: DocumentStore;
  readonly library: Library;
  readonly perception: ReturnType<typeof startPerceptionWorker>;
  private readonly ingest: ReturnType<typeof startIngestWorker>;
  private readonly search: ReturnType<typeof startSearchWorker>;
  /** The remote endpoint's connection, started with its first request. */
  private readonly relay: EndpointRelay;
  private readonly vlmState = signal<LoadedVlm | null>(null);
  private readonly vlmLoadingState = signal<VlmLoading | null>(null);
  private readonly embedderState = signal<Embedders>({});
  /** How many questions run on each loaded VLM now (a replaced model's worker ends when its last question does). */
  private readonly questionsOn = new Map<LoadedVlm, number>();
  private closed = false;

  constructor(private readonly options: SessionOptions = {}) {
    this.store = new DocumentStore(options.libraryName);
    this.ingest = startIngestWorker(workerFactory('ingest', options.workers), OCR_WORKER_URL);
    this.search = startSearchWorker(workerFactory('search', options.workers));
    this.perception = startPerceptionWorker(workerFactory('perception', options.workers));
    this.relay = new EndpointRelay(workerFactory('remote', options.workers));
    this.library = new Library({ store: this.store, ingest: this.ingest, search: this.search, ...(options.ingestOptions ? { ingestOptions: options.ingestOptions } : {}) });
  }

  /** Reaches the remote endpoint through the session's relay worker (ended by `close`). */
  readonly endpointFetch: EndpointFetch = (url, init) => this.relay.fetch(url, init);

  /** The models an OpenAI-compatible server serves (GET /models), through the session's relay. */
  listEndpointModels(server: { endpoint: string; apiKey?: string }, signal?: AbortSignal): Promise<string[]> {
    return listRemoteModels(server, this.endpointFetch, signal);
  }

  /** The loaded vision-language model, or null. */
  get vlm(): ReadonlySignal<LoadedVlm | null> {
    return this.vlmState;
  }

  get embedders(): ReadonlySignal<Embedders> {
    return this.embedderState;
  }

  /** Loads a VLM into its worker and makes it the session's (the previous one's worker is ended). */
  async loadVlm(source: VlmSource, options: Omit<LoadOptions, 'createWorker'>): Promise<LoadedVlm> {
    const name = source.kind === 'registry' ? source.entry.label : source.kind === 'hub' ? source.hubId : source.modelId;
    let settle: (loaded: LoadedVlm | null) => void = () => {};
    const done = new Promise<LoadedVlm | null>((resolve) => (settle = resolve));
    const loading: VlmLoading = { name, fraction: null, done };
    this.vlmLoadingState.value = loading;
    const onProgress: LoadOptions['onProgress'] = (p) => {
      options.onProgress?.(p);
      if (this.vlmLoadingState.value?.done === done) this.vlmLoadingState.value = { ...loading, fraction: p.fraction };
    };
    try {
      const loaded = await loadVlm(source, { ...options, onProgress, createWorker: workerFactory('vlm', this.options.workers) });
      this.useVlm(loaded);
      settle(loaded);
      return loaded;
    } catch (error) {
      settle(null);
      throw error;
    } finally {
      if (this.vlmLoadingState.value?.done === done) this.vlmLoadingState.value = null;
    }
  }

  /**
   * Says a model is on its way before its load starts (the app reloading the saved model checks the
   * device first): the page says "Loading …" and a question waits for `done`.
   */
  expectVlm(name: string, done: Promise<LoadedVlm | null>): void {
    const expected: VlmLoading = { name, fraction: null, done };
    this.vlmLoadingState.value = expected;
    const clear = () => {
      if (this.vlmLoadingState.value === expected) this.vlmLoadingState.value = null;
    };
    done.then(clear, clear);
  }

  /** The model being loaded now (its name, how far, and when it is done), or null. */
  get vlmLoading(): ReadonlySignal<VlmLoading | null> {
    return this.vlmLoadingState;
  }

  /** Loads an embedder and makes it a search signal of its kind (the previous one of that kind is ended). */
  async loadEmbedder(source: EmbedderSource, options: Omit<EmbedderLoadOptions, 'createWorker'>): Promise<LoadedEmbedder> {
    const loaded = await loadEmbedder(source, { ...options, createWorker: workerFactory('embed', this.options.workers) });
    this.useEmbedder(source.kind === 'registry' ? source.entry.family.modality : source.modality, loaded);
    return loaded;
  }

  /** Makes a loaded embedder a search signal (the previous one of its kind is ended); `loadEmbedder` calls it. */
  private useEmbedder(kind: EmbeddingKind, loaded: LoadedEmbedder | null): void {
    if (this.closed && loaded) {
      loaded.client.terminate();
      return;
    }
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

  /** The model that answers, in the prompt format chosen for it: the endpoint's when one is given, else the loaded VLM's. */
  answerer(options: Pick<AnswerOptions, 'generation'> & { endpoint?: AnswerOptions['endpoint'] | undefined; promptStyles?: AnswerOptions['promptStyles'] | undefined }): Answerer {
    const { endpoint, generation, promptStyles } = options;
    if (endpoint) {
      const style = promptStyleFor(promptStyles, modelKey({ endpoint }));
      return answererInStyle(remoteAnswerer(endpoint, generationFor(generation, style), this.endpointFetch), style);
    }
    const loaded = this.vlmState.value;
    if (!loaded) throw new AppError('model-missing', 'No model is loaded yet. Open “Models and settings” to download one, or load one from a folder.');
    const style = promptStyleFor(promptStyles, modelKey(loaded));
    return answererInStyle(localAnswerer(loaded, generationFor(generation, style)), style);
  }

  /**
   * Answers a question: one greedy episode, or best-of-N with its support score, searching the
   * library with the options' weights and document scope and answering with the loaded VLM, the
   * endpoint or the answerer given.
   */
  async ask(question: string, options: AskOptions = {}): Promise<Answer> {
    const parts = this.askParts(options);
    // A model loaded while the question runs answers the next one; this one finishes on the model it started with.
    const held: LoadedVlm[] = [];
    const answerer = async () => {
      const chosen = await parts.answerer();
      if (chosen.model) held.push(this.hold(chosen.model));
      return chosen;
    };
    try {
      return await askWith({ ...parts, answerer }, question, options);
    } finally {
      held.forEach((model) => this.release(model));
    }
  }

  /** What `ask` answers with, from these options. */
  askParts(options: Omit<AskOptions, keyof AskRun> = {}): AskParts {
    const { weights, generation, endpoint, promptStyles, answerer, judge } = options;
    return {
      retriever: (docIds) => this.retriever({ ...(weights ? { weights } : {}), ...(docIds ? { docIds } : {}) }),
      perception: this.perception,
      answerer: answerer ?? (() => this.answerer({ generation: generation ?? DEFAULT_ANSWER_OPTIONS.generation, endpoint, promptStyles })),
      support: this.supportScorer(judge),
    };
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
    for (const model of this.questionsOn.keys()) model.client.terminate();
    for (const kind of Object.keys(this.embedderState.value) as EmbeddingKind[]) this.useEmbedder(kind, null);
    this.closed = true;
    this.library.close();
    this.ingest.terminate();
    this.search.terminate();
    this.perception.terminate();
    this.relay.close();
    if (this.options.deleteOnClose) indexedDB.deleteDatabase(this.store.name);
  }

  /**
   * Makes a loaded VLM the session's. The previous one's worker is ended, or, while a question
   * still runs on it, when that question ends. A model that arrives after close is ended at once.
   */
  private useVlm(loaded: LoadedVlm | null): void {
    if (this.closed && loaded) {
      loaded.client.terminate();
      return;
    }
    const previous = this.vlmState.value;
    this.vlmState.value = loaded;
    if (previous && previous !== loaded && !this.questionsOn.has(previous)) previous.client.terminate();
  }

  private hold(model: LoadedVlm): LoadedVlm {
    this.questionsOn.set(model, (this.questionsOn.get(model) ?? 0) + 1);
    return model;
  }

  private release(model: LoadedVlm): void {
    const left = (this.questionsOn.get(model) ?? 1) - 1;
    if (left > 0) {
      this.questionsOn.set(model, left);
      return;
    }
    this.questionsOn.delete(model);
    if (model !== this.vlmState.value) model.client.terminate();
  }
}

export function createSession(options: SessionOptions = {}): Session {
  return new Session(options);
}
