/**
 * Perception pixels in a worker: each page decoded once per episode (decode.ts; a large JPEG first at
 * a smaller scale for the model, then in full while the model reads it), every crop cut from its page
 * at the composed region with one high-quality OffscreenCanvas resample, and a crop's PNG encoded
 * after its model input has been handed over.
 */
import { canvas2d } from './canvas-2d.ts';
import { canDecodeScaled, closeRaster, decodeImage, type Raster } from './decode.ts';
import { composeRegion, modelInputSize, pageRegion, type PixelBounds, type Rect, type Size } from './geometry.ts';
import type { CropParent, Perception, PreparedImage, RgbaImage } from './types.ts';

/** Decoded pages kept for crops (an episode shows a few pages; each one is decoded once). */
const KEPT_PAGES = 4;

export class CanvasPerception implements Perception {
  private readonly pages = new Map<string, Promise<Raster>>();
  private next = 0;

  /** `scaledDecode: false` decodes every page at full size, as browsers without ImageDecoder do. */
  constructor(private readonly scaledDecode = canDecodeScaled()) {}

  async preparePage(page: Blob, bounds: PixelBounds): Promise<PreparedImage> {
    const raster = await decodeImage(page, (size) => modelInputSize(size, bounds), this.scaledDecode);
    const { sourceSize } = raster;
    const region = pageRegion(sourceSize);
    const input = pixels(raster, region, modelInputSize(sourceSize, bounds));
    // The model's copy may come from a smaller DCT scale; crops need the full page, which is decoded
    // while the model reads this one.
    let full: Promise<Raster> = Promise.resolve(raster);
    if (raster.size.width !== sourceSize.width) {
      closeRaster(raster);
      full = decodeImage(page);
    }
    return { source: Promise.resolve(page), page, sourceSize, input, region, pageKey: this.keep(full) };
  }

  async crop(parent: CropParent, rect: Rect, bounds: PixelBounds): Promise<PreparedImage> {
    const region = composeRegion(parent.region, rect);
    let pageKey = parent.pageKey;
    let kept = pageKey ? this.pages.get(pageKey) : undefined;
    if (!kept) {
      kept = decodeImage(parent.page);
      pageKey = this.keep(kept);
    }
    const raster = await kept;
    const sourceSize = { width: rect.width, height: rect.height };
    const input = pixels(raster, region, modelInputSize(sourceSize, bounds));
    const source = afterReply(() => encodePng(raster, region, sourceSize));
    return { source, page: parent.page, sourceSize, input, region, pageKey: pageKey! };
  }

  private keep(raster: Promise<Raster>): string {
    raster.catch(() => {}); // a failed decode is reported to the crop that needs it
    const key = `page-${++this.next}`;
    this.pages.set(key, raster);
    for (const [old, kept] of this.pages) {
      if (this.pages.size <= KEPT_PAGES) break;
      this.pages.delete(old);
      // Once decoded, and after any crop PNG already queued from that page.
      kept.then((raster) => afterReply(async () => closeRaster(raster))).catch(() => {});
    }
    return key;
  }
}

/** Runs `work` once the current reply has gone out (a macrotask later), so the caller does not wait for it. */
function afterReply<T>(work: () => Promise<T>): Promise<T> {
  return new Promise<void>((resolve) => setTimeout(resolve, 0)).then(work);
}

function draw(raster: Raster, region: Rect, out: Size): OffscreenCanvasRenderingContext2D {
  const { context } = canvas2d(out);
  // The raster may be a DCT-scaled decode: page pixels scale to its pixels.
  const s = raster.size.width / raster.sourceSize.width;
  context.drawImage(raster.image, region.x * s, region.y * s, region.width * s, region.height * s, 0, 0, out.width, out.height);
  return context;
}

function pixels(raster: Raster, region: Rect, out: Size): RgbaImage {
  const data = draw(raster, region, out).getImageData(0, 0, out.width, out.height).data;
  return { width: out.width, height: out.height, data };
}

function encodePng(raster: Raster, region: Rect, size: Size): Promise<Blob> {
  return (draw(raster, region, size).canvas as OffscreenCanvas).convertToBlob({ type: 'image/png' });
}
