/** The app's Qwen-VL image inputs equal transformers.js' image processor's, with each Qwen family's real processor config. */
import { Qwen2VLImageProcessor, RawImage } from '@huggingface/transformers';
import { expect, it } from 'vitest';
import { processQwenImage, type QwenImageProcessor } from '../../src/models/vlm/transformers-adapter.ts';
import { GENERATED } from '../support/test-models.ts';

const FAMILIES = ['onnx-community/Qwen2-VL-2B-Instruct', 'onnx-community/Qwen2.5-VL-3B-Instruct-ONNX', 'onnx-community/Qwen3-VL-2B-Instruct-ONNX'];

/** Images as the app sends them (pages and crops already on the model's grid of patch × merge blocks), and one under the minimum pixels that the processor enlarges. */
const SIZES_IN_BLOCKS: [number, number][] = [
  [36, 27],
  [7, 11],
  [1, 1],
];

function noise(width: number, height: number): RawImage {
  const data = Uint8ClampedArray.from({ length: width * height * 3 }, (_, i) => (Math.imul(i, 2654435761) >>> 24) & 255);
  return new RawImage(data, width, height, 3);
}

/** The first index where the two differ, or -1 (toEqual walks millions of floats far slower). */
function firstDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  return a.findIndex((value, i) => !Object.is(value, b[i]));
}

it.each(FAMILIES)('%s: pixel values and grid as its image processor makes them', { timeout: 60_000 }, async (family) => {
  const config = await (await fetch(`${GENERATED}${family}/preprocessor_config.json`)).json();
  // Qwen3-VL's config names the "Fast" variant, which transformers.js serves with this same class.
  const imageProcessor = new Qwen2VLImageProcessor(config) as unknown as QwenImageProcessor;
  const { patch_size, merge_size } = imageProcessor.config;
  for (const [across, down] of SIZES_IN_BLOCKS) {
    const image = noise(across * patch_size * merge_size, down * patch_size * merge_size);
    const expected = await imageProcessor(image);
    const got = await processQwenImage(imageProcessor, image);
    expect(got.pixel_values.dims).toEqual(expected.pixel_values.dims);
    expect(firstDifference(got.pixel_values.data as Float32Array, expected.pixel_values.data as Float32Array)).toBe(-1);
    expect(got.image_grid_thw.tolist()).toEqual(expected.image_grid_thw.tolist());
  }
});
