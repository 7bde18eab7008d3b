/** The embedder engine: what workers/embed.worker.ts runs, and the interface its page-side proxy (client.ts) implements. Embeddings are moved, not copied. */
import * as Comlink from 'comlink';
import type { RgbaImage } from '../../shapes.ts';
import type { DownloadSnapshot } from '../progress.ts';
import { EmbedderRuntime } from './runtime.ts';
import type { EmbedderInfo, EmbedderLoadRequest, EmbeddingBatch, TextRole } from './types.ts';

export interface EmbedEngine {
  load(request: EmbedderLoadRequest, onProgress?: (p: DownloadSnapshot) => void): Promise<EmbedderInfo>;
  embedTexts(texts: string[], role: TextRole): Promise<EmbeddingBatch>;
  embedImages(images: (Blob | RgbaImage)[]): Promise<EmbeddingBatch>;
  info(): Promise<EmbedderInfo | null>;
  dispose(): Promise<void>;
}

export function embedEngine(): EmbedEngine {
  const runtime = new EmbedderRuntime();
  const transferred = (batch: EmbeddingBatch) => Comlink.transfer(batch, [batch.data.buffer]);
  return {
    load: (request, onProgress) => runtime.load(request, onProgress),
    embedTexts: async (texts, role) => transferred(await runtime.embedTexts(texts, role)),
    embedImages: async (images) => transferred(await runtime.embedImages(images)),
    info: async () => runtime.current(),
    dispose: () => runtime.dispose(),
  };
}
