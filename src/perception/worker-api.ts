/**
 * What workers/perception.worker.ts exposes: pages and crops, their model-input pixels moved, not
 * copied. A crop's PNG is fetched with a second call, so the crop's reply does not wait for it.
 */
import * as Comlink from 'comlink';
import { AppError } from '../errors.ts';
import { CanvasPerception } from './canvas.ts';
import type { PixelBounds, Rect } from './geometry.ts';
import type { CropParent, PreparedImage } from './types.ts';

/** A prepared image as it crosses to the page: the page side already holds the page Blob. */
export type MovedImage = Omit<PreparedImage, 'source' | 'page'>;

export function perceptionWorkerApi() {
  const perception = new CanvasPerception();
  const sources = new Map<number, Promise<Blob>>();
  let next = 0;
  const moved = ({ source: _, page: __, ...image }: PreparedImage): MovedImage => Comlink.transfer(image, [image.input.data.buffer]);
  return {
    preparePage: async (page: Blob, bounds: PixelBounds) => moved(await perception.preparePage(page, bounds)),
    crop: async (parent: CropParent, rect: Rect, bounds: PixelBounds) => {
      const image = await perception.crop(parent, rect, bounds);
      const sourceKey = ++next;
      image.source.catch(() => {}); // reported to whoever asks for it
      sources.set(sourceKey, image.source);
      return Object.assign(moved(image), { sourceKey });
    },
    /** The crop's PNG; asked for once, then forgotten here. */
    cropSource: (sourceKey: number): Promise<Blob> => {
      const source = sources.get(sourceKey);
      sources.delete(sourceKey);
      return source ?? Promise.reject(new AppError('perception-failed', 'That crop image is no longer held by the perception worker.'));
    },
  };
}

export type PerceptionWorkerApi = ReturnType<typeof perceptionWorkerApi>;
