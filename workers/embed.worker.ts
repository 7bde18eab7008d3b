/** Embedder worker: embeds page text, page images and queries off the main thread. */
import * as Comlink from 'comlink';
import { EmbedderRuntime } from '../src/models/embed/runtime.ts';
import type { EmbedderLoadRequest, EmbeddingBatch, TextRole } from '../src/models/embed/types.ts';
import type { DownloadSnapshot } from '../src/models/progress.ts';
import type { RgbaImage } from '../src/perception/types.ts';

const runtime = new EmbedderRuntime();
const transferred = (batch: EmbeddingBatch) => Comlink.transfer(batch, [batch.data.buffer]);

const api = {
  load: (request: EmbedderLoadRequest, onProgress?: (p: DownloadSnapshot) => void) => runtime.load(request, onProgress),
  embedTexts: async (texts: string[], role: TextRole) => transferred(await runtime.embedTexts(texts, role)),
  embedImages: async (images: (Blob | RgbaImage)[]) => transferred(await runtime.embedImages(images)),
  info: () => runtime.current(),
  dispose: () => runtime.dispose(),
};

export type EmbedWorkerApi = typeof api;
Comlink.expose(api);
