/** What workers/vlm.worker.ts exposes: the VLM runtime, off the main thread. */
import type { DownloadSnapshot } from '../progress.ts';
import { VlmRuntime } from './runtime.ts';
import type { VlmGenerateRequest, VlmLoadRequest } from './types.ts';

export function vlmWorkerApi() {
  const runtime = new VlmRuntime();
  return {
    load: (request: VlmLoadRequest, onProgress?: (p: DownloadSnapshot) => void) => runtime.load(request, onProgress),
    generate: (request: VlmGenerateRequest, onText: (delta: string) => void) => runtime.generate(request, onText),
    interrupt: () => runtime.interrupt(),
    info: () => runtime.current(),
    dispose: () => runtime.dispose(),
    simulateDeviceLoss: () => runtime.simulateDeviceLoss(),
  };
}

export type VlmWorkerApi = ReturnType<typeof vlmWorkerApi>;
