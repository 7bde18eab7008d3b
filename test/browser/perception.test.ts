import { afterAll, describe, expect, it } from 'vitest';
import { VRAG_PIXEL_BOUNDS as DEFAULT_PIXEL_BOUNDS, modelInputSize, pageRegion } from '../../src/perception/geometry.ts';
import type { Perception, RgbaImage } from '../../src/perception/types.ts';
import { CanvasPerception } from '../../src/perception/canvas.ts';
import { closeRaster, decodeImage } from '../../src/perception/decode.ts';
import { startPerceptionWorker } from '../../src/perception/client.ts';
import { APP_WORKERS } from '../../src/session/workers.ts';
import { fetchShared } from '../support/scripted.ts';

/** A 1200x900 test page: red left half, blue right half, and a green 200x100 block at (700, 500). */
async function quadrantPage(): Promise<Blob> {
  const canvas = new OffscreenCanvas(1200, 900);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#ff0000';
  ctx.fillRect(0, 0, 600, 900);
  ctx.fillStyle = '#0000ff';
  ctx.fillRect(600, 0, 600, 900);
  ctx.fillStyle = '#00ff00';
  ctx.fillRect(700, 500, 200, 100);
  return canvas.convertToBlob({ type: 'image/png' });
}

function pixel(image: RgbaImage, x: number, y: number): number[] {
  const i = (y * image.width + x) * 4;
  return Array.from(image.data.slice(i, i + 3));
}

/** Mean absolute difference per channel between `crop` and `page` at (x0, y0). */
function meanDiffAt(crop: RgbaImage, page: RgbaImage, x0: number, y0: number): number {
  let diff = 0;
  for (let y = 0; y < crop.height; y++) {
    for (let x = 0; x < crop.width; x++) {
      const a = (y * crop.width + x) * 4;
      const b = ((y0 + y) * page.width + x0 + x) * 4;
      for (let c = 0; c < 3; c++) diff += Math.abs(crop.data[a + c]! - page.data[b + c]!);
    }
  }
  return diff / (crop.width * crop.height * 3);
}

async function decodeRgba(blob: Blob): Promise<RgbaImage> {
  const bitmap = await createImageBitmap(blob);
  const ctx = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0);
  return { width: bitmap.width, height: bitmap.height, data: ctx.getImageData(0, 0, bitmap.width, bitmap.height).data };
}

const RED = [255, 0, 0];
const GREEN = [0, 255, 0];
const BLUE = [0, 0, 255];

const worker = startPerceptionWorker(APP_WORKERS.perception);
afterAll(() => worker.terminate());

