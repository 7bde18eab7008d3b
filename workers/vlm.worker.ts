/** VLM worker: runs the vision-language model off the main thread. */
import * as Comlink from 'comlink';
import type { DownloadSnapshot } from '../src/models/progress.ts';
import { VlmRuntime } from '../src/models/vlm/runtime.ts';
import type { VlmGenerateRequest, VlmLoadRequest } from '../src/models/vlm/types.ts';

let notices: ((message: string) => void) | null = null;
const runtime = new VlmRuntime((message) => notices?.(message));

const api = {
  /** Receives notices such as a WebGPU device loss and the switch to WASM. */
  onNotice(callback: (message: string) => void) {
    notices = callback;
  },
  load: (request: VlmLoadRequest, onProgress?: (p: DownloadSnapshot) => void) => runtime.load(request, onProgress),
  generate: (request: VlmGenerateRequest, onText: (delta: string) => void) => runtime.generate(request, onText),
  interrupt: () => runtime.interrupt(),
  info: () => runtime.current(),
  dispose: () => runtime.dispose(),
};

export type VlmWorkerApi = typeof api;
Comlink.expose(api);
