/** What workers/perception.worker.ts exposes: crops and resampling; the model-input pixels are moved, not copied. */
import * as Comlink from 'comlink';
import { CanvasPerception } from './canvas.ts';
import type { PixelBounds, Rect } from './geometry.ts';
import type { CropParent, PreparedImage } from './types.ts';

export function perceptionWorkerApi() {
  const perception = new CanvasPerception();
  const transferred = (image: PreparedImage) => Comlink.transfer(image, [image.input.data.buffer]);
  return {
    preparePage: async (page: Blob, bounds: PixelBounds) => transferred(await perception.preparePage(page, bounds)),
    crop: async (parent: CropParent, rect: Rect, bounds: PixelBounds) => transferred(await perception.crop(parent, rect, bounds)),
  };
}

export type PerceptionWorkerApi = ReturnType<typeof perceptionWorkerApi>;
