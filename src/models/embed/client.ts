/** The page side of workers/embed.worker.ts (one worker per loaded embedder). */
import type { RgbaImage } from '../../perception/types.ts';
import { APP_WORKERS } from '../../rpc/app-workers.ts';
import { Comlink, spawnWorker, type WorkerFactory } from '../../rpc/spawn.ts';
import type { DownloadSnapshot } from '../progress.ts';
import type { EmbedderInfo, EmbedderLoadRequest, EmbeddingBatch, TextRole } from './types.ts';
import type { EmbedWorkerApi } from './worker-api.ts';

export interface EmbedderClient {
  load(request: EmbedderLoadRequest, onProgress?: (p: DownloadSnapshot) => void): Promise<EmbedderInfo>;
  embedTexts(texts: string[], role: TextRole): Promise<EmbeddingBatch>;
  embedImages(images: (Blob | RgbaImage)[]): Promise<EmbeddingBatch>;
  info(): Promise<EmbedderInfo | null>;
  dispose(): Promise<void>;
  terminate(): void;
}

export function startEmbedWorker(createWorker: WorkerFactory = APP_WORKERS.embed): EmbedderClient {
  const { api, terminate } = spawnWorker<EmbedWorkerApi>(createWorker);
  return {
    load: (request, onProgress) => api.load(request, onProgress ? Comlink.proxy(onProgress) : undefined),
    embedTexts: (texts, role) => api.embedTexts(texts, role),
    embedImages: (images) => api.embedImages(images),
    info: () => api.info(),
    dispose: () => api.dispose(),
    terminate,
  };
}
