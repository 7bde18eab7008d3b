/** Perception worker: crops and resamples page images off the main thread. */
import * as Comlink from 'comlink';
import { CanvasPerception } from '../src/perception/canvas.ts';
import type { PixelBounds, Rect } from '../src/perception/geometry.ts';
import type { PreparedImage } from '../src/perception/types.ts';

const perception = new CanvasPerception();

/** Moves the model-input pixels instead of copying them. */
const transferred = (image: PreparedImage) => Comlink.transfer(image, [image.input.data.buffer]);

const api = {
  async preparePage(page: Blob, bounds: PixelBounds) {
    return transferred(await perception.preparePage(page, bounds));
  },
  async crop(parent: Pick<PreparedImage, 'source' | 'region'>, rect: Rect, bounds: PixelBounds) {
    return transferred(await perception.crop(parent, rect, bounds));
  },
};

export type PerceptionWorkerApi = typeof api;
Comlink.expose(api);
