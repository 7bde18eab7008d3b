/** Encoding page images drawn on an OffscreenCanvas (the canvas itself: src/perception/canvas-2d.ts). */
import type { ImageFormat } from './types.ts';

export function encode(canvas: OffscreenCanvas, type: ImageFormat, quality: number): Promise<Blob> {
  return canvas.convertToBlob({ type, quality });
}
