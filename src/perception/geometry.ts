/**
 * Coordinate maths of the VRAG-RL perception step (coarse to fine), pure and DOM-free.
 * Rects are in pixels of some image; `Region` records where an image sits on its original page.
 */

import type { BBox, BBoxConvention, PixelBounds, Rect, Size } from '../shapes.ts';

export type { BBox, BBoxConvention, PixelBounds, Rect, Size };

/** VRAG-RL's bounds, 256 to 512 visual tokens, on Qwen2/2.5-VL's 28-pixel grid. */
export const VRAG_PIXEL_BOUNDS: PixelBounds = { minPixels: 256 * 28 * 28, maxPixels: 512 * 28 * 28, factor: 28 };

/** Source pixels added on every side of a box before cropping, as the reference does. */
export const CROP_PADDING = 56;

/** The size the model sees an image at: transformers.js' and Qwen's `smart_resize`, exactly. */
export function modelInputSize(size: Size, bounds: PixelBounds = VRAG_PIXEL_BOUNDS): Size {
  const { factor, minPixels, maxPixels } = bounds;
  let { width, height } = size;
  if (height < factor || width < factor) {
    const scale = Math.max(factor / height, factor / width);
    height = Math.round(height * scale);
    width = Math.round(width * scale);
  }
  let h = Math.round(height / factor) * factor;
  let w = Math.round(width / factor) * factor;
  if (h * w > maxPixels) {
    const beta = Math.sqrt((height * width) / maxPixels);
    h = Math.max(factor, Math.floor(height / beta / factor) * factor);
    w = Math.max(factor, Math.floor(width / beta / factor) * factor);
  } else if (h * w < minPixels) {
    const beta = Math.sqrt(minPixels / (height * width));
    h = Math.ceil((height * beta) / factor) * factor;
    w = Math.ceil((width * beta) / factor) * factor;
  }
  return { width: Math.max(1, w), height: Math.max(1, h) };
}

/** Maps a box from the model's coordinates to pixels of the source image it was shown (unclamped). */
export function bboxToSource(bbox: BBox, convention: BBoxConvention, source: Size, input: Size): BBox {
  const [x1, y1, x2, y2] = bbox;
  const [sx, sy] =
    convention === 'absolute'
      ? [source.width / input.width, source.height / input.height]
      : convention === 'relative-1000'
        ? [source.width / 1000, source.height / 1000]
        : [source.width, source.height];
  return [x1 * sx, y1 * sy, x2 * sx, y2 * sy];
}

/**
 * The integer crop rectangle for a source-pixel box: padded by `padding` on every side and clamped
 * to the image. Returns null when nothing of the box lies on the image.
 */
export function paddedCropRect(box: BBox, source: Size, padding = CROP_PADDING): Rect | null {
  const x1 = Math.max(0, Math.floor(box[0] - padding));
  const y1 = Math.max(0, Math.floor(box[1] - padding));
  const x2 = Math.min(source.width, Math.ceil(box[2] + padding));
  const y2 = Math.min(source.height, Math.ceil(box[3] + padding));
  if (x2 - x1 < 1 || y2 - y1 < 1) return null;
  return { x: x1, y: y1, width: x2 - x1, height: y2 - y1 };
}

/** True when the (unpadded) box overlaps the image at all. */
export function boxTouchesImage(box: BBox, source: Size): boolean {
  return box[0] < source.width && box[1] < source.height && box[2] > 0 && box[3] > 0;
}

/**
 * Where an image lies on its original page: the page-pixel rectangle it shows. A page's own
 * region is the whole page; a crop's region is composed from its parent's, so a crop of a crop
 * still maps back to the page.
 */
export interface Region extends Rect {
  /** Page pixels per pixel of this image (1 for crops taken at native resolution). */
  scale: number;
}

export function pageRegion(page: Size): Region {
  return { x: 0, y: 0, width: page.width, height: page.height, scale: 1 };
}

/** The page region of `rect`, given in pixels of an image whose own region is `parent`. */
export function composeRegion(parent: Region, rect: Rect): Region {
  return {
    x: parent.x + rect.x * parent.scale,
    y: parent.y + rect.y * parent.scale,
    width: rect.width * parent.scale,
    height: rect.height * parent.scale,
    scale: parent.scale,
  };
}

/**
 * Plans the crop for a model's box on the latest image: maps it to source pixels, pads and clamps
 * (as the reference does). `pastEdge` says the box itself went past the image, so the crop stops at
 * the edge. Returns a sentence for the model instead when the box lies entirely off the image.
 */
export function planCrop(
  bbox: BBox,
  convention: BBoxConvention,
  source: Size,
  input: Size,
  padding = CROP_PADDING,
): { rect: Rect; pastEdge: boolean } | { problem: string } {
  const box = bboxToSource(bbox, convention, source, input);
  const rect = boxTouchesImage(box, source) ? paddedCropRect(box, source, padding) : null;
  if (!rect) return { problem: `The box [${bbox.join(', ')}] lies outside the image.` };
  return { rect, pastEdge: box[0] < 0 || box[1] < 0 || box[2] > source.width || box[3] > source.height };
}
