/**
 * The page side of workers/vlm.worker.ts. If the WebGPU device is lost mid-answer, it restarts the
 * worker on WASM and retries, with a notice: after a failed run transformers.js cannot run again
 * in the same context, so a fresh worker is the only clean recovery.
 */
import * as Comlink from 'comlink';
import type { VlmWorkerApi } from '../../../workers/vlm.worker.ts';
import { describeError } from '../../errors.ts';
import type { DownloadSnapshot } from '../progress.ts';
import type { VlmGenerateRequest, VlmGenerateResult, VlmInfo, VlmLoadRequest } from './types.ts';

export interface VlmClient {
  load(request: VlmLoadRequest, onProgress?: (p: DownloadSnapshot) => void): Promise<VlmInfo>;
  generate(request: VlmGenerateRequest, onText: (delta: string) => void): Promise<VlmGenerateResult>;
  interrupt(): Promise<void>;
  info(): Promise<VlmInfo | null>;
  dispose(): Promise<void>;
  /** Destroys the worker's GPU device, as a driver crash would (resilience tests, diagnostics). */
  simulateDeviceLoss(): Promise<void>;
  terminate(): void;
}

const GPU_FAILURE = /device (was )?lost|gpubuffer|mapasync|webgpu/i;

/** Where the worker's code comes from: the app's own bundle, or (tests) a prebuilt one. */
export type WorkerFactory = () => Worker;

const appWorker: WorkerFactory = () => new Worker(new URL('../../../workers/vlm.worker.ts', import.meta.url), { type: 'module' });

export function startVlmWorker(onNotice: (message: string) => void = () => {}, createWorker: WorkerFactory = appWorker): VlmClient {
  let worker: Worker;
  let remote: Comlink.Remote<VlmWorkerApi>;
  let loaded: VlmLoadRequest | null = null;

  const spawn = () => {
    worker = createWorker();
    remote = Comlink.wrap<VlmWorkerApi>(worker);
    alive = true;
  };
  let alive = true;
  const terminate = () => {
    if (!alive) return;
    alive = false;
    remote[Comlink.releaseProxy]();
    worker.terminate();
  };
  spawn();

  async function generateOnce(request: VlmGenerateRequest, onText: (delta: string) => void): Promise<VlmGenerateResult> {
    // Streamed pieces travel on their own port and can arrive after the result: settle them here.
    let delivered = '';
    let settled = false;
    const result = await remote.generate(
      request,
      Comlink.proxy((delta: string) => {
        if (settled) return;
        delivered += delta;
        onText(delta);
      }),
    );
    settled = true;
    if (result.text.startsWith(delivered) && result.text.length > delivered.length) onText(result.text.slice(delivered.length));
    return result;
  }

  return {
    async load(request, onProgress) {
      const info = await remote.load(request, onProgress ? Comlink.proxy(onProgress) : undefined);
      loaded = request;
      return info;
    },
    async generate(request, onText) {
      try {
        return await generateOnce(request, onText);
      } catch (error) {
        if (loaded?.device !== 'webgpu' || !GPU_FAILURE.test(describeError(error))) throw error;
        onNotice(`The GPU stopped responding (${describeError(error).slice(0, 160)}). Switched to WASM: answers continue, more slowly.`);
        terminate();
        spawn();
        loaded = { ...loaded, device: 'wasm', files: loaded.fallback ?? loaded.files };
        await remote.load(loaded);
        return generateOnce(request, onText);
      }
    },
    interrupt: () => remote.interrupt(),
    info: () => remote.info(),
    dispose: () => remote.dispose(),
    simulateDeviceLoss: () => remote.simulateDeviceLoss(),
    terminate,
  };
}
