/**
 * Search benchmark: `npx tsx bench/search.bench.ts` prints one JSON object with dense top-k latency
 * (fast path, naive baseline, int8 with the floor of one plain pass over its bytes) at 1k/10k/100k
 * synthetic pages (int8 through the store's own codec), the int8-vs-float32 top-10
 * overlap on random and clustered vectors, and BM25 query latency on a synthetic corpus.
 */
import { baselineBm25 } from '../src/eval/baseline-bm25.ts';
import { searchDocuments } from '../src/retrieval/text/bm25.ts';
import { buildDocumentTerms, openDocumentTerms, type DocumentTerms } from '../src/retrieval/text/term-index.ts';
import { docIdOf } from '../src/page-id.ts';
import { DenseIndex, int8Index, naiveTopRows } from './dense-reference.ts';
import { clusteredUnitVectors, overlap, randomUnitVectors, seededRandom, syntheticCorpus } from './synthetic.ts';

const DIMS = 384;
const K = 10;

interface Latency {
  p50: number;
  p95: number;
  runs: number;
}

function latency(runs: number, fn: (run: number) => void): Latency {
  for (let i = 0; i < Math.min(3, runs); i++) fn(i); // warm-up: let the JIT settle
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn(i);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => round(times[Math.min(times.length - 1, Math.floor(q * times.length))]!);
  return { p50: at(0.5), p95: at(0.95), runs };
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;
const ids = (count: number) => Array.from({ length: count }, (_, i) => `p${i}`);
const queryAt = (queries: Float32Array, i: number) => queries.subarray((i % (queries.length / DIMS)) * DIMS, ((i % (queries.length / DIMS)) + 1) * DIMS);

function denseLatency(data: Float32Array, runs: number, naiveRuns: number) {
  const pages = data.length / DIMS;
  const queries = randomUnitVectors(64, DIMS, 7);
  const exact = new DenseIndex(ids(pages), data, DIMS);
  const int8 = int8Index(exact.pageIds, data, DIMS);
  let identical = true;
  for (let i = 0; i < 8; i++) {
    const fast = exact.search(queryAt(queries, i), K).map((p) => p.pageId);
    const naive = naiveTopRows(data, DIMS, queryAt(queries, i), K).map((r) => `p${r.row}`);
    identical &&= fast.join() === naive.join();
  }
  const int8Time = latency(runs, (i) => int8.search(queryAt(queries, i), K));
  // The floor: one plain pass that reads every byte the int8 search reads, and nothing else.
  const floor = latency(runs, () => readEveryByte(int8.matrix.data));
  return {
    pages,
    float32: latency(runs, (i) => exact.search(queryAt(queries, i), K)),
    naive: latency(naiveRuns, (i) => naiveTopRows(data, DIMS, queryAt(queries, i), K)),
    int8: int8Time,
    int8Floor: floor,
    int8OverFloor: round(int8Time.p50 / floor.p50),
    fastEqualsNaive: identical,
  };
}

let sink = 0;
function readEveryByte(data: Int8Array): void {
  let sum = 0;
  for (let i = 0; i < data.length; i++) sum += data[i]!;
  sink ^= sum;
}

function int8Overlap(data: Float32Array, queries: Float32Array) {
  const pages = data.length / DIMS;
  const exact = new DenseIndex(ids(pages), data, DIMS);
  const int8 = int8Index(ids(pages), data, DIMS);
  const count = queries.length / DIMS;
  let sum = 0;
  let worst = 1;
  for (let i = 0; i < count; i++) {
    const want = exact.search(queryAt(queries, i), K).map((p) => p.pageId);
    const got = int8.search(queryAt(queries, i), K).map((p) => p.pageId);
    const o = overlap(want, got);
    sum += o;
    worst = Math.min(worst, o);
  }
  return { pages, queries: count, meanTop10Overlap: round(sum / count), worstTop10Overlap: worst };
}

/**
 * BM25 kept per document (100-page documents): what one add writes, reading every stored index
 * back (a structured clone, as IndexedDB does) and opening it, and a query over all of them, next to
 * the plain baseline in the same run.
 */
function bm25Latency(pages: number) {
  const corpus = syntheticCorpus(pages, 150, 20_000, 3).map((p, i) => ({ pageId: `doc${Math.floor(i / 100)}:${(i % 100) + 1}`, text: p.text }));
  const byDoc = new Map<string, typeof corpus>();
  for (const page of corpus) {
    const doc = docIdOf(page.pageId);
    byDoc.set(doc, [...(byDoc.get(doc) ?? []), page]);
  }
  const buildStart = performance.now();
  const stored = [...byDoc].map(([doc, docPages]) => buildDocumentTerms(doc, docPages));
  const buildMs = performance.now() - buildStart;
  const bytes = stored.map(storedBytes);
  const loadStart = performance.now();
  const loaded = stored.map((d) => openDocumentTerms(structuredClone(d))!);
  const loadMs = performance.now() - loadStart;
  const random = seededRandom(11);
  const queries = Array.from({ length: 100 }, () => {
    const words = corpus[Math.floor(random() * pages)]!.text.split(' ');
    return Array.from({ length: 3 }, () => words[Math.floor(random() * words.length)]).join(' ');
  });
  const baseline = baselineBm25(corpus);
  const runs = pages > 20_000 ? 30 : 100;
  return {
    pages,
    wordsPerPage: 150,
    buildMs: round(buildMs),
    perDocumentWriteKB: round(Math.max(...bytes) / 1e3),
    allDocumentsMB: round(bytes.reduce((n, b) => n + b, 0) / 1e6),
    bytesPerPage: Math.round(bytes.reduce((n, b) => n + b, 0) / pages),
    loadMs: round(loadMs),
    query: latency(runs, (i) => searchDocuments(loaded, queries[i]!, K)),
    baselineQuery: latency(runs, (i) => baseline(queries[i]!, K)),
  };
}

/** Bytes of the stored form: the vocabulary strings (UTF-16, as IndexedDB keeps them) and the typed arrays. */
function storedBytes(d: DocumentTerms): number {
  const field = (f: DocumentTerms['body']) => f.vocabulary.length * 2 + f.offsets.byteLength + f.postings.byteLength + f.lengths.byteLength + f.maxFrequency.byteLength;
  return field(d.body) + field(d.context) + d.ocr.byteLength + d.pageIds.reduce((n, id) => n + id.length * 2, 0);
}

const started = performance.now();
const largest = randomUnitVectors(100_000, DIMS, 21);
const dense = [
  denseLatency(largest.subarray(0, 1_000 * DIMS), 200, 200),
  denseLatency(largest.subarray(0, 10_000 * DIMS), 100, 50),
  denseLatency(largest, 40, 15),
];
const int8Recall = {
  random: int8Overlap(largest, randomUnitVectors(50, DIMS, 22)),
  clustered: int8Overlap(clusteredUnitVectors(100_000, DIMS, 200, 0.5, 31), clusteredUnitVectors(50, DIMS, 200, 0.5, 31 + 1000)),
};
const bm25 = [bm25Latency(10_000), bm25Latency(100_000)];
const bm25Growth = { queryP50: round(bm25[1]!.query.p50 / bm25[0]!.query.p50), baselineP50: round(bm25[1]!.baselineQuery.p50 / bm25[0]!.baselineQuery.p50), pages: 10 };
console.log(
  JSON.stringify({
    dims: DIMS,
    k: K,
    unit: 'ms',
    node: process.version,
    dense,
    int8Recall,
    bm25,
    bm25Growth,
    totalSeconds: round((performance.now() - started) / 1000),
    sink: sink & 1, // keeps the floor loop from being optimised away
  }),
);
