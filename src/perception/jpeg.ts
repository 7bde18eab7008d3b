/**
 * What a JPEG header says before any pixel is decoded (pure): its size, and the smallest of the
 * decoder's DCT scalings (1/8 .. 8/8) that still covers a wanted size. Decoding a 5334x3000 slide at
 * 2/8 for a model that sees it at 845x475 reads a sixteenth of the pixels.
 */
import type { Size } from './geometry.ts';

/** Width and height from a baseline or progressive JPEG's frame header; null when `bytes` is not a JPEG. */
export function jpegSize(bytes: Uint8Array): Size | null {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) return null;
    const marker = bytes[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2; // markers without a length
      continue;
    }
    const length = (bytes[i + 2]! << 8) | bytes[i + 3]!;
    // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      const height = (bytes[i + 5]! << 8) | bytes[i + 6]!;
      const width = (bytes[i + 7]! << 8) | bytes[i + 8]!;
      return width > 0 && height > 0 ? { width, height } : null;
    }
    if (marker === 0xda || length < 2) return null; // scan data before any frame header
    i += 2 + length;
  }
  return null;
}

/**
 * The size a JPEG decodes to at the smallest scale m/8 whose output is at least `wanted` on both
 * sides (libjpeg rounds each side up); the full size when only 8/8 covers it.
 */
export function dctScaledSize(full: Size, wanted: Size): Size {
  for (let m = 1; m < 8; m++) {
    const size = { width: Math.ceil((full.width * m) / 8), height: Math.ceil((full.height * m) / 8) };
    if (size.width >= wanted.width && size.height >= wanted.height) return size;
  }
  return full;
}
