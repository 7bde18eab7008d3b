/**
 * Qwen-VL's patches of one image, as its image processor lays them out: the image repeated over
 * the temporal patch, cut into patch × patch squares, the squares of each merge × merge block
 * together, each row one square's channels, frames and pixels. transformers.js gets there with a
 * generic nine-axis permute that takes about 0.25 s for a 1008 × 756 page on WASM; this copies
 * rows of `patch` floats straight into place (test/unit/qwen-patches.test.ts checks it against
 * that permute, test/browser/qwen-patches.test.ts against the processor).
 */

export interface PatchSizes {
  patch: number;
  merge: number;
  /** Frames per patch: a still image is repeated this many times. */
  temporal: number;
}

/** `chw`: channels × height × width floats, height and width multiples of patch × merge. Returns (rows, rowLength) with rows = (height / patch) × (width / patch). */
export function qwenPatches(chw: Float32Array, channels: number, height: number, width: number, { patch, merge, temporal }: PatchSizes): { data: Float32Array; rows: number; rowLength: number } {
  const block = patch * merge;
  if (height % block !== 0 || width % block !== 0) throw new RangeError(`An image of ${width}×${height} is not a whole number of ${block}-pixel blocks.`);
  const rowLength = channels * temporal * patch * patch;
  const rows = (height / patch) * (width / patch);
  const data = new Float32Array(rows * rowLength);
  let at = 0;
  for (let blockY = 0; blockY < height; blockY += block) {
    for (let blockX = 0; blockX < width; blockX += block) {
      for (let y0 = blockY; y0 < blockY + block; y0 += patch) {
        for (let x0 = blockX; x0 < blockX + block; x0 += patch) {
          for (let c = 0; c < channels; c++) {
            for (let t = 0; t < temporal; t++) {
              for (let y = y0; y < y0 + patch; y++) {
                const from = (c * height + y) * width + x0;
                data.set(chw.subarray(from, from + patch), at);
                at += patch;
              }
            }
          }
        }
      }
    }
  }
  return { data, rows, rowLength };
}
