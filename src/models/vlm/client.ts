/**
 * The page side of workers/vlm.worker.ts. If the WebGPU device is lost mid-answer, it restarts the
 * worker on WASM and retries, with a notice: after a failed run transformers.js cannot run again
 * in the same context, so a fresh worker is the only clean recovery.
 */
import { AppError, describeError } from '../../errors.ts';
import { APP_WORKERS } from '../../rpc/app-workers.ts';
import { Comlink, spawnWorker, type WorkerFactory, type WorkerHandle } from '../../rpc/spawn.ts';
import type { DownloadSnapshot } from '../progress.ts';
import type { VlmGenerateRequest, VlmGenerateResult, VlmInfo, VlmLoadRequest } from './types.ts';
import type { VlmWorkerApi } from './worker-api.ts';

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

export type { WorkerFactory };

export function startVlmWorker(onNotice: (message: string) => void = () => {}, createWorker: WorkerFactory = APP_WORKERS.vlm): VlmClient {
  let handle: WorkerHandle<VlmWorkerApi> = spawnWorker(createWorker);
  let remote = handle.api;
  let loaded: VlmLoadRequest | null = null;
  const terminate = () => handle.terminate();
  const spawn = () => {
    handle = spawnWorker(createWorker);
    remote = handle.api;
  };

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
        if (loaded?.device !== 'webgpu' || !(error instanceof AppError && error.code === 'gpu-lost')) throw error;
        onNotice(`${describeError(error)} Switched to WASM: answers continue, more slowly.`);
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
