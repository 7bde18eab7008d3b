/**
 * encodeImage (src/perception/canvas-2d.ts), the one place images are drawn on an OffscreenCanvas
 * and encoded: raw RGBA pixels as PNG (remote policies), images as PNG (SFT export, crops cut
 * again for replays) and as JPEG over a background (the corpus export).
 */
import { describe, expect, it } from 'vitest';
import type { ImageRecord } from '../../src/agent/types.ts';
import { encodeImage } from '../../src/perception/canvas-2d.ts';
import { cutRegion } from '../../src/ui/replay.ts';

async function pixelsOf(blob: Blob): Promise<ImageData> {
  const bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const ctx = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  return ctx.getImageData(0, 0, ctx.canvas.width, ctx.canvas.height);
}

/** A 6×4 image: each pixel's colour names its place (r = 40x, g = 60y, b = 200), opaque. */
function gradient(): { width: number; height: number; data: Uint8ClampedArray } {
  const width = 6;
  const height = 4;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set([40 * x, 60 * y, 200, 255], (y * width + x) * 4);
  }
  return { width, height, data };
}

describe('encodeImage', () => {
  it('writes raw RGBA pixels as a PNG of exactly those pixels, even from a shared buffer', async () => {
    const image = gradient();
    const shared = new Uint8ClampedArray(new SharedArrayBuffer(image.data.length));
    shared.set(image.data);
    for (const data of [image.data, shared]) {
      const png = await encodeImage({ ...image, data }, { type: 'image/png' });
      expect(png.type).toBe('image/png');
      const decoded = await pixelsOf(png);
      expect([decoded.width, decoded.height]).toEqual([6, 4]);
      expect([...decoded.data]).toEqual([...image.data]);
    }
  });

  it('draws an image at its own size; JPEG over the background fills what the image leaves transparent', async () => {
    const image = gradient();
    const png = await encodeImage(await createImageBitmap(new ImageData(new Uint8ClampedArray(image.data), 6, 4)), { type: 'image/png' });
    expect([...(await pixelsOf(png)).data]).toEqual([...image.data]);

    const clear = await createImageBitmap(new ImageData(8, 8));
    const jpeg = await encodeImage(clear, { type: 'image/jpeg', quality: 0.95, background: '#fff' });
    expect(jpeg.type).toBe('image/jpeg');
    const white = await pixelsOf(jpeg);
    expect([white.width, white.height]).toEqual([8, 8]);
    expect(Math.min(...white.data)).toBeGreaterThanOrEqual(250);
    // Without a background the transparent pixels become black in a JPEG.
    const black = await pixelsOf(await encodeImage(clear, { type: 'image/jpeg', quality: 0.95 }));
    expect(Math.max(...[...black.data].filter((_, i) => i % 4 !== 3))).toBeLessThanOrEqual(5);
  });

  it('cuts a replayed crop out of its page as a PNG of the rounded region', async () => {
    const image = gradient();
    const page = await encodeImage(image, { type: 'image/png' });
    const record = { region: { x: 1.4, y: 0.6, width: 3.2, height: 1.6, scale: 1 } } as ImageRecord;
    const crop = await cutRegion(page, record);
    expect(crop.type).toBe('image/png');
    const decoded = await pixelsOf(crop);
    expect([decoded.width, decoded.height]).toEqual([3, 2]);
    const expected: number[] = [];
    for (let y = 1; y < 3; y++) for (let x = 1; x < 4; x++) expected.push(40 * x, 60 * y, 200, 255);
    expect([...decoded.data]).toEqual(expected);
  });
});
