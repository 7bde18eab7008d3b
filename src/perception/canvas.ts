/**
 * Perception pixels with createImageBitmap + OffscreenCanvas: decode, crop, resample (high quality).
 * Runs in a worker (workers/perception.worker.ts) or any context that has OffscreenCanvas.
 */
import { AppError } from '../errors.ts';
import { composeRegion, modelInputSize, pageRegion, type PixelBounds, type Rect, type Size } from './geometry.ts';
import type { CropParent, Perception, PreparedImage, RgbaImage } from './types.ts';

/** Decoded pages kept for crops (an episode shows a few pages; each one is decoded once). */
const KEPT_PAGES = 4;

export class CanvasPerception implements Perception {
  private readonly pages = new Map<string, ImageBitmap>();
  private next = 0;

  async preparePage(page: Blob, bounds: PixelBounds): Promise<PreparedImage> {
    const bitmap = await decode(page);
    const sourceSize = { width: bitmap.width, height: bitmap.height };
    const input = await pixels(bitmap, { x: 0, y: 0, ...sourceSize }, modelInputSize(sourceSize, bounds));
    const pageKey = this.keep(bitmap);
    return { source: page, sourceSize, input, region: pageRegion(sourceSize), pageKey };
  }

  async crop(parent: CropParent, rect: Rect, bounds: PixelBounds): Promise<PreparedImage> {
    const region = composeRegion(parent.region, rect);
    const page = parent.pageKey ? this.pages.get(parent.pageKey) : undefined;
    // Crops are kept at native resolution (scale 1), so the composed region is in page pixels:
    // cut it from the decoded page instead of decoding the parent crop again.
    const fromPage = page && region.scale === 1;
    const bitmap = fromPage ? page : await decode(parent.source);
    const cut = fromPage ? { x: region.x, y: region.y, width: region.width, height: region.height } : rect;
    try {
      const sourceSize = { width: rect.width, height: rect.height };
      const [source, input] = await Promise.all([encodePng(bitmap, cut), pixels(bitmap, cut, modelInputSize(sourceSize, bounds))]);
      return { source, sourceSize, input, region, ...(fromPage ? { pageKey: parent.pageKey! } : {}) };
    } finally {
      if (!fromPage) bitmap.close();
    }
  }

  private keep(bitmap: ImageBitmap): string {
    const key = `page-${++this.next}`;
    this.pages.set(key, bitmap);
    for (const [old, kept] of this.pages) {
      if (this.pages.size <= KEPT_PAGES) break;
      kept.close();
      this.pages.delete(old);
    }
    return key;
  }
}

async function decode(blob: Blob): Promise<ImageBitmap> {
  if (blob.size === 0) throw new AppError('invalid-image', 'The image is empty (0 bytes).');
  try {
    return await createImageBitmap(blob);
  } catch (cause) {
    throw new AppError('invalid-image', `The image (${blob.type || 'unknown type'}) could not be decoded; it may be corrupt.`, {
      cause,
    });
  }
}

function draw(bitmap: ImageBitmap, rect: Rect, out: Size): OffscreenCanvasRenderingContext2D {
  const canvas = new OffscreenCanvas(out.width, out.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new AppError('perception-failed', 'This browser could not create a 2D canvas for cropping images.');
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, rect.x, rect.y, rect.width, rect.height, 0, 0, out.width, out.height);
  return ctx;
}

async function pixels(bitmap: ImageBitmap, rect: Rect, out: Size): Promise<RgbaImage> {
  const data = draw(bitmap, rect, out).getImageData(0, 0, out.width, out.height).data;
  return { width: out.width, height: out.height, data };
}

function encodePng(bitmap: ImageBitmap, rect: Rect): Promise<Blob> {
  const ctx = draw(bitmap, rect, { width: rect.width, height: rect.height });
  return (ctx.canvas as OffscreenCanvas).convertToBlob({ type: 'image/png' });
}