// The worker decodes large JPEGs for the model with WebCodecs' ImageDecoder (Chromium has it); browsers without one decode in full.
describe.each([
  ['the perception worker (ImageDecoder)', worker],
  ['full-size decoding (browsers without ImageDecoder)', new CanvasPerception(false)],
] as [string, Perception][])('%s', (_, perception) => {

  it('prepares a page at the model input size with its colours intact', async () => {
    const prepared = await perception.preparePage(await quadrantPage(), DEFAULT_PIXEL_BOUNDS);
    expect(prepared.sourceSize).toEqual({ width: 1200, height: 900 });
    const input = modelInputSize({ width: 1200, height: 900 });
    expect({ width: prepared.input.width, height: prepared.input.height }).toEqual(input);
    expect(prepared.input.data.length).toBe(input.width * input.height * 4);
    expect(prepared.region).toEqual(pageRegion({ width: 1200, height: 900 }));
    expect(pixel(prepared.input, 5, 5)).toEqual(RED);
    expect(pixel(prepared.input, input.width - 5, 5)).toEqual(BLUE);
    const gx = Math.round((800 / 1200) * input.width);
    const gy = Math.round((550 / 900) * input.height);
    expect(pixel(prepared.input, gx, gy)).toEqual(GREEN);
  });

  it('cuts a crop of a crop from the page decoded once, and from the page decoded again once it is no longer held: the same pixels', async () => {
    const slide = await fetchShared('corpora/vrag-slides/slide_3_1024.jpg');
    const page = await perception.preparePage(slide, DEFAULT_PIXEL_BOUNDS);
    expect(page.pageKey).toMatch(/^page-\d+$/);
    expect(await page.source).toBe(slide);
    const first = await perception.crop(page, { x: 300, y: 100, width: 500, height: 400 }, DEFAULT_PIXEL_BOUNDS);
    expect(first.pageKey).toBe(page.pageKey);
    const fromPage = await perception.crop(first, { x: 120, y: 90, width: 200, height: 150 }, DEFAULT_PIXEL_BOUNDS);
    const decodedAgain = await perception.crop({ page: first.page, region: first.region, pageKey: 'page-gone' }, { x: 120, y: 90, width: 200, height: 150 }, DEFAULT_PIXEL_BOUNDS);
    expect(fromPage.region).toEqual({ x: 420, y: 190, width: 200, height: 150, scale: 1 });
    expect(decodedAgain.region).toEqual(fromPage.region);
    expect(decodedAgain.pageKey).not.toBe('page-gone');
    // One resample from the page either way: the native crop and the model's copy are the same pixels.
    expect(Array.from((await decodeRgba(await fromPage.source)).data)).toEqual(Array.from((await decodeRgba(await decodedAgain.source)).data));
    expect(Array.from(fromPage.input.data)).toEqual(Array.from(decodedAgain.input.data));
    // And the crop is the page's own pixels at its region (decoders rebuild JPEG colour a level or two apart).
    expect(meanDiffAt(await decodeRgba(await fromPage.source), await decodeRgba(slide), 420, 190)).toBeLessThan(1.5);
  });

  it('prepares a large JPEG page close to resampling the full page, and crops it at full resolution', async () => {
    const slide = await fetchShared('corpora/vrag-slides/aliyun4_10.jpg');
    const page = await perception.preparePage(slide, DEFAULT_PIXEL_BOUNDS);
    expect(page.sourceSize).toEqual({ width: 5334, height: 3000 });
    const input = modelInputSize(page.sourceSize);
    expect([page.input.width, page.input.height]).toEqual([input.width, input.height]);
    const whole = await decodeRgba(slide);
    const reference = new OffscreenCanvas(input.width, input.height).getContext('2d', { willReadFrequently: true })!;
    reference.imageSmoothingQuality = 'high';
    reference.drawImage(await createImageBitmap(slide), 0, 0, input.width, input.height);
    const expected = reference.getImageData(0, 0, input.width, input.height).data;
    let diff = 0;
    for (let i = 0; i < expected.length; i++) diff += Math.abs(expected[i]! - page.input.data[i]!);
    expect(diff / expected.length).toBeLessThan(2);
    const crop = await perception.crop(page, { x: 2000, y: 1000, width: 640, height: 480 }, DEFAULT_PIXEL_BOUNDS);
    const native = await decodeRgba(await crop.source);
    expect([native.width, native.height]).toEqual([640, 480]);
    expect(meanDiffAt(native, whole, 2000, 1000)).toBeLessThan(1.5);
  });

  it('crops exactly the requested pixels at native resolution, and a crop of the crop', async () => {
    const page = await perception.preparePage(await quadrantPage(), DEFAULT_PIXEL_BOUNDS);
    // The crop straddles red|blue at x=600 and holds the green block.
    const first = await perception.crop(page, { x: 500, y: 400, width: 500, height: 300 }, DEFAULT_PIXEL_BOUNDS);
    expect(first.sourceSize).toEqual({ width: 500, height: 300 });
    expect(first.region).toEqual({ x: 500, y: 400, width: 500, height: 300, scale: 1 });
    expect((await first.source).type).toBe('image/png');
    const src = await decodeRgba(await first.source);
    expect([src.width, src.height]).toEqual([500, 300]);
    expect(pixel(src, 99, 10)).toEqual(RED); // page x=599
    expect(pixel(src, 100, 10)).toEqual(BLUE); // page x=600
    expect(pixel(src, 200, 100)).toEqual(GREEN); // page (700,500): the block's corner
    expect(pixel(src, 199, 100)).toEqual(BLUE);
    expect(pixel(src, 200, 99)).toEqual(BLUE);

    // Crop the crop: the green block alone, mapped back onto the page.
    const second = await perception.crop(first, { x: 200, y: 100, width: 200, height: 100 }, DEFAULT_PIXEL_BOUNDS);
    expect(second.region).toEqual({ x: 700, y: 500, width: 200, height: 100, scale: 1 });
    const green = await decodeRgba(await second.source);
    for (const [x, y] of [[0, 0], [199, 0], [0, 99], [199, 99], [100, 50]] as const) expect(pixel(green, x, y)).toEqual(GREEN);
    // Small crops are enlarged for the model, with high-quality resampling keeping the colour flat.
    const input = modelInputSize({ width: 200, height: 100 });
    expect([second.input.width, second.input.height]).toEqual([input.width, input.height]);
    expect(pixel(second.input, input.width >> 1, input.height >> 1)).toEqual(GREEN);
  });

  it('keeps the last few pages decoded; a crop of an older one decodes its page again', async () => {
    const first = await perception.preparePage(await quadrantPage(), DEFAULT_PIXEL_BOUNDS);
    const cropped = await perception.crop(first, { x: 500, y: 400, width: 500, height: 300 }, DEFAULT_PIXEL_BOUNDS);
    for (let i = 0; i < 5; i++) await perception.preparePage(await quadrantPage(), DEFAULT_PIXEL_BOUNDS);
    const again = await perception.crop(cropped, { x: 200, y: 100, width: 200, height: 100 }, DEFAULT_PIXEL_BOUNDS);
    expect(again.pageKey).not.toBe(first.pageKey);
    expect(again.region).toEqual({ x: 700, y: 500, width: 200, height: 100, scale: 1 });
    expect(pixel(await decodeRgba(await again.source), 100, 50)).toEqual(GREEN);
    // The PNG queued from the first page before it was let go is still made.
    expect((await cropped.source).type).toBe('image/png');
  });

  it('rejects an empty or corrupt image with a clear message', async () => {
    await expect(perception.preparePage(new Blob([]), DEFAULT_PIXEL_BOUNDS)).rejects.toThrow(/empty/);
    const junk = new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3])], { type: 'image/png' });
    await expect(perception.preparePage(junk, DEFAULT_PIXEL_BOUNDS)).rejects.toThrow(/could not be decoded/);
  });
});

describe('page decoding', () => {
  it('decodes a large JPEG at the smallest DCT scale that covers what is wanted; PNG and a small JPEG at full size', async () => {
    const slide = await fetchShared('corpora/vrag-slides/aliyun4_10.jpg');
    const scaled = await decodeImage(slide, (size) => modelInputSize(size), true);
    expect([scaled.size, scaled.sourceSize]).toEqual([{ width: 1334, height: 750 }, { width: 5334, height: 3000 }]);
    closeRaster(scaled);
    const full = await decodeImage(slide);
    expect(full.size).toEqual({ width: 5334, height: 3000 });
    closeRaster(full);
    const png = await decodeImage(await quadrantPage(), () => ({ width: 10, height: 10 }), true);
    expect([png.size, png.sourceSize]).toEqual([{ width: 1200, height: 900 }, { width: 1200, height: 900 }]);
    closeRaster(png);
    // 6/8 would be no faster than decoding the 1024x768 slide whole.
    const small = await decodeImage(await fetchShared('corpora/vrag-slides/slide_3_1024.jpg'), (size) => modelInputSize(size), true);
    expect(small.size).toEqual({ width: 1024, height: 768 });
    closeRaster(small);
  });
});
