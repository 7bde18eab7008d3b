/** The page side of workers/vlm.worker.ts. */
import * as Comlink from 'comlink';
import type { VlmWorkerApi } from '../../../workers/vlm.worker.ts';
import type { DownloadSnapshot } from '../progress.ts';
import type { VlmGenerateRequest, VlmGenerateResult, VlmInfo, VlmLoadRequest } from './types.ts';

export interface VlmClient {
  load(request: VlmLoadRequest, onProgress?: (p: DownloadSnapshot) => void): Promise<VlmInfo>;
  generate(request: VlmGenerateRequest, onText: (delta: string) => void): Promise<VlmGenerateResult>;
  interrupt(): Promise<void>;
  info(): Promise<VlmInfo | null>;
  dispose(): Promise<void>;
  terminate(): void;
}

export function startVlmWorker(onNotice: (message: string) => void = () => {}): VlmClient {
  const worker = new Worker(new URL('../../../workers/vlm.worker.ts', import.meta.url), { type: 'module' });
  const remote = Comlink.wrap<VlmWorkerApi>(worker);
  void remote.onNotice(Comlink.proxy(onNotice));
  return {
    load: (request, onProgress) => remote.load(request, onProgress ? Comlink.proxy(onProgress) : undefined),
    generate: async (request, onText) => {
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
    },
    interrupt: () => remote.interrupt(),
    info: () => remote.info(),
    dispose: () => remote.dispose(),
    terminate: () => {
      remote[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
