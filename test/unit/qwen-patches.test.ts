/** Qwen-VL's patch layout, by direct copies, against the permute transformers.js' image processor does. */
import { cat, Tensor } from '@huggingface/transformers';
import { expect, it } from 'vitest';
import { qwenPatches, type PatchSizes } from '../../src/models/vlm/qwen-patches.ts';

/** Qwen2VLImageProcessor._call's steps on one preprocessed image (transformers.js 4). */
function byPermute(chw: Tensor, { patch, merge, temporal }: PatchSizes): Tensor {
  const [channels, height, width] = chw.dims as [number, number, number];
  const frames = cat(Array.from({ length: temporal }, () => chw.unsqueeze(0)), 0);
  const gridH = height / patch;
  const gridW = width / patch;
  return frames
    .view(1, temporal, channels, gridH / merge, merge, patch, gridW / merge, merge, patch)
    .permute(0, 3, 6, 4, 7, 2, 1, 5, 8)
    .view(gridH * gridW, channels * temporal * patch * patch);
}

const CASES: [PatchSizes, number, number][] = [
  [{ patch: 14, merge: 2, temporal: 2 }, 56, 84], // Qwen2-VL and Qwen2.5-VL
  [{ patch: 16, merge: 2, temporal: 2 }, 96, 64], // Qwen3-VL
  [{ patch: 2, merge: 3, temporal: 1 }, 12, 18],
];

it.each(CASES)('lays out %o patches of a %i×%i image as the processor does', (sizes, height, width) => {
  const channels = 3;
  const chw = Float32Array.from({ length: channels * height * width }, (_, i) => Math.sin(i * 12.9898) * 43758.5453);
  const expected = byPermute(new Tensor('float32', chw, [channels, height, width]), sizes);
  const got = qwenPatches(chw, channels, height, width, sizes);
  expect([got.rows, got.rowLength]).toEqual(expected.dims);
  expect(got.data).toEqual(expected.data);
});

it('refuses an image that is not whole blocks', () => {
  expect(() => qwenPatches(new Float32Array(3 * 30 * 28), 3, 30, 28, { patch: 14, merge: 2, temporal: 2 })).toThrow(/not a whole number of 28-pixel blocks/);
});
