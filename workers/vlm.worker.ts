/** VLM worker: runs the vision-language model off the main thread. */
import * as Comlink from 'comlink';
import type { DownloadSnapshot } from '../src/models/progress.ts';
import { VlmRuntime } from '../src/models/vlm/runtime.ts';
import type { VlmGenerateRequest, VlmLoadRequest } from '../src/models/vlm/types.ts';

const runtime = new VlmRuntime();

const api = {
  load: (request: VlmLoadRequest, onProgress?: (p: DownloadSnapshot) => void) => runtime.load(request, onProgress),
  generate: (request: VlmGenerateRequest, onText: (delta: string) => void) => runtime.generate(request, onText),
  interrupt: () => runtime.interrupt(),
  info: () => runtime.current(),
  dispose: () => runtime.dispose(),
  simulateDeviceLoss: () => runtime.simulateDeviceLoss(),
};

export type VlmWorkerApi = typeof api;
Comlink.expose(api);
