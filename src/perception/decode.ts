/**
 * Decodes page images for the perception worker. A large JPEG that the model sees at half its size
 * or less is decoded for the model by WebCodecs' ImageDecoder straight at a smaller DCT scale (a
 * 5334x3000 slide at 2/8 reads a sixteenth of the pixels); everything else, and the full page that
 * crops are cut from, by createImageBitmap, whose bitmaps draw fastest.
 */
import { AppError } from '../errors.ts';
import type { Size } from './geometry.ts';
import { dctScaledSize, jpegSize } from './jpeg.ts';

/** A decoded image: `size` pixels covering the whole source image of `sourceSize` pixels. */
export interface Raster {
  image: ImageBitmap | VideoFrame;
  size: Size;
  sourceSize: Size;
}

/** Whether this browser can decode a JPEG at a smaller DCT scale (WebCodecs' ImageDecoder). */
export const canDecodeScaled = (): boolean => typeof ImageDecoder === 'function';

/**
 * Decodes `blob`. With `wanted` (a function of the source size) and `scaled`, a JPEG may come back
 * at half its size or less, never smaller than `wanted`; otherwise at full size.
 */
export async function decodeImage(blob: Blob, wanted?: (source: Size) => Size, scaled = canDecodeScaled()): Promise<Raster> {
  if (blob.size === 0) throw new AppError('invalid-image', 'The image is empty (0 bytes).');
  try {
    const small = wanted && scaled ? await decodeScaled(blob, wanted) : null;
    if (small) return small;
    const image = await createImageBitmap(blob);
    const size = { width: image.width, height: image.height };
    return { image, size, sourceSize: size };
  } catch (cause) {
    throw new AppError('invalid-image', `The image (${blob.type || 'unknown type'}) could not be decoded; it may be corrupt.`, {
      cause,
    });
  }
}

export function closeRaster(raster: Raster): void {
  raster.image.close();
}

/** Null unless the blob is a JPEG that decodes at 4/8 or smaller for what is wanted, upright. */
async function decodeScaled(blob: Blob, wanted: (source: Size) => Size): Promise<Raster | null> {
  const bytes = new Uint8Array(await blob.slice(0, 64 * 1024).arrayBuffer());
  const full = jpegSize(bytes);
  if (!full) return null;
  const size = dctScaledSize(full, wanted(full));
  // Chromium decodes 5/8..7/8 no faster than the full image.
  if (size.width * 2 > full.width + 1 || !(await jpegSupported())) return null;
  const decoder = new ImageDecoder({ data: blob.stream(), type: 'image/jpeg', desiredWidth: size.width, desiredHeight: size.height });
  try {
    const { image } = await decoder.decode();
    // An EXIF rotation or mirror arrives as frame metadata here; createImageBitmap applies it to the pixels.
    const turned = 'rotation' in image && ((image as { rotation: number }).rotation !== 0 || (image as { flip?: boolean }).flip === true);
    if (turned || image.displayWidth !== size.width || image.displayHeight !== size.height) {
      image.close();
      return null;
    }
    return { image, size, sourceSize: full };
  } finally {
    decoder.close();
  }
}

let jpeg: Promise<boolean> | undefined;
const jpegSupported = () => (jpeg ??= ImageDecoder.isTypeSupported('image/jpeg').catch(() => false));
