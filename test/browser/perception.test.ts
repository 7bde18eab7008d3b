import { afterAll, describe, expect, it } from 'vitest';
import { VRAG_PIXEL_BOUNDS as DEFAULT_PIXEL_BOUNDS, modelInputSize, pageRegion } from '../../src/perception/geometry.ts';
import type { RgbaImage } from '../../src/perception/types.ts';
import { startPerceptionWorker } from '../../src/perception/client.ts';
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

async function decodeRgba(blob: Blob): Promise<RgbaImage> {
  const bitmap = await createImageBitmap(blob);
  const ctx = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0);
  return { width: bitmap.width, height: bitmap.height, data: ctx.getImageData(0, 0, bitmap.width, bitmap.height).data };
}

const RED = [255, 0, 0];
const GREEN = [0, 255, 0];
const BLUE = [0, 0, 255];

describe('perception worker (OffscreenCanvas in a real worker)', () => {
  const perception = startPerceptionWorker();
  afterAll(() => perception.terminate());

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

  it('cuts a crop of a crop from the page decoded once: the same pixels as decoding the parent crop', async () => {
    const slide = await fetchShared('corpora/vrag-slides/slide_3_1024.jpg');
    const page = await perception.preparePage(slide, DEFAULT_PIXEL_BOUNDS);
    expect(page.pageKey).toMatch(/^page-\d+$/);
    const first = await perception.crop(page, { x: 300, y: 100, width: 500, height: 400 }, DEFAULT_PIXEL_BOUNDS);
    expect(first.pageKey).toBe(page.pageKey);
    const fromPage = await perception.crop(first, { x: 120, y: 90, width: 200, height: 150 }, DEFAULT_PIXEL_BOUNDS);
    const decodedAgain = await perception.crop({ source: first.source, region: first.region }, { x: 120, y: 90, width: 200, height: 150 }, DEFAULT_PIXEL_BOUNDS);
    expect(fromPage.region).toEqual({ x: 420, y: 190, width: 200, height: 150, scale: 1 });
    expect(decodedAgain.region).toEqual(fromPage.region);
    expect(fromPage.input.width).toBe(decodedAgain.input.width);
    // The native-resolution crop is the same pixels either way.
    expect(Array.from((await decodeRgba(fromPage.source)).data)).toEqual(Array.from((await decodeRgba(decodedAgain.source)).data));
    // The model's copy differs only at the edges: cut from the page, the resampler sees the real
    // neighbouring pixels instead of a clamped border.
    let diff = 0;
    for (let i = 0; i < fromPage.input.data.length; i++) diff += Math.abs(fromPage.input.data[i]! - decodedAgain.input.data[i]!);
    expect(diff / fromPage.input.data.length).toBeLessThan(1.5);
  });

  it('crops exactly the requested pixels at native resolution, and a crop of the crop', async () => {
    const page = await perception.preparePage(await quadrantPage(), DEFAULT_PIXEL_BOUNDS);
    // The crop straddles red|blue at x=600 and holds the green block.
    const first = await perception.crop(page, { x: 500, y: 400, width: 500, height: 300 }, DEFAULT_PIXEL_BOUNDS);
    expect(first.sourceSize).toEqual({ width: 500, height: 300 });
    expect(first.region).toEqual({ x: 500, y: 400, width: 500, height: 300, scale: 1 });
    expect(first.source.type).toBe('image/png');
    const src = await decodeRgba(first.source);
    expect([src.width, src.height]).toEqual([500, 300]);
    expect(pixel(src, 99, 10)).toEqual(RED); // page x=599
    expect(pixel(src, 100, 10)).toEqual(BLUE); // page x=600
    expect(pixel(src, 200, 100)).toEqual(GREEN); // page (700,500): the block's corner
    expect(pixel(src, 199, 100)).toEqual(BLUE);
    expect(pixel(src, 200, 99)).toEqual(BLUE);

    // Crop the crop: the green block alone, mapped back onto the page.
    const second = await perception.crop(first, { x: 200, y: 100, width: 200, height: 100 }, DEFAULT_PIXEL_BOUNDS);
    expect(second.region).toEqual({ x: 700, y: 500, width: 200, height: 100, scale: 1 });
    const green = await decodeRgba(second.source);
    for (const [x, y] of [[0, 0], [199, 0], [0, 99], [199, 99], [100, 50]] as const) expect(pixel(green, x, y)).toEqual(GREEN);
    // Small crops are enlarged for the model, with high-quality resampling keeping the colour flat.
    const input = modelInputSize({ width: 200, height: 100 });
    expect([second.input.width, second.input.height]).toEqual([input.width, input.height]);
    expect(pixel(second.input, input.width >> 1, input.height >> 1)).toEqual(GREEN);
  });

  it('rejects an empty or corrupt image with a clear message', async () => {
    await expect(perception.preparePage(new Blob([]), DEFAULT_PIXEL_BOUNDS)).rejects.toThrow(/empty/);
    const junk = new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3])], { type: 'image/png' });
    await expect(perception.preparePage(junk, DEFAULT_PIXEL_BOUNDS)).rejects.toThrow(/could not be decoded/);
  });
});
