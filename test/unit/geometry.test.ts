import { describe, expect, it } from 'vitest';
import {
  bboxToSource,
  composeRegion,
  DEFAULT_PIXEL_BOUNDS,
  modelInputSize,
  pageRegion,
  paddedCropRect,
  planCrop,
} from '../../src/perception/geometry.ts';

describe('modelInputSize (the reference process_image)', () => {
  it('shrinks large images to at most 512*28*28 pixels, truncating', () => {
    // 5334x3000 like the aliyun slides: f = sqrt(401408 / 16002000)
    const f = Math.sqrt((512 * 28 * 28) / (5334 * 3000));
    expect(modelInputSize({ width: 5334, height: 3000 })).toEqual({
      width: Math.trunc(5334 * f),
      height: Math.trunc(3000 * f),
    });
    const s = modelInputSize({ width: 5334, height: 3000 });
    expect(s.width * s.height).toBeLessThanOrEqual(512 * 28 * 28);
  });

  it('leaves images between the bounds alone', () => {
    expect(modelInputSize({ width: 600, height: 500 })).toEqual({ width: 600, height: 500 });
  });

  it('enlarges small crops to at least about 256*28*28 pixels', () => {
    const s = modelInputSize({ width: 100, height: 50 });
    const f = Math.sqrt((256 * 28 * 28) / 5000);
    expect(s).toEqual({ width: Math.trunc(100 * f), height: Math.trunc(50 * f) });
  });

  it('uses the bounds given', () => {
    expect(modelInputSize({ width: 1000, height: 1000 }, { minPixels: 1, maxPixels: 250_000 })).toEqual({
      width: 500,
      height: 500,
    });
  });

  it('1024x768 slides are shrunk as the reference does', () => {
    const f = Math.sqrt(DEFAULT_PIXEL_BOUNDS.maxPixels / (1024 * 768));
    expect(modelInputSize({ width: 1024, height: 768 })).toEqual({ width: Math.trunc(1024 * f), height: Math.trunc(768 * f) });
  });
});

describe('bboxToSource', () => {
  const source = { width: 2000, height: 1000 };
  const input = { width: 800, height: 400 };
  it('absolute: pixels of the resized input (Qwen2.5-VL, VRAG-RL)', () => {
    expect(bboxToSource([80, 40, 400, 200], 'absolute', source, input)).toEqual([200, 100, 1000, 500]);
  });
  it('relative-1000 (Qwen2-VL, Qwen3-VL)', () => {
    expect(bboxToSource([100, 100, 500, 500], 'relative-1000', source, input)).toEqual([200, 100, 1000, 500]);
  });
  it('relative-1', () => {
    expect(bboxToSource([0.1, 0.1, 0.5, 0.5], 'relative-1', source, input)).toEqual([200, 100, 1000, 500]);
  });
});

describe('paddedCropRect', () => {
  const source = { width: 1000, height: 800 };
  it('pads 56 pixels on every side', () => {
    expect(paddedCropRect([200, 100, 400, 300], source)).toEqual({ x: 144, y: 44, width: 312, height: 312 });
  });
  it('clamps to the image', () => {
    expect(paddedCropRect([10, 20, 990, 790], source)).toEqual({ x: 0, y: 0, width: 1000, height: 800 });
  });
  it('covers fractional boxes outward', () => {
    expect(paddedCropRect([100.4, 100.6, 200.2, 200.5], source, 0)).toEqual({ x: 100, y: 100, width: 101, height: 101 });
  });
});

describe('planCrop', () => {
  const source = { width: 1024, height: 768 };
  const input = { width: 731, height: 548 };
  it('maps, pads and clamps', () => {
    const plan = planCrop([0, 0, 100, 100], 'absolute', source, input);
    expect(plan).toEqual({ rect: { x: 0, y: 0, width: Math.ceil((100 * 1024) / 731 + 56), height: Math.ceil((100 * 768) / 548 + 56) } });
  });
  it('refuses a box entirely off the image', () => {
    const plan = planCrop([5000, 5000, 6000, 6000], 'absolute', source, input);
    expect(plan).toHaveProperty('problem');
  });
  it('clamps a box that is partly off the image', () => {
    const plan = planCrop([900, 1, 2000, 10], 'relative-1000', source, input);
    expect(plan).toEqual({ rect: { x: Math.floor(921.6 - 56), y: 0, width: 1024 - Math.floor(921.6 - 56), height: Math.ceil(7.68 + 56) } });
  });
});

describe('regions: every crop maps back to its page', () => {
  it('a crop of a crop composes offsets', () => {
    const page = pageRegion({ width: 1024, height: 768 });
    const first = composeRegion(page, { x: 100, y: 50, width: 400, height: 300 });
    const second = composeRegion(first, { x: 20, y: 30, width: 100, height: 80 });
    expect(second).toEqual({ x: 120, y: 80, width: 100, height: 80, scale: 1 });
  });
  it('honours a scale when the parent pixels are not page pixels', () => {
    const scaled = { x: 10, y: 10, width: 200, height: 100, scale: 2 };
    expect(composeRegion(scaled, { x: 5, y: 5, width: 10, height: 10 })).toEqual({ x: 20, y: 20, width: 20, height: 20, scale: 2 });
  });
});
