/** What workers/embed.worker.ts exposes: an embedder runtime; embeddings are moved, not copied. */
import * as Comlink from 'comlink';
import type { RgbaImage } from '../../perception/types.ts';
import type { DownloadSnapshot } from '../progress.ts';
import { EmbedderRuntime } from './runtime.ts';
import type { EmbedderLoadRequest, EmbeddingBatch, TextRole } from './types.ts';

export function embedWorkerApi() {
  const runtime = new EmbedderRuntime();
  const transferred = (batch: EmbeddingBatch) => Comlink.transfer(batch, [batch.data.buffer]);
  return {
    load: (request: EmbedderLoadRequest, onProgress?: (p: DownloadSnapshot) => void) => runtime.load(request, onProgress),
    embedTexts: async (texts: string[], role: TextRole) => transferred(await runtime.embedTexts(texts, role)),
    embedImages: async (images: (Blob | RgbaImage)[]) => transferred(await runtime.embedImages(images)),
    info: () => runtime.current(),
    dispose: () => runtime.dispose(),
  };
}

export type EmbedWorkerApi = ReturnType<typeof embedWorkerApi>;
