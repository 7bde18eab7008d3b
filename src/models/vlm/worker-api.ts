/** The VLM engine: what workers/vlm.worker.ts runs, and the interface its page-side proxy (client.ts) implements. */
import type { DownloadSnapshot } from '../progress.ts';
import { VlmRuntime } from './runtime.ts';
import type { VlmGenerateRequest, VlmGenerateResult, VlmInfo, VlmLoadRequest } from './types.ts';

export interface VlmEngine {
  load(request: VlmLoadRequest, onProgress?: (p: DownloadSnapshot) => void): Promise<VlmInfo>;
  /** Streams the reply's text to `onText` as it is generated. */
  generate(request: VlmGenerateRequest, onText: (delta: string) => void): Promise<VlmGenerateResult>;
  /** Stops the running generation after the current token. */
  interrupt(): Promise<void>;
  info(): Promise<VlmInfo | null>;
  dispose(): Promise<void>;
}

export function vlmEngine(): VlmEngine {
  const runtime = new VlmRuntime();
  return {
    load: (request, onProgress) => runtime.load(request, onProgress),
    generate: (request, onText) => runtime.generate(request, onText),
    interrupt: async () => runtime.interrupt(),
    info: async () => runtime.current(),
    dispose: () => runtime.dispose(),
  };
}
