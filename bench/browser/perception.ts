/**
 * One search + crop observation as the agent makes it, in the perception worker: prepare the page
 * for the model (the search's observation), then map a box from model input to page pixels, pad,
 * crop and prepare the crop (the next turn's observation), and a crop of that crop. Between the two
 * the model reads the page (a second or more); the bench leaves it `MODEL_TURN_MS`, during which the
 * worker decodes the full page. `backToBackMs` times the same steps with no model turn between them.
 * bench/run.ts times the VRAG-RL demo's PIL path on the same slides in the same run and prints the ratio.
 */
import { bboxToSource, paddedCropRect, VRAG_PIXEL_BOUNDS } from '../../src/perception/geometry.ts';
import { startPerceptionWorker } from '../../src/perception/client.ts';
import { APP_WORKERS } from '../../src/session/workers.ts';
import { fetchShared } from '../../test/support/scripted.ts';
import { median, round, sleep } from './stats.ts';

export const PERCEPTION_SLIDES = ['aliyun4_10.jpg', 'slide_3_1024.jpg'];
const RUNS = 9;
/** The box the PIL reference maps (model-input pixels). */
const BOX = [300, 200, 500, 350] as const;
/** Shorter than any model turn measured (the prefill bench's fastest turn is over 250 ms). */
const MODEL_TURN_MS = 250;

export async function perceptionBench() {
  const perception = startPerceptionWorker(APP_WORKERS.perception);
  try {
    const out: Record<string, unknown> = {};
    for (const name of PERCEPTION_SLIDES) {
      const bytes = await (await fetchShared(`corpora/vrag-slides/${name}`)).arrayBuffer();
      // A fresh Blob each run: nothing decoded in an earlier run is reused, as a new episode would find it.
      const observe = async (modelTurnMs: number) => {
        const started = performance.now();
        const page = await perception.preparePage(new Blob([bytes], { type: 'image/jpeg' }), VRAG_PIXEL_BOUNDS);
        const pageMs = performance.now() - started;
        await sleep(modelTurnMs);
        const cropStarted = performance.now();
        const input = { width: page.input.width, height: page.input.height };
        const rect = paddedCropRect(bboxToSource(BOX, 'absolute', page.sourceSize, input), page.sourceSize)!;
        const crop = await perception.crop(page, rect, VRAG_PIXEL_BOUNDS);
        const cropMs = performance.now() - cropStarted;
        await crop.source; // the PNG for the UI, encoded after the model has its input
        return { pageMs, cropMs, crop, totalMs: pageMs + cropMs };
      };
      await observe(MODEL_TURN_MS); // warm-up
      const runs: Awaited<ReturnType<typeof observe>>[] = [];
      const cropOfCrop: number[] = [];
      const backToBack: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const run = await observe(MODEL_TURN_MS);
        runs.push(run);
        const again = performance.now();
        const half = { x: 10, y: 10, width: Math.max(1, run.crop.sourceSize.width >> 1), height: Math.max(1, run.crop.sourceSize.height >> 1) };
        await perception.crop(run.crop, half, VRAG_PIXEL_BOUNDS);
        cropOfCrop.push(performance.now() - again);
        backToBack.push((await observe(0)).totalMs);
      }
      out[name] = {
        observationMs: round(median(runs.map((r) => r.totalMs)), 2),
        pageMs: round(median(runs.map((r) => r.pageMs)), 2),
        cropMs: round(median(runs.map((r) => r.cropMs)), 2),
        cropOfCropMs: round(median(cropOfCrop), 2),
        backToBackMs: round(median(backToBack), 2),
        modelTurnMs: MODEL_TURN_MS,
        runs: RUNS,
      };
    }
    return out;
  } finally {
    perception.terminate();
  }
}
