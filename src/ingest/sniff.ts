/** File type and image dimensions from the first bytes of a file (pure; never trusts the name). */
import { jpegSize } from '../perception/jpeg.ts';
import type { Size } from './geometry.ts';
import type { ImageType } from './types.ts';

const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0) =>
  prefix.every((b, i) => bytes[at + i] === b);

const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

/** 'pdf' | 'png' | 'jpeg' | 'webp', or null when the bytes are none of these (text files go by name: text-blocks.ts). */
export function sniffType(head: Uint8Array): 'pdf' | ImageType | null {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBP'), 8)) return 'webp';
  // The PDF header may follow some junk; readers accept it within the first 1024 bytes.
  const limit = Math.min(head.length, 1024);
  const pdf = ascii('%PDF-');
  for (let i = 0; i + pdf.length <= limit; i++) if (startsWith(head, pdf, i)) return 'pdf';
  return null;
}

/** How many leading bytes `imageSize` needs to see for typical files. */
export const IMAGE_HEADER_BYTES = 256 * 1024;

/** Pixel size declared in an image header, or null if the header is not understood. */
export function imageSize(type: ImageType, head: Uint8Array): Size | null {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (type === 'png') {
    if (head.length < 24 || !startsWith(head, ascii('IHDR'), 12)) return null;
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (type === 'webp') return webpSize(head, view);
  return jpegSize(head);
}

function webpSize(head: Uint8Array, view: DataView): Size | null {
  if (head.length < 30) return null;
  if (startsWith(head, ascii('VP8X'), 12)) {
    const w = 1 + (head[24]! | (head[25]! << 8) | (head[26]! << 16));
    const h = 1 + (head[27]! | (head[28]! << 8) | (head[29]! << 16));
    return { width: w, height: h };
  }
  if (startsWith(head, ascii('VP8L'), 12)) {
    const bits = view.getUint32(21, true);
    return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  if (startsWith(head, ascii('VP8 '), 12)) {
    return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
  }
  return null;
}
