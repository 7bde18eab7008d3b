/**
 * OCR throughput as a user waits for it: image-only documents added one after another to a fresh
 * library (ingest worker, OCR workers, IndexedDB), timed page by page from the ingest progress.
 * The first page of the first document carries the OCR models' load and ONNX Runtime's start-up;
 * "warm" is every page after a document's first. The app's arrangement (OCR workers sized to the
 * machine, pages read side by side) runs next to one OCR worker with every core as threads, the
 * arrangement before it, in the same run. Last, the English deck is read by the OCR workers alone
 * (engineOnly), the floor under the app's figure.
 */
import { createSession } from '../../src/session/session.ts';
import { OCR_WORKER_URL } from '../../src/session/workers.ts';
import { OcrPool, ocrWorkerAt } from '../../src/ingest/ocr-pool.ts';
import { ocrPlan, type OcrPlan } from '../../src/ingest/ocr-plan.ts';
import type { IngestOptions } from '../../src/ingest/types.ts';
import { fetchShared } from '../../test/support/scripted.ts';
import { median, round } from './stats.ts';

const GOAL_PAGES_PER_SECOND = 1;
const DOCUMENTS = {
  germanwingsPdf: ['corpora/mmlongbench-dev/germanwingsdigitalcrisisanalysis-150403064828-conversion-gate01_95.pdf'],
  englishSlides1024: Array.from({ length: 20 }, (_, i) => `corpora/vrag-slides/slide_${i + 1}_1024.jpg`),
  chineseSlides5334: Array.from({ length: 6 }, (_, i) => `corpora/vrag-slides/aliyun4_${i + 1}.jpg`),
};

interface Timed {
  pages: number;
  pageMs: number[];
}

type Session = ReturnType<typeof createSession>;

/** Adds one PDF or one deck of images; returns how long each page took, first page first. */
async function timedPages(session: Session, paths: string[]): Promise<Timed> {
  const files = await Promise.all(paths.map(async (path) => ({ name: path.split('/').at(-1)!, data: await fetchShared(path) })));
  const seen = new Map<number, number>();
  const onProgress = (p: { page?: number }) => {
    if (p.page !== undefined && p.page >= 1 && !seen.has(p.page)) seen.set(p.page, performance.now());
  };
  const started = performance.now();
  const [result] = files.length === 1 ? await session.library.addFiles(files, onProgress) : [await session.library.addDeck(files, onProgress)];
  const ended = performance.now();
  if (result!.status !== 'added') throw new Error(`${paths[0]}: ${result!.status} ${result!.message ?? ''}`);
  // A page's time runs from when the reader starts waiting for it to when it waits for the next.
  const marks = [...seen.entries()].sort((a, b) => a[0] - b[0]).map(([, t]) => t);
  marks[0] = started;
  return { pages: result!.pages!, pageMs: marks.map((t, i) => (marks[i + 1] ?? ended) - t) };
}

function summary(timed: Timed) {
  const warm = timed.pageMs.slice(1);
  const warmSeconds = warm.reduce((a, b) => a + b, 0) / 1000;
  const warmPagesPerSecond = warm.length ? warm.length / warmSeconds : null;
  return {
    pages: timed.pages,
    seconds: round(timed.pageMs.reduce((a, b) => a + b, 0) / 1000, 1),
    firstPageSeconds: round(timed.pageMs[0]! / 1000, 2),
    warmPagesPerSecond: warmPagesPerSecond === null ? null : round(warmPagesPerSecond, 2),
    warmMedianPageMs: warm.length ? round(median(warm)) : null,
  };
}

/** The three documents added one after another to one fresh library. */
async function addAll(ingestOptions: Partial<IngestOptions>) {
  const name = `bench-ocr-${Math.random().toString(36).slice(2)}`;
  const session = createSession({ libraryName: name, ingestOptions });
  try {
    const out: Record<string, ReturnType<typeof summary>> = {};
    for (const [label, paths] of Object.entries(DOCUMENTS)) out[label] = summary(await timedPages(session, paths));
    return out;
  } finally {
    session.close();
    indexedDB.deleteDatabase(name);
  }
}

/**
 * The floor under the app's figure for one deck: the same OCR workers reading its pages straight
 * from decoded bitmaps (no ingest worker, no page encoding, no IndexedDB), warm, all pages asked
 * for at once. One worker on one core next to the app's workers on every core shows how far this
 * machine's cores add up for ONNX Runtime's vector code.
 */
async function engineOnly(paths: string[], appPagesPerSecond: number) {
  const pages = await Promise.all(paths.map(async (path) => createImageBitmap(await fetchShared(path))));
  const pagesPerSecond = async (plan: OcrPlan) => {
    const pool = new OcrPool('wasm', plan, ocrWorkerAt(OCR_WORKER_URL));
    try {
      // Models loaded and WebAssembly tiered up in every worker before the clock starts.
      await Promise.all(pages.slice(0, 2 * plan.workers).map((page) => pool.recognise(page)));
      const started = performance.now();
      await Promise.all(pages.map((page) => pool.recognise(page)));
      return pages.length / ((performance.now() - started) / 1000);
    } finally {
      pool.close();
    }
  };
  try {
    const plan = ocrPlan(navigator.hardwareConcurrency, crossOriginIsolated, 'wasm');
    const oneCore = await pagesPerSecond({ workers: 1, threads: 1 });
    const allCores = await pagesPerSecond(plan);
    // If every core read as fast as one core alone.
    const ceiling = oneCore * navigator.hardwareConcurrency;
    return {
      workers: plan.workers,
      oneCorePagesPerSecond: round(oneCore, 2),
      pagesPerSecond: round(allCores, 2),
      coresAddUpTo: round(allCores / oneCore, 2),
      appPagesPerSecond: round(appPagesPerSecond, 2),
      appVsEngine: round(appPagesPerSecond / allCores, 2),
      ceilingPagesPerSecond: round(ceiling, 2),
      ceilingRatioToGoal: round(ceiling / GOAL_PAGES_PER_SECOND, 2),
    };
  } finally {
    for (const page of pages) page.close();
  }
}

export async function ocrBench() {
  // The app's arrangement first: anything a browser keeps warm between sessions helps the baseline.
  const app = await addAll({});
  const oneWorker = await addAll({ ocrWorkers: 1 });
  const result: Record<string, unknown> = { cores: navigator.hardwareConcurrency, crossOriginIsolated };
  for (const label of Object.keys(DOCUMENTS)) {
    const a = app[label]!;
    const b = oneWorker[label]!;
    result[label] = {
      ...a,
      oneWorker: b,
      speedupVsOneWorker: round(b.seconds / a.seconds, 2),
      goalPagesPerSecond: GOAL_PAGES_PER_SECOND,
      ratioToGoal: a.warmPagesPerSecond === null ? null : round(a.warmPagesPerSecond / GOAL_PAGES_PER_SECOND, 2),
    };
  }
  // The deck the goal is not met on, next to the OCR workers alone: what the pipeline costs, and
  // the ceiling on this machine. The app's rate is over the whole deck, like the workers'.
  const english = app.englishSlides1024!;
  result.englishSlides1024EngineOnly = await engineOnly(DOCUMENTS.englishSlides1024, english.pages / english.seconds);
  return result;
}
