/** A smoothed 2D OffscreenCanvas for page images (ingest) and crops (perception), and images encoded on one (PNG, JPEG); browser/worker only. */
import { AppError } from '../errors.ts';
import type { RgbaImage, Size } from '../shapes.ts';

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

/** How `encodeImage` writes its canvas: PNG, or JPEG at `quality` (0..1); `background` fills the canvas before an image is drawn. */
export interface ImageEncoding {
  type: 'image/png' | 'image/jpeg';
  quality?: number;
  background?: string;
}

/**
 * An image drawn at its own size (over `background`, if any), or raw RGBA pixels put as they are,
 * encoded as one PNG or JPEG file.
 */
export function encodeImage(source: ImageBitmap | RgbaImage, { type, quality, background }: ImageEncoding): Promise<Blob> {
  const { width, height } = source;
  const { canvas, context } = canvas2d({ width, height });
  if ('data' in source) {
    // ImageData needs pixels it may own (not a shared buffer).
    context.putImageData(new ImageData(new Uint8ClampedArray(source.data), width, height), 0, 0);
  } else {
    if (background !== undefined) {
      context.fillStyle = background;
      context.fillRect(0, 0, width, height);
    }
    context.drawImage(source, 0, 0);
  }
  return canvas.convertToBlob(quality === undefined ? { type } : { type, quality });
}
