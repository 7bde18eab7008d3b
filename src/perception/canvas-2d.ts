/** A smoothed 2D OffscreenCanvas for page images (ingest) and crops (perception), browser/worker only. */
import { AppError } from '../errors.ts';
import type { Size } from '../shapes.ts';

export interface Canvas2d {
  canvas: OffscreenCanvas;
  context: OffscreenCanvasRenderingContext2D;
  /** Draws the whole of `source` over the whole canvas, smoothed; returns the context. */
  drawScaled(source: CanvasImageSource): OffscreenCanvasRenderingContext2D;
}

export function canvas2d(size: Size): Canvas2d {
  const canvas = new OffscreenCanvas(size.width, size.height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new AppError('perception-failed', 'This browser could not create a 2D canvas for page images.');
  context.imageSmoothingEnabled = true;
  context.imageSmoothingQuality = 'high';
  return {
    canvas,
    context,
    drawScaled(source) {
      context.drawImage(source, 0, 0, size.width, size.height);
      return context;
    },
  };
}
