/**
 * Ingestion throughput (text PDF; image-only PDF with OCR time apart), browser memory at its peak
 * while the 231-page 10-K is ingested into IndexedDB, and the text index's cold-start load time.
 */
import type { DocumentTerms } from '../../src/retrieval/text/term-index.ts';
import { createSession } from '../../src/session/session.ts';
import { fetchShared } from '../../test/support/scripted.ts';
import { phase, round, sleep, timed } from './stats.ts';

const TEXT_PDF = 'corpora/financebench-scale/3M_2018_10K.pdf';
const IMAGE_PDF = 'corpora/mmlongbench-dev/germanwingsdigitalcrisisanalysis-150403064828-conversion-gate01_95.pdf';
const BIG_PDF = 'corpora/financebench-scale/AMD_2017_10K.pdf';
const IMAGE_PDF_PAGES = 6;

/** Ingests one file into a fresh library; times the whole run and the OCR phases in it. */
async function ingestTimed(path: string, maxPages: number, memoryPhase?: string) {
  const name = `bench-${Math.random().toString(36).slice(2)}`;
  const session = createSession({ libraryName: name, ingestOptions: { maxPages, onTooManyPages: 'truncate' } });
  const library = session.library;
  const data = await fetchShared(path);
  let ocrMs = 0;
  let ocrStarted: number | null = null;
  if (memoryPhase) await phase(memoryPhase);
  const started = performance.now();
  const [result] = await library.addFiles([{ name: path.split('/').at(-1)!, data }], (p) => {
    const now = performance.now();
    if (ocrStarted !== null) ocrMs += now - ocrStarted;
    ocrStarted = p.phase === 'ocr' ? now : null;
  });
  const totalMs = performance.now() - started;
  if (memoryPhase) await phase(null);
  if (result!.status !== 'added') throw new Error(`${path}: ${result!.status} ${result!.message ?? ''}`);
  const pages = result!.pages!;
  return { session, name, pages, totalMs, ocrMs, docId: result!.docId! };
}

async function dispose(run: Awaited<ReturnType<typeof ingestTimed>>) {
  run.session.close();
  indexedDB.deleteDatabase(run.name);
}

export async function ingestBench() {
  const text = await ingestTimed(TEXT_PDF, 40);
  await dispose(text);

  const image = await ingestTimed(IMAGE_PDF, IMAGE_PDF_PAGES);
  await dispose(image);

  const big = await ingestTimed(BIG_PDF, 1000, 'ingest:peakBrowserRssMB');
  const stored = await bytesPerPage(big.session, big.docId);
  // Cold start: a new session (a fresh search worker) reads the document's stored BM25 index from IndexedDB.
  const opened = performance.now();
  const reopened = createSession({ libraryName: big.name });
  await reopened.retriever().search('revenue by segment', 10);
  const coldStartMs = performance.now() - opened;
  const warmMs = await timed(() => reopened.retriever().search('gross margin', 10));
  reopened.close();
  // The app opened a moment before the first search: the search worker has read the indexes meanwhile.
  const settled = createSession({ libraryName: big.name });
  await sleep(1000);
  const settledMs = await timed(() => settled.retriever().search('revenue by segment', 10));
  settled.close();
  await dispose(big);

  return {
    textPdf: { file: TEXT_PDF, pages: text.pages, pagesPerSecond: round(text.pages / (text.totalMs / 1000), 2) },
    imageOnlyPdf: {
      file: IMAGE_PDF,
      pages: image.pages,
      pagesPerSecond: round(image.pages / (image.totalMs / 1000), 2),
      ocrSeconds: round(image.ocrMs / 1000),
      otherSeconds: round((image.totalMs - image.ocrMs) / 1000),
    },
    bigPdf: { file: BIG_PDF, pages: big.pages, seconds: round(big.totalMs / 1000), storedBytesPerPage: stored },
    indexColdStart: {
      pages: big.pages,
      firstSearchMs: round(coldStartMs),
      firstSearchOneSecondAfterOpenMs: round(settledMs),
      warmSearchMs: round(warmMs),
    },
  };
}

/** What the library keeps per page of a document, by part: page image, thumbnail, text (with line boxes) and its share of the text index. */
async function bytesPerPage(session: ReturnType<typeof createSession>, docId: string) {
  const store = session.store;
  const texts = await store.pageTexts(docId);
  let image = 0;
  let thumbnail = 0;
  let text = 0;
  for (const page of texts) {
    image += (await store.pageImage(page.pageId)).size;
    thumbnail += (await store.thumbnail(page.pageId)).size;
    text += JSON.stringify({ text: page.text, lines: page.lines ?? [] }).length;
  }
  const index = await store.loadValue<DocumentTerms>(`bm25:${docId}`);
  const field = (f: DocumentTerms['body']) => f.vocabulary.length * 2 + f.offsets.byteLength + f.postings.byteLength + f.lengths.byteLength + f.maxFrequency.byteLength;
  const indexBytes = index ? field(index.body) + field(index.context) + index.bodyOrContext.byteLength : 0;
  const pages = Math.max(1, texts.length);
  return { image: Math.round(image / pages), thumbnail: Math.round(thumbnail / pages), text: Math.round(text / pages), textIndex: Math.round(indexBytes / pages) };
}
