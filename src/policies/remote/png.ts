/** Encodes model-input pixels as PNG data URLs for image_url parts (OffscreenCanvas: browser only). */
import { AppError } from '../../errors.ts';
import type { RgbaImage } from '../../perception/types.ts';
import { dataUrl } from '../../data-url.ts';

export async function rgbaToPng(image: RgbaImage): Promise<Blob> {
  const canvas = new OffscreenCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new AppError('perception-failed', 'This browser cannot draw images off screen (no 2D OffscreenCanvas).');
  const pixels = new Uint8ClampedArray(image.data); // ImageData needs pixels it may own (not a shared buffer)
  ctx.putImageData(new ImageData(pixels, image.width, image.height), 0, 0);
  return canvas.convertToBlob({ type: 'image/png' });
}

export async function pngDataUrl(image: RgbaImage): Promise<string> {
  return dataUrl(await rgbaToPng(image));
}
