/**
 * One search + crop observation as the agent makes it, in the perception worker: prepare the page
 * for the model, map a box from model input to page pixels, pad, crop, prepare the crop (and a crop
 * of that crop, cut from the page decoded once). bench/run.ts times the VRAG-RL demo's PIL path on
 * the same slides in the same run and prints the ratio.
 */
import { bboxToSource, paddedCropRect, VRAG_PIXEL_BOUNDS } from '../../src/perception/geometry.ts';
import { startPerceptionWorker } from '../../src/perception/client.ts';
import { fetchShared } from '../../test/support/scripted.ts';
import { median, round } from './stats.ts';

export const PERCEPTION_SLIDES = ['aliyun4_10.jpg', 'slide_3_1024.jpg'];
const RUNS = 9;
/** The box the PIL reference maps (model-input pixels). */
const BOX = [300, 200, 500, 350] as const;

export async function perceptionBench() {
  const perception = startPerceptionWorker();
  try {
    const out: Record<string, unknown> = {};
    for (const name of PERCEPTION_SLIDES) {
      const bytes = await (await fetchShared(`corpora/vrag-slides/${name}`)).arrayBuffer();
      const observe = async () => {
        // A fresh Blob each run: nothing decoded in an earlier run is reused, as a new episode would find it.
        const page = await perception.preparePage(new Blob([bytes], { type: 'image/jpeg' }), VRAG_PIXEL_BOUNDS);
        const input = { width: page.input.width, height: page.input.height };
        const rect = paddedCropRect(bboxToSource(BOX, 'absolute', page.sourceSize, input), page.sourceSize)!;
        return { page, crop: await perception.crop(page, rect, VRAG_PIXEL_BOUNDS) };
      };
      await observe(); // warm-up
      const times: number[] = [];
      const cropOfCrop: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const started = performance.now();
        const { crop } = await observe();
        times.push(performance.now() - started);
        const again = performance.now();
        await perception.crop(crop, { x: 10, y: 10, width: Math.max(1, crop.sourceSize.width >> 1), height: Math.max(1, crop.sourceSize.height >> 1) }, VRAG_PIXEL_BOUNDS);
        cropOfCrop.push(performance.now() - again);
      }
      out[name] = { observationMs: round(median(times), 2), cropOfCropMs: round(median(cropOfCrop), 2), runs: RUNS };
    }
    return out;
  } finally {
    perception.terminate();
  }
}
