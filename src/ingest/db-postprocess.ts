/**
 * PaddleOCR's DB post-processing on a text probability map, without OpenCV (pure): threshold,
 * 8-connected components, axis-aligned box from each component's extent, mean-probability score,
 * "unclip" expansion by area·ratio/perimeter, size and score filters, scaling to the image.
 */
import type { Box, Size } from './geometry.ts';

export interface DbOptions {
  /** Pixels above this probability are text. */
  threshold: number;
  /** Boxes whose mean probability is below this are dropped. */
  boxThreshold: number;
  unclipRatio: number;
  /** Boxes whose short side (in map pixels) is below this are dropped; after unclipping, below this + 2. */
  minSize: number;
  maxCandidates: number;
}

/** The defaults of PaddleOCR's inference tools for PP-OCRv4 detection. */
export const DB_DEFAULTS: DbOptions = { threshold: 0.3, boxThreshold: 0.6, unclipRatio: 1.5, minSize: 3, maxCandidates: 1000 };

export interface ScoredBox {
  box: Box;
  score: number;
}

interface Extent {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** Text boxes in `target` pixels from a probability map of `map` size (row-major, one value per pixel). */
export function boxesFromProbabilityMap(prob: ArrayLike<number>, map: Size, target: Size, options: Partial<DbOptions> = {}): ScoredBox[] {
  const o = { ...DB_DEFAULTS, ...options };
  if (prob.length !== map.width * map.height) throw new RangeError(`probability map has ${prob.length} values, expected ${map.width}x${map.height}`);
  const sx = target.width / map.width;
  const sy = target.height / map.height;
  const out: ScoredBox[] = [];
  for (const c of components(prob, map, o.threshold).slice(0, o.maxCandidates)) {
    const w = c.maxX - c.minX;
    const h = c.maxY - c.minY;
    if (Math.min(w, h) < o.minSize) continue;
    const score = meanInRect(prob, map.width, c);
    if (score < o.boxThreshold) continue;
    const d = (w * h * o.unclipRatio) / (2 * (w + h));
    if (Math.min(w, h) + 2 * d < o.minSize + 2) continue;
    const clampX = (v: number) => Math.min(target.width, Math.max(0, Math.round(v * sx)));
    const clampY = (v: number) => Math.min(target.height, Math.max(0, Math.round(v * sy)));
    out.push({ box: [clampX(c.minX - d), clampY(c.minY - d), clampX(c.maxX + d), clampY(c.maxY + d)], score });
  }
  return out;
}

/** Extents of 8-connected regions above `threshold`, in scan order of their first pixel. */
function components(prob: ArrayLike<number>, { width, height }: Size, threshold: number): Extent[] {
  const seen = new Uint8Array(width * height);
  const stack = new Int32Array(width * height);
  const found: Extent[] = [];
  for (let start = 0; start < prob.length; start++) {
    if (seen[start] || !(prob[start]! > threshold)) continue;
    const e: Extent = { minX: width, minY: height, maxX: -1, maxY: -1 };
    let top = 0;
    stack[top++] = start;
    seen[start] = 1;
    while (top > 0) {
      const p = stack[--top]!;
      const x = p % width;
      const y = (p - x) / width;
      if (x < e.minX) e.minX = x;
      if (x > e.maxX) e.maxX = x;
      if (y < e.minY) e.minY = y;
      if (y > e.maxY) e.maxY = y;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const q = ny * width + nx;
          if (seen[q] || !(prob[q]! > threshold)) continue;
          seen[q] = 1;
          stack[top++] = q;
        }
      }
    }
    found.push(e);
  }
  return found;
}

/** Mean probability over the component's bounding rectangle (PaddleOCR's "fast" score). */
function meanInRect(prob: ArrayLike<number>, width: number, e: Extent): number {
  let sum = 0;
  for (let y = e.minY; y <= e.maxY; y++) for (let x = e.minX; x <= e.maxX; x++) sum += prob[y * width + x]!;
  return sum / ((e.maxX - e.minX + 1) * (e.maxY - e.minY + 1));
}
