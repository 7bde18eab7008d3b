/**
 * The page side of workers/vlm.worker.ts: the VLM engine's proxy. The worker is restarted with the
 * last load request when it dies, and on WASM (with a notice) when the WebGPU device is lost
 * mid-answer: after a failed run transformers.js cannot run again in the same context, so a fresh
 * worker is the only clean recovery.
 */
import { AppError, describeError } from '../../errors.ts';
import { restartingEngine } from '../../rpc/restarting-engine.ts';
import type { EngineWorker, WorkerFactory } from '../../rpc/spawn.ts';
import type { VlmLoadRequest } from './types.ts';
import type { VlmEngine } from './worker-api.ts';

export type VlmClient = EngineWorker<VlmEngine>;

export type { WorkerFactory };

/** `Engine`: what the worker exposes, the VLM engine or (a test's worker) more. */
export function startVlmWorker<Engine extends VlmEngine = VlmEngine>(onNotice: (message: string) => void, createWorker: WorkerFactory): EngineWorker<Engine> {
  const engine = restartingEngine<Engine, VlmLoadRequest>(createWorker, {
    restartAfter(error, loaded) {
      if (loaded.device !== 'webgpu' || !(error instanceof AppError && error.code === 'gpu-lost')) return null;
      onNotice(`${describeError(error)} Switched to WASM: answers continue, more slowly.`);
      return { ...loaded, device: 'wasm', files: loaded.fallback ?? loaded.files };
    },
  });
  return new Proxy(engine, {
    get(target, key, receiver) {
      if (key !== 'generate') return Reflect.get(target, key, receiver);
      // Streamed pieces travel on their own port and can arrive after the result: settle them here.
      const generate: VlmEngine['generate'] = async (request, onText) => {
        let delivered = '';
        let settled = false;
        const result = await target.generate(request, (delta) => {
          if (settled) return;
          delivered += delta;
          onText(delta);
        });
        settled = true;
        if (result.text.startsWith(delivered) && result.text.length > delivered.length) onText(result.text.slice(delivered.length));
        return result;
      };
      return generate;
    },
  });
}
