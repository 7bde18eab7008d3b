/** Size maths for page images and the OCR models' inputs (pure). */

import type { Box, Size } from '../shapes.ts';

export type { Box, Size };

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

/**
 * Groups text lines into recogniser batches: at most `maxBatch` lines, padded to the widest, so
 * lines are taken narrowest first and a batch is closed before a line would make it `maxGrowth`
 * times wider than its first line (or than `minWidth`). Returns indices into `widths`.
 */
export function recognitionBatches(widths: number[], maxBatch: number, minWidth: number, maxGrowth = 1.25): number[][] {
  const order = widths.map((_, i) => i).sort((a, b) => widths[a]! - widths[b]!);
  const batches: number[][] = [];
  let limit = 0;
  for (const i of order) {
    const current = batches.at(-1);
    if (current && current.length < maxBatch && widths[i]! <= limit) current.push(i);
    else {
      batches.push([i]);
      limit = Math.max(minWidth, widths[i]!) * maxGrowth;
    }
  }
  return batches;
}
