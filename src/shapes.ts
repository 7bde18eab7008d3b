/**
 * The shapes every layer measures images with, below all of them: a size, a rectangle, raw
 * pixels, how a model writes boxes and the sizes its images are prepared at.
 */
export interface Size {
  width: number;
  height: number;
}

/** x,y is the top-left corner. */
export interface Rect extends Size {
  x: number;
  y: number;
}

/** A box by its corners: x1,y1 top-left, x2,y2 bottom-right, in the units of whoever writes it. */
export type Box = [x1: number, y1: number, x2: number, y2: number];

/** A box that is only read (a model's answer, a crop). */
export type BBox = Readonly<Box>;

/** Raw RGBA pixels, row-major, 4 bytes per pixel: what a model's image processor consumes. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/**
 * How a model writes box coordinates:
 * - 'absolute': pixels of the resized image the model saw (Qwen2.5-VL, the VRAG-RL checkpoints);
 * - 'relative-1000': 0..1000 of the image (Qwen2-VL, Qwen3-VL);
 * - 'relative-1': 0..1 of the image.
 */
export const BBOX_CONVENTIONS = ['absolute', 'relative-1000', 'relative-1'] as const;

export type BBoxConvention = (typeof BBOX_CONVENTIONS)[number];

/**
 * What a model's image processor does to an image before the model sees it (Qwen-VL's
 * `smart_resize`): both sides become multiples of `factor` (patch size x merge size, the side of
 * one visual token), scaled down when the area exceeds `maxPixels` and up when it is below
 * `minPixels`. Preparing images to exactly this size means the processor resizes nothing more,
 * so a box in the model's pixels refers to the image the app holds.
 */
export interface PixelBounds {
  minPixels: number;
  maxPixels: number;
  /** Side of one visual token in input pixels; 1 for models whose processor tiles images itself. */
  factor: number;
}
