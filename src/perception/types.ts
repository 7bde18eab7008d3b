import type { RgbaImage } from '../shapes.ts';
import type { PixelBounds, Rect, Region, Size } from './geometry.ts';

export type { RgbaImage };

/** An image ready for the agent: its source pixels, the resized copy the model sees, and where it lies on its page. */
export interface PreparedImage {
  /**
   * The image at native resolution: the page image, or the crop as PNG. A crop's PNG is encoded after
   * its model input is ready; wait for it only where the bytes are needed (display, export).
   */
  source: Promise<Blob>;
  /** The page image this image is part of; every crop is cut from it. */
  page: Blob;
  sourceSize: Size;
  /** The source resized to the model's pixel bounds. */
  input: RgbaImage;
  region: Region;
  /**
   * Names the decoded page the perception keeps for the episode: a crop of this image, or of a crop
   * of it, is cut from that page at its composed region (one decode, one resample).
   */
  pageKey: string;
}

/** Pixel work of the perception step; implemented with OffscreenCanvas and run in a worker. */
export interface Perception {
  /** Decodes a page image and prepares it for the model. */
  preparePage(page: Blob, bounds: PixelBounds): Promise<PreparedImage>;
  /** Cuts `rect` (pixels of the parent image) out of the parent; the result's region maps back to the page. */
  crop(parent: CropParent, rect: Rect, bounds: PixelBounds): Promise<PreparedImage>;
}

/** What a crop needs of its parent image; `pageKey` may name a page the perception no longer holds. */
export type CropParent = Pick<PreparedImage, 'page' | 'region'> & { pageKey?: string };
