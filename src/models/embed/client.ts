/** The page side of workers/embed.worker.ts (one worker per loaded embedder). */
import * as Comlink from 'comlink';
import type { EmbedWorkerApi } from '../../../workers/embed.worker.ts';
import type { RgbaImage } from '../../perception/types.ts';
import type { DownloadSnapshot } from '../progress.ts';
import type { EmbedderInfo, EmbedderLoadRequest, EmbeddingBatch, TextRole } from './types.ts';

export interface EmbedderClient {
  load(request: EmbedderLoadRequest, onProgress?: (p: DownloadSnapshot) => void): Promise<EmbedderInfo>;
  embedTexts(texts: string[], role: TextRole): Promise<EmbeddingBatch>;
  embedImages(images: (Blob | RgbaImage)[]): Promise<EmbeddingBatch>;
  info(): Promise<EmbedderInfo | null>;
  dispose(): Promise<void>;
  terminate(): void;
}

export function startEmbedWorker(): EmbedderClient {
  const worker = new Worker(new URL('../../../workers/embed.worker.ts', import.meta.url), { type: 'module' });
  const remote = Comlink.wrap<EmbedWorkerApi>(worker);
  return {
    load: (request, onProgress) => remote.load(request, onProgress ? Comlink.proxy(onProgress) : undefined),
    embedTexts: (texts, role) => remote.embedTexts(texts, role),
    embedImages: (images) => remote.embedImages(images),
    info: () => remote.info(),
    dispose: () => remote.dispose(),
    terminate: () => {
      remote[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
