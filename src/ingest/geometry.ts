/** Size maths for page images and the OCR models' inputs (pure). */

export type Box = [x1: number, y1: number, x2: number, y2: number];

import type { Size } from '../shapes.ts';

export type { Size };

/** Scales `size` so its long side is at most `maxSide` (never up), rounding to whole pixels. */
export function fitLongSide(size: Size, maxSide: number): Size {
  const scale = Math.min(1, maxSide / Math.max(size.width, size.height));
  return scaled(size, scale);
}

/** Scales `size` so its long side is exactly `side` (up or down). */
export function scaleLongSideTo(size: Size, side: number): Size {
  return scaled(size, side / Math.max(size.width, size.height));
}

function scaled(size: Size, scale: number): Size {
  return { width: Math.max(1, Math.round(size.width * scale)), height: Math.max(1, Math.round(size.height * scale)) };
}

/**
 * PaddleOCR's DetResizeForTest (limit_type 'max'): shrink so the long side is at most `limitSide`,
 * then round each side to a multiple of 32 (at least 32).
 */
export function detectionInputSize(size: Size, limitSide = 960): Size {
  const scale = Math.max(size.width, size.height) > limitSide ? limitSide / Math.max(size.width, size.height) : 1;
  const to32 = (v: number) => Math.max(32, Math.round((v * scale) / 32) * 32);
  return { width: to32(size.width), height: to32(size.height) };
}

/** Width a text crop gets at the recogniser's height, keeping its aspect (PaddleOCR's resize_norm_img). */
export function recognitionWidth(crop: Size, height = 48, maxWidth = 3200): number {
  return Math.min(maxWidth, Math.max(1, Math.ceil((height * crop.width) / crop.height)));
}
