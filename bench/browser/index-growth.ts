/**
 * What adding a document costs the text index as the library grows: the per-document BM25 index
 * (built from the document's own pages, written under its own key) timed for the 1st to the 60th
 * 40-page document in IndexedDB, next to what a single whole-library index (the earlier design)
 * would rebuild and write at the same sizes, in the same run.
 */
import { buildDocumentTerms } from '../../src/retrieval/text/term-index.ts';
import { TextIndexes } from '../../src/retrieval/text-indexes.ts';
import { DocumentStore } from '../../src/store/index.ts';
import { syntheticCorpus } from '../synthetic.ts';
import { median, round } from './stats.ts';

const DOCUMENTS = 60;
const PAGES = 40;
const MEASURED = new Set([1, 20, 40, 60]);

export async function indexGrowthBench() {
  const name = `bench-index-${Math.random().toString(36).slice(2)}`;
  const store = new DocumentStore(name);
  const indexes = new TextIndexes(store);
  const blob = new Blob([new Uint8Array(16)], { type: 'image/png' });
  const corpus = syntheticCorpus(DOCUMENTS * PAGES, 150, 20_000, 5);
  const rows = [];
  try {
    for (let d = 1; d <= DOCUMENTS; d++) {
      const id = d.toString(16).padStart(64, '0');
      await store.beginDocument({ id, name: `doc ${d}.pdf`, mimeType: 'application/pdf', byteSize: 1000, pageCount: PAGES });
      for (let p = 1; p <= PAGES; p++) {
        const text = corpus[(d - 1) * PAGES + p - 1]!.text;
        await store.putPage(id, { page: { pageNumber: p, width: 100, height: 100, ocr: false }, text: { text }, blobs: { image: blob, thumbnail: blob } });
      }
      await store.finishDocument(id);
      if (!MEASURED.has(d)) {
        await indexes.indexDocument(id);
        continue;
      }
      const perDocument: number[] = [];
      const wholeLibrary: number[] = [];
      for (let run = 0; run < 3; run++) {
        let started = performance.now();
        await indexes.indexDocument(id);
        perDocument.push(performance.now() - started);
        started = performance.now();
        const all = await store.allPageTexts();
        await store.saveValue('bench:whole-library', buildDocumentTerms('library', all));
        wholeLibrary.push(performance.now() - started);
      }
      rows.push({ documents: d, pages: d * PAGES, addMs: round(median(perDocument)), wholeLibraryMs: round(median(wholeLibrary)) });
    }
    const first = rows[0]!;
    const last = rows.at(-1)!;
    return {
      rows,
      lastOverFirst: { perDocument: round(last.addMs / first.addMs), wholeLibrary: round(last.wholeLibraryMs / first.wholeLibraryMs) },
      openTenThousandPages: await openLargeLibrary(),
    };
  } finally {
    store.close();
    indexedDB.deleteDatabase(name);
  }
}

/**
 * A 10,000-page library (100 documents of 100 pages) opened cold: a new store and text index read
 * every document's stored index from IndexedDB and answer the first search (goal: under 1 s);
 * then a warm search.
 */
async function openLargeLibrary() {
  const name = `bench-open-${Math.random().toString(36).slice(2)}`;
  const corpus = syntheticCorpus(10_000, 150, 20_000, 3);
  const writer = new DocumentStore(name);
  const ids = Array.from({ length: 100 }, (_, d) => `doc${d}`);
  try {
    for (const [d, id] of ids.entries()) {
      const pages = corpus.slice(d * 100, d * 100 + 100).map((p, i) => ({ pageId: `${id}:${i + 1}`, text: p.text }));
      await writer.saveValue(`bm25:${id}`, buildDocumentTerms(id, pages));
    }
    writer.close();
    const words = corpus[4321]!.text.split(' ');
    const started = performance.now();
    const store = new DocumentStore(name);
    const indexes = new TextIndexes(store);
    await indexes.search(`${words[3]} ${words[40]} ${words[90]}`, 10, ids);
    const firstSearchMs = performance.now() - started;
    const warmStarted = performance.now();
    await indexes.search(`${words[5]} ${words[60]}`, 10, ids);
    const warmSearchMs = performance.now() - warmStarted;
    store.close();
    return { pages: 10_000, documents: 100, firstSearchMs: round(firstSearchMs), warmSearchMs: round(warmSearchMs), goalMs: 1000 };
  } finally {
    indexedDB.deleteDatabase(name);
  }
}
