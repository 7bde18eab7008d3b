import { describe, expect, it } from 'vitest';
import { QWEN3_VL, visionSpec } from '../../src/models/families/index.ts';
import {
  bboxToSource,
  composeRegion,
  VRAG_PIXEL_BOUNDS,
  modelInputSize,
  pageRegion,
  paddedCropRect,
  planCrop,
} from '../../src/perception/geometry.ts';

describe('modelInputSize (the image processor\'s smart_resize)', () => {
  const qwen25 = VRAG_PIXEL_BOUNDS;
  it('shrinks large images to at most 512 tokens, both sides multiples of the 28-pixel grid', () => {
    // 5334x3000 like the aliyun slides.
    const s = modelInputSize({ width: 5334, height: 3000 }, qwen25);
    expect(s).toEqual({ width: 840, height: 448 });
    expect(s.width % 28).toBe(0);
    expect(s.height % 28).toBe(0);
    expect(s.width * s.height).toBeLessThanOrEqual(512 * 28 * 28);
  });

  it('1024x768 slides become 728x532 (26 x 19 tokens), as Qwen2.5-VL sees them', () => {
    expect(modelInputSize({ width: 1024, height: 768 }, qwen25)).toEqual({ width: 728, height: 532 });
  });

  it('rounds images between the bounds to the grid', () => {
    expect(modelInputSize({ width: 600, height: 500 }, qwen25)).toEqual({ width: 588, height: 504 });
  });

  it('enlarges small crops to at least 256 tokens', () => {
    const s = modelInputSize({ width: 392, height: 272 }, qwen25);
    expect(s).toEqual({ width: 560, height: 392 });
    expect(s.width * s.height).toBeGreaterThanOrEqual(256 * 28 * 28);
  });

  it('uses each family\'s own grid: Qwen3-VL counts tokens of 32x32 pixels', () => {
    const qwen3 = visionSpec(QWEN3_VL).pixelBounds;
    expect(qwen3).toEqual({ minPixels: 256 * 32 * 32, maxPixels: 512 * 32 * 32, factor: 32 });
    const s = modelInputSize({ width: 1024, height: 768 }, qwen3);
    expect(s).toEqual({ width: 832, height: 608 });
    expect((s.width / 32) * (s.height / 32)).toBeLessThanOrEqual(512);
  });

  it('matches transformers.js\' smart_resize exactly on many sizes', async () => {
    const { smart_resize } = await import('../../node_modules/@huggingface/transformers/src/image_processors_utils.js' as string);
    for (const [w, h] of [[1024, 768], [5334, 3000], [100, 50], [2000, 31], [31, 2000], [812, 1000], [1, 1]]) {
      for (const bounds of [qwen25, visionSpec(QWEN3_VL).pixelBounds]) {
        const [ew, eh] = smart_resize(h, w, bounds.factor, bounds.minPixels, bounds.maxPixels) as [number, number];
        expect(modelInputSize({ width: w!, height: h! }, bounds), `${w}x${h} on ${bounds.factor}`).toEqual({ width: ew, height: eh });
      }
    }
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
    // Padding is cut at the edge; the box itself stays on the image.
    expect(plan).toEqual({ rect: { x: 0, y: 0, width: Math.ceil((100 * 1024) / 731 + 56), height: Math.ceil((100 * 768) / 548 + 56) }, pastEdge: false });
  });
  it('refuses a box entirely off the image', () => {
    const plan = planCrop([5000, 5000, 6000, 6000], 'absolute', source, input);
    expect(plan).toHaveProperty('problem');
  });
  it('clamps a box that is partly off the image, and says so', () => {
    const plan = planCrop([900, 1, 2000, 10], 'relative-1000', source, input);
    expect(plan).toEqual({ rect: { x: Math.floor(921.6 - 56), y: 0, width: 1024 - Math.floor(921.6 - 56), height: Math.ceil(7.68 + 56) }, pastEdge: true });
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
