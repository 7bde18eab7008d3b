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

const appWorker = () => new Worker(new URL('../../../workers/embed.worker.ts', import.meta.url), { type: 'module' });

/** `createWorker`: tests start a prebuilt (minified) bundle instead of the app's own. */
export function startEmbedWorker(createWorker: () => Worker = appWorker): EmbedderClient {
  const worker = createWorker();
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
