/**
 * OCR throughput as a user waits for it: image-only documents added to a fresh library (ingest
 * worker, IndexedDB), timed page by page from the ingest progress. The first page carries the OCR
 * models' load and ONNX Runtime's start-up; the rest are "warm" pages.
 */
import { createSession } from '../../src/session/session.ts';
import { fetchShared } from '../../test/support/scripted.ts';
import { median, round } from './stats.ts';

const GOAL_PAGES_PER_SECOND = 1;
const GERMANWINGS = 'corpora/mmlongbench-dev/germanwingsdigitalcrisisanalysis-150403064828-conversion-gate01_95.pdf';
const ENGLISH_SLIDES = Array.from({ length: 20 }, (_, i) => `corpora/vrag-slides/slide_${i + 1}_1024.jpg`);
const CHINESE_SLIDES = Array.from({ length: 6 }, (_, i) => `corpora/vrag-slides/aliyun4_${i + 1}.jpg`);

interface Timed {
  pages: number;
  pageMs: number[];
}

/** Adds one PDF or one deck of images; returns how long each page took, first page first. */
async function timedPages(paths: string[]): Promise<Timed> {
  const name = `bench-ocr-${Math.random().toString(36).slice(2)}`;
  const session = createSession({ libraryName: name });
  try {
    const files = await Promise.all(paths.map(async (path) => ({ name: path.split('/').at(-1)!, data: await fetchShared(path) })));
    const starts = new Map<number, number>();
    const onProgress = (p: { page?: number }) => {
      if (p.page !== undefined && !starts.has(p.page)) starts.set(p.page, performance.now());
    };
    const started = performance.now();
    const [result] = files.length === 1 ? await session.library.addFiles(files, onProgress) : [await session.library.addDeck(files, onProgress)];
    const ended = performance.now();
    if (result!.status !== 'added') throw new Error(`${paths[0]}: ${result!.status} ${result!.message ?? ''}`);
    const marks = [...starts.entries()].sort((a, b) => a[0] - b[0]).map(([, t]) => t);
    marks[0] = started;
    const pageMs = marks.map((t, i) => (marks[i + 1] ?? ended) - t);
    return { pages: result!.pages!, pageMs };
  } finally {
    session.close();
    indexedDB.deleteDatabase(name);
  }
}

function summary(label: string, timed: Timed) {
  const warm = timed.pageMs.slice(1);
  const warmPagesPerSecond = warm.length ? warm.length / (warm.reduce((a, b) => a + b, 0) / 1000) : null;
  return {
    [label]: {
      pages: timed.pages,
      firstPageSeconds: round(timed.pageMs[0]! / 1000, 2),
      warmPagesPerSecond: warmPagesPerSecond === null ? null : round(warmPagesPerSecond, 2),
      warmMedianPageMs: warm.length ? round(median(warm)) : null,
      goalPagesPerSecond: GOAL_PAGES_PER_SECOND,
      ratioToGoal: warmPagesPerSecond === null ? null : round(warmPagesPerSecond / GOAL_PAGES_PER_SECOND, 2),
    },
  };
}

export async function ocrBench() {
  return {
    ...summary('germanwingsPdf', await timedPages([GERMANWINGS])),
    ...summary('englishSlides1024', await timedPages(ENGLISH_SLIDES)),
    ...summary('chineseSlides5334', await timedPages(CHINESE_SLIDES)),
  };
}
