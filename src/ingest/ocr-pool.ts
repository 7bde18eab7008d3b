/**
 * OCR for the ingest worker: pages go to a few OCR workers (workers/ocr.worker.ts), each with its
 * own ONNX Runtime, so pages are read side by side (see ocr-plan.ts). Workers start with the first
 * page that needs OCR and are kept for the next document. The ingest worker is handed the OCR
 * bundle's address by the page (src/session/workers.ts); nothing here names a worker file.
 */
import { AppError, throwIfAborted } from '../errors.ts';
import { Comlink, spawnWorker, type WorkerFactory, type WorkerHandle } from '../rpc/spawn.ts';
import type { OcrBackend, OcrEngine, OcrPage } from './ocr.ts';
import { ocrPlan, type OcrPlan } from './ocr-plan.ts';
import type { OcrWorkerApi } from './ocr-worker-api.ts';
import type { TextLine } from './types.ts';

type Slot = WorkerHandle<OcrWorkerApi>;

export class OcrPool implements OcrEngine {
  private readonly slots: Slot[] = [];
  private readonly idle: Slot[] = [];
  private readonly queue: { resolve: (slot: Slot) => void; reject: (error: AppError) => void }[] = [];
  /**
   * The worker that has not finished its first page yet. The next one starts only after it: two
   * workers starting together both run ONNX Runtime's slow first pages (WebAssembly not yet
   * optimised) on the same cores, and the first page of a slide deck took 13.5 s instead of 11.5 s.
   */
  private starting: Slot | null = null;
  private nextJob = 0;
  private closed = false;

  constructor(
    private readonly backend: OcrBackend,
    readonly plan: OcrPlan,
    private readonly create: WorkerFactory,
  ) {}

  /** Reads one page on the next free worker; pages wait their turn in the order they came. */
  async recognise(page: OcrPage, signal?: AbortSignal): Promise<TextLine[]> {
    throwIfAborted(signal);
    // A copy, taken now: the caller encodes and then releases the page while it waits for a worker.
    const bitmap = await createImageBitmap(page);
    let sent = false;
    const slot = await this.acquire();
    const job = this.nextJob++;
    const cancel = () => void slot.api.cancel(job);
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      throwIfAborted(signal);
      sent = true;
      return await slot.api.recognise(job, Comlink.transfer(bitmap, [bitmap]), this.backend, this.plan.threads);
    } finally {
      if (!sent) bitmap.close();
      signal?.removeEventListener('abort', cancel);
      this.release(slot);
    }
  }

  /** Workers started so far (for tests and benchmarks). */
  get workersStarted(): number {
    return this.slots.length;
  }

  private acquire(): Promise<Slot> {
    if (this.closed) return Promise.reject(closedError());
    const slot = this.idle.pop();
    if (slot) return Promise.resolve(slot);
    if (this.canStart()) return Promise.resolve(this.start());
    return new Promise((resolve, reject) => this.queue.push({ resolve, reject }));
  }

  private canStart(): boolean {
    return this.slots.length < this.plan.workers && !this.starting;
  }

  private start(): Slot {
    this.starting = spawnWorker<OcrWorkerApi>(this.create);
    this.slots.push(this.starting);
    return this.starting;
  }

  /** Ends every worker for good, once no page is being read; pages still waiting fail. */
  close(): void {
    this.closed = true;
    for (const slot of this.slots) slot.terminate();
    for (const waiting of this.queue.splice(0)) waiting.reject(closedError());
    this.idle.length = 0;
  }

  private release(slot: Slot): void {
    if (this.closed) return;
    if (slot === this.starting) this.starting = null;
    const waiting = this.queue.shift();
    if (waiting) waiting.resolve(slot);
    else this.idle.push(slot);
    // A worker has read its first page: a page still waiting starts the next worker.
    if (this.queue.length && this.canStart()) this.queue.shift()!.resolve(this.start());
  }
}

const closedError = () => new AppError('ocr-failed', 'The OCR workers were closed; add the document again.');

/** Starts an OCR worker from the bundle at `url`. */
export const ocrWorkerAt =
  (url: string): WorkerFactory =>
  () =>
    new Worker(url, { type: 'module', name: 'ocr' });

/** One ingest worker's OCR pools: one per backend and number of workers, each sized for this machine unless a number is asked for. */
export class OcrPools {
  private readonly pools = new Map<string, OcrPool>();

  constructor(private readonly create: WorkerFactory) {}

  pool(backend: OcrBackend, workers: 'auto' | number = 'auto'): OcrPool {
    const key = `${backend}/${workers}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new OcrPool(backend, ocrPlan(navigator.hardwareConcurrency ?? 1, globalThis.crossOriginIsolated === true, backend, workers), this.create);
      this.pools.set(key, pool);
    }
    return pool;
  }

  close(): void {
    for (const pool of this.pools.values()) pool.close();
    this.pools.clear();
  }
}
