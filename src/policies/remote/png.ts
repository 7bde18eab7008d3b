/** Encodes model-input pixels as PNG data URLs for image_url parts (OffscreenCanvas: browser only). */
import { encodeImage } from '../../perception/canvas-2d.ts';
import type { RgbaImage } from '../../perception/types.ts';
import { dataUrl } from '../../data-url.ts';

export function rgbaToPng(image: RgbaImage): Promise<Blob> {
  return encodeImage(image, { type: 'image/png' });
}

export async function pngDataUrl(image: RgbaImage): Promise<string> {
  return dataUrl(await rgbaToPng(image));
}
