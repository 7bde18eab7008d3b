import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import type { IngestEvent } from '../../src/ingest/ingest.ts';
import type { DocumentInfo, IngestedPage, IngestOptions, IngestProgress } from '../../src/ingest/types.ts';
import { startIngestWorker } from '../../src/ingest/client.ts';
import { APP_WORKERS, OCR_WORKER_URL } from '../../src/session/workers.ts';
import { openPdf, renderPdfPage } from '../../src/ingest/pdf.ts';
import { fetchShared } from '../support/scripted.ts';
import { handWrittenPdf } from '../support/pdf.ts';

const ACL_PDF = 'corpora/mmlongbench-dev/2023.acl-long.386.pdf';
const GERMANWINGS_PDF = 'corpora/mmlongbench-dev/germanwingsdigitalcrisisanalysis-150403064828-conversion-gate01_95.pdf';

const ingest = startIngestWorker(APP_WORKERS.ingest, OCR_WORKER_URL);
afterAll(() => ingest.terminate());

interface Run {
  info: DocumentInfo;
  pages: IngestedPage[];
  progress: IngestProgress[];
  ms: number;
}

async function run(file: Blob, name: string, options: Partial<IngestOptions> = {}): Promise<Run> {
  const start = performance.now();
  const progress: IngestProgress[] = [];
  let info: DocumentInfo | undefined;
  const pages: IngestedPage[] = [];
  for await (const event of ingest.ingestFile(file, name, options, (p) => progress.push(p))) {
    if (event.kind === 'document') info = event.info;
    else pages.push(event.page);
  }
  return { info: info!, pages, progress, ms: performance.now() - start };
}

async function failure(file: Blob, name: string, options: Partial<IngestOptions> = {}): Promise<AppError> {
  try {
    await run(file, name, options);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error(`ingesting ${name} should have failed`);
}

async function decode(blob: Blob): Promise<{ width: number; height: number; data: Uint8ClampedArray }> {
  const bitmap = await createImageBitmap(blob);
  const ctx = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0);
  return { width: bitmap.width, height: bitmap.height, data: ctx.getImageData(0, 0, bitmap.width, bitmap.height).data };
}

function meanLuminance(image: { width: number; data: Uint8ClampedArray }, [x1, y1, x2, y2]: number[]): number {
  let sum = 0;
  let n = 0;
  for (let y = y1!; y < y2!; y++) {
    for (let x = x1!; x < x2!; x++) {
      const i = (y * image.width + x) * 4;
      sum += 0.299 * image.data[i]! + 0.587 * image.data[i + 1]! + 0.114 * image.data[i + 2]!;
      n++;
    }
  }
  return sum / n;
}

const squash = (text: string) => text.replace(/\s+/g, '').toUpperCase();

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function pngChunk(type: string, data: Uint8Array): Uint8Array<ArrayBuffer> {
  const chunk = new Uint8Array(12 + data.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.length);
  chunk.set(new TextEncoder().encode(type), 4);
  chunk.set(data, 8);
  let crc = 0xffffffff;
  for (const b of chunk.subarray(4, 8 + data.length)) crc = CRC_TABLE[(crc ^ b) & 0xff]! ^ (crc >>> 8);
  view.setUint32(8 + data.length, (crc ^ 0xffffffff) >>> 0);
  return chunk;
}

/** A complete, valid 1-bit greyscale PNG of width x height black pixels (zlib-compressed rows, streamed). */
async function hugePng(width: number, height: number): Promise<Blob> {
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, width);
  new DataView(ihdr.buffer).setUint32(4, height);
  ihdr.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale, deflate, no filter, no interlace
  const rowBytes = 1 + Math.ceil(width / 8);
  const rowsPerChunk = 256;
  let row = 0;
  const rows = new ReadableStream<Uint8Array<ArrayBuffer>>({
    pull(controller) {
      const n = Math.min(rowsPerChunk, height - row);
      controller.enqueue(new Uint8Array(n * rowBytes));
      row += n;
      if (row >= height) controller.close();
    },
  });
  const idat = new Uint8Array(await new Response(rows.pipeThrough(new CompressionStream('deflate'))).arrayBuffer());
  const signature = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return new Blob([signature, pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND', new Uint8Array())], { type: 'image/png' });
}

describe('ingesting a PDF with a text layer', () => {
  it('yields the pages of a 24-page paper with their text, line boxes on the ink, and capped images', async () => {
    const { info, pages, progress, ms } = await run(await fetchShared(ACL_PDF), 'acl.pdf', { maxPages: 6 });
    console.log(`text PDF: ${pages.length} pages in ${Math.round(ms)} ms (${((pages.length * 1000) / ms).toFixed(1)} pages/s)`);
    expect(info).toMatchObject({ name: 'acl.pdf', type: 'pdf', pageCount: 6, sourcePageCount: 24 });
    expect(pages.map((p) => p.pageNumber)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(pages.every((p) => !p.ocr && Math.max(p.width, p.height) === 2000)).toBe(true);
    expect(progress.filter((p) => p.phase === 'rendering').map((p) => p.page)).toEqual(pages.map((p) => p.pageNumber));
    expect(progress.at(-1)).toEqual({ phase: 'done', page: 6, pageCount: 6 });

    const first = pages[0]!;
    expect(first.text).toContain('Fact-Checking Complex Claims with Program-Guided Reasoning');
    expect(first.text).toContain('Association for Computational Linguistics');
    expect(first.image.type).toBe('image/jpeg');
    const image = await decode(first.image);
    expect({ width: image.width, height: image.height }).toEqual({ width: first.width, height: first.height });
    const thumbnail = await decode(first.thumbnail);
    expect(Math.max(thumbnail.width, thumbnail.height)).toBe(256);

    // The title's box must sit on the rendered title: dark ink inside, white paper just above the page's text.
    const title = first.lines.find((l) => l.text.startsWith('Fact-Checking Complex Claims'))!;
    expect(title.score).toBe(1);
    const [x1, y1, x2, y2] = title.box;
    expect(x1).toBeGreaterThanOrEqual(0);
    expect(x2).toBeLessThanOrEqual(first.width);
    expect(y1).toBeLessThan(first.height / 4);
    expect(meanLuminance(image, title.box)).toBeLessThan(200);
    expect(meanLuminance(image, [x1, 5, x2, 25])).toBeGreaterThan(250);
    expect(pages[1]!.text).toContain('James Cameron');
  });

  it('loads standard fonts and CJK CMaps from the app for fonts a PDF does not embed', async () => {
    // Helvetica is not embedded (pdf.js needs its standard font data to draw it); the Chinese text uses
    // the predefined UniGB-UCS2-H CMap and Adobe-GB1 (pdf.js needs the bundled .bcmap files to read it).
    const fonts =
      '/F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> ' +
      '/F2 << /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [<< /Type /Font ' +
      '/Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> ' +
      '/FontDescriptor << /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [0 -200 1000 900] /ItalicAngle 0 ' +
      '/Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >> >>] >>';
    const content = 'BT /F1 24 Tf 10 250 Td (Hello fonts) Tj ET BT /F2 24 Tf 10 200 Td <4E2D6587> Tj ET';
    const { pages } = await run(handWrittenPdf(1, { content, fonts }), 'fonts.pdf', { ocr: 'off', maxImageSide: 600 });
    const [page] = pages;
    expect(page!.text).toBe('Hello fonts\n中文');
    const hello = page!.lines[0]!;
    expect(meanLuminance(await decode(page!.image), hello.box)).toBeLessThan(220);
  });

  it('cuts a document to maxPages with a message, or refuses it when asked to', async () => {
    const pdf = await fetchShared(ACL_PDF);
    const cut = await run(pdf, 'acl.pdf', { maxPages: 2, maxImageSide: 800 });
    expect(cut.info.pageCount).toBe(2);
    expect(cut.info.truncated).toBe('“acl.pdf” has 24 pages; only the first 2 were added.');
    expect(cut.pages.map((p) => [p.pageNumber, Math.max(p.width, p.height)])).toEqual([
      [1, 800],
      [2, 800],
    ]);
    const refused = await failure(pdf, 'acl.pdf', { maxPages: 2, onTooManyPages: 'error' });
    expect(refused.code).toBe('too-many-pages');
    expect(refused.message).toContain('24 pages; at most 2');
  });
});

describe('OCR (PaddleOCR PP-OCRv4 on ONNX Runtime Web, wasm)', () => {
  it('reads the image-only Germanwings PDF, which has no text layer', async () => {
    const { pages, progress, ms } = await run(await fetchShared(GERMANWINGS_PDF), 'germanwings.pdf', { maxPages: 2 });
    console.log(`image-only PDF: ${pages.length} pages in ${Math.round(ms)} ms, including the first OCR model load`);
    expect(pages).toHaveLength(2);
    expect(pages.every((p) => p.ocr)).toBe(true);
    expect(progress.filter((p) => p.phase === 'ocr').map((p) => p.page)).toEqual([1, 2]);
    const [cover, facts] = pages.map((p) => squash(p.text));
    expect(cover).toContain('GERMANWINGS9525');
    expect(cover).toContain('DIGITALCRISISANALYSIS');
    expect(cover).toContain('25-03-2015');
    expect(facts).toContain('QUICKFACTS');
    expect(facts).toContain('FATALITIES:150');
    expect(facts).toContain('AIRBUSA320');
    const line = pages[1]!.lines.find((l) => squash(l.text).includes('QUICKFACTS'))!;
    // The heading sits at the top left of the slide.
    expect(line.box[0]).toBeLessThan(pages[1]!.width / 4);
    expect(line.box[1]).toBeLessThan(pages[1]!.height / 6);
    expect(line.score).toBeGreaterThan(0.8);
  });

  it('reads light text on dark ground, which the detector finds only on the inverted page', async () => {
    // Page 19 of the Germanwings deck: a tweet-count chart whose white numbers sit on dark bars.
    const pdf = await openPdf(new Uint8Array(await (await fetchShared(GERMANWINGS_PDF)).arrayBuffer()), 'germanwings.pdf');
    const { canvas } = await renderPdfPage(await pdf.getPage(19), 1200);
    const image = await canvas.convertToBlob({ type: 'image/png' });
    const { pages } = await run(image, 'germanwings-19.png');
    const text = squash(pages[0]!.text);
    for (const count of ['496753', '442555', '278465', '243803']) expect(text).toContain(count);
  });

  it('reads an English slide image', async () => {
    const { info, pages, ms } = await run(await fetchShared('corpora/vrag-slides/slide_1_1024.jpg'), 'slide_1_1024.jpg');
    console.log(`English slide OCR: ${Math.round(ms)} ms`);
    expect(info.type).toBe('jpeg');
    const [page] = pages;
    expect(page!.ocr).toBe(true);
    expect({ width: page!.width, height: page!.height }).toEqual({ width: 1024, height: 768 });
    const text = squash(page!.text);
    // The title's two boxes meet between ONLINE and TRAVEL, and the second crop holds a sliver of the
    // E: the float and 8-bit recognisers read it as an E or not depending on a batch's padding.
    expect(text).toMatch(/APACONLINEE?TRAVELMARKET/);
    for (const word of ['SUPERCONSUMERS', 'SUSHANTSHARMA', 'GMAIL.COM', '+85265711590']) expect(text).toContain(word);
  });

  it('downscales a 5334x3000 Chinese slide and reads its Chinese text', async () => {
    const { pages, ms } = await run(await fetchShared('corpora/vrag-slides/aliyun4_1.jpg'), 'aliyun4_1.jpg');
    console.log(`Chinese slide OCR: ${Math.round(ms)} ms`);
    const [page] = pages;
    expect({ width: page!.width, height: page!.height }).toEqual({ width: 2000, height: 1125 });
    expect(page!.text).toContain('更加安全、可靠的数据中心网络');
    expect(page!.text).toContain('云栖大会');
  });
});

describe('decks and OCR workers', () => {
  const slide = async (n: number) => ({ name: `slide_${n}_1024.jpg`, data: await fetchShared(`corpora/vrag-slides/slide_${n}_1024.jpg`) });

  async function deck(images: { name: string; data: Blob }[], firstPage: number, options: Partial<IngestOptions> = {}) {
    const progress: IngestProgress[] = [];
    const pages: IngestedPage[] = [];
    for await (const event of ingest.ingestDeck(images, firstPage, 'deck', options, (p) => progress.push(p))) if (event.kind === 'page') pages.push(event.page);
    return { pages, progress };
  }

  it('reads a deck from the page it resumes at, in order, as each image alone reads', async () => {
    const images = [await slide(1), await slide(2), await slide(4)];
    const { pages, progress } = await deck(images, 2);
    expect(pages.map((p) => [p.pageNumber, p.ocr, p.width, p.height])).toEqual([
      [2, true, 1024, 768],
      [3, true, 1024, 768],
    ]);
    expect(progress.filter((p) => p.phase === 'ocr').map((p) => p.page)).toEqual([2, 3]);
    expect(progress.at(-1)).toEqual({ phase: 'done', page: 3, pageCount: 3 });
    const alone = await run(images[2]!.data, images[2]!.name);
    expect(pages[1]!.text).toBe(alone.pages[0]!.text);
    expect(pages[1]!.text.length).toBeGreaterThan(20);
    expect(pages[0]!.text).not.toBe(pages[1]!.text);
  });

  it("fails a deck on a bad image with that image's name, and refuses a PDF in a deck", async () => {
    const broken = { name: 'broken.jpg', data: new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])]) };
    const bad = await deck([await slide(1), broken], 1, { ocr: 'off' }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(AppError);
    expect(bad).toMatchObject({ code: 'corrupt-file' });
    expect((bad as AppError).message).toContain('“broken.jpg” could not be decoded');
    const pdf = await deck([{ name: 'paper.pdf', data: handWrittenPdf(1) }], 1).catch((e: unknown) => e);
    expect(pdf).toMatchObject({ code: 'unsupported-file' });
  });

  it('a run cancelled while its pages are with the OCR workers ends as cancelled, and the workers read the next file', async () => {
    const controller = new AbortController();
    const consume = async () => {
      const events = ingest.ingestFile(await fetchShared(GERMANWINGS_PDF), 'germanwings.pdf', { maxPages: 6 }, (p) => p.phase === 'ocr' && controller.abort(), controller.signal);
      for await (const event of events) void event;
    };
    const started = performance.now();
    await expect(consume()).rejects.toMatchObject({ code: 'cancelled' });
    const cancelledAfter = performance.now() - started;
    const next = await run((await slide(1)).data, 'slide_1_1024.jpg');
    console.log(`cancelled OCR in ${Math.round(cancelledAfter)} ms; the next slide then read in ${Math.round(next.ms)} ms`);
    expect(squash(next.pages[0]!.text)).toContain('SUPERCONSUMERS');
  });
});

describe('bad input gives a clear AppError per file', () => {
  it('refuses an empty file, an unsupported type and a corrupt PDF', async () => {
    const empty = await failure(new Blob([]), 'empty.pdf');
    expect([empty.code, empty.message]).toEqual(['empty-file', '“empty.pdf” is empty (0 bytes).']);
    const zip = await failure(new Blob([new Uint8Array([0x50, 0x4b, 3, 4, 20, 0, 0, 0])]), 'report.pdf');
    expect(zip.code).toBe('unsupported-file');
    expect(zip.message).toContain('“report.pdf” is not a PDF, PNG, JPEG or WebP file');
    const corrupt = await failure(new Blob(['%PDF-1.7\n1 0 obj\n<< /Type /Catal']), 'broken.pdf');
    expect(corrupt.code).toBe('corrupt-file');
    expect(corrupt.message).toContain('“broken.pdf” could not be read as a PDF');
    const badJpeg = await failure(new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])]), 'photo.jpg');
    expect(badJpeg.code).toBe('corrupt-file');
  });

  it('refuses a password-protected PDF', async () => {
    const error = await failure(handWrittenPdf(1, { encrypt: true }), 'secret.pdf');
    expect(error.code).toBe('encrypted-pdf');
    expect(error.message).toContain('“secret.pdf” is password-protected');
  });

  it('refuses a 20000x20000 image by its header, and keeps working afterwards', async () => {
    const png = await hugePng(20000, 20000);
    const error = await failure(png, 'poster.png');
    expect(error.code).toBe('file-too-large');
    expect(error.message).toContain('20000 × 20000 pixels (400 megapixels)');
    const small = await run(handWrittenPdf(1), 'small.pdf', { ocr: 'off' });
    expect(small.pages).toHaveLength(1);
  });

  it('goes by the bytes, not the name', async () => {
    const canvas = new OffscreenCanvas(300, 200);
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, 300, 200);
    const webp = await canvas.convertToBlob({ type: 'image/webp' });
    const { info, pages } = await run(webp, 'scan.pdf', { ocr: 'off', imageFormat: 'image/webp' });
    expect(info.type).toBe('webp');
    expect(pages[0]!.image.type).toBe('image/webp');
    expect([pages[0]!.width, pages[0]!.height, pages[0]!.text, pages[0]!.ocr]).toEqual([300, 200, '', false]);
  });
});

describe('text and Markdown files as pages', () => {
  /** 150 numbered lines in paragraphs of five, each with its own word, so every line says which page it landed on. */
  const notes = Array.from({ length: 30 }, (_, p) => Array.from({ length: 5 }, (_, l) => `Line ${p * 5 + l + 1}: word${p * 5 + l + 1} of the meeting notes.`).join('\n')).join('\n\n');

  it('lays a text file out on letter pages, drawn as images, with its lines as the text layer', async () => {
    const { info, pages, progress } = await run(new Blob([notes], { type: 'text/plain' }), 'notes.txt');
    expect(info).toMatchObject({ name: 'notes.txt', type: 'text', pageCount: pages.length, sourcePageCount: pages.length });
    expect(pages.length).toBe(4);
    expect(pages.map((p) => [p.pageNumber, p.width, p.height, p.ocr])).toEqual([1, 2, 3, 4].map((n) => [n, 1545, 2000, false]));
    expect(progress.at(-1)).toEqual({ phase: 'done', page: 4, pageCount: 4 });
    // Paragraphs are kept whole: every page starts a paragraph, and all 150 lines are there, in order.
    const lines = pages.flatMap((p) => p.lines.map((l) => l.text));
    expect(lines).toEqual(notes.split('\n').filter(Boolean));
    expect(pages.every((p) => /^Line \d+:/.test(p.text) && (Number(/^Line (\d+)/.exec(p.text)![1]) - 1) % 5 === 0)).toBe(true);
    expect(pages[1]!.text).toBe(pages[1]!.lines.map((l) => l.text).join('\n'));

    const page = pages[1]!;
    const image = await decode(page.image);
    expect([image.width, image.height]).toEqual([1545, 2000]);
    const thumbnail = await decode(page.thumbnail);
    expect(Math.max(thumbnail.width, thumbnail.height)).toBe(256);
    // Each line's box lies on its ink, and each word's box inside its line's; the margin is paper.
    const line = page.lines[3]!;
    expect(meanLuminance(image, line.box)).toBeLessThan(225);
    expect(meanLuminance(image, [20, 20, 150, 150])).toBeGreaterThan(250);
    const word = line.words!.find((w) => w.text.startsWith('word'))!;
    expect(word.box[0]).toBeGreaterThan(line.box[0]);
    expect(word.box[2]).toBeLessThan(line.box[2]);
    expect(meanLuminance(image, word.box)).toBeLessThan(225);
  });

  it('reads Markdown: headings bold and larger, markup taken out of the drawn and indexed text', async () => {
    const md = ['# Quarterly *report*', '', 'Revenue grew **12%** in [the third quarter](https://example.test/q3).', '', '## Costs', '', '- `travel` fell', '- hiring rose'].join('\n');
    const { info, pages } = await run(new Blob([md]), 'report.md');
    expect(info).toMatchObject({ type: 'markdown', pageCount: 1 });
    expect(pages[0]!.text).toBe('Quarterly report\nRevenue grew 12% in the third quarter.\nCosts\n• travel fell\n• hiring rose');
    const [title, body] = pages[0]!.lines;
    expect(title!.box[3] - title!.box[1]).toBeGreaterThan(1.5 * (body!.box[3] - body!.box[1]));
    const image = await decode(pages[0]!.image);
    expect(meanLuminance(image, title!.box)).toBeLessThan(meanLuminance(image, body!.box));
  });

  it('refuses a binary file named .txt, an empty one and one in a deck, each with its message', async () => {
    const binary = await failure(new Blob([new Uint8Array([0x50, 0x4b, 3, 4, 20, 0, 8, 0, 0, 0x88, 0xff])]), 'archive.txt');
    expect([binary.code, binary.message]).toEqual(['unsupported-file', expect.stringContaining('“archive.txt” is not plain text')]);
    const blank = await failure(new Blob(['\n \n']), 'blank.md');
    expect([blank.code, blank.message]).toEqual(['empty-file', '“blank.md” holds no text.']);
    const other = await failure(new Blob(['plain words']), 'notes.docx');
    expect(other.message).toContain('“notes.docx” is not a PDF, PNG, JPEG or WebP file, nor plain text (.txt) or Markdown (.md)');
    const inDeck = ingest.ingestDeck([{ name: 'notes.txt', data: new Blob([notes]) }], 1, 'deck', { ocr: 'off' });
    const error = await (async () => {
      for await (const _ of inDeck) void _;
    })().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'unsupported-file', message: expect.stringContaining('“notes.txt” is a text file') });
  });
});

describe('streaming a 1000-page PDF', () => {
  const thousand = handWrittenPdf(1000);

  it('yields pages one at a time, never rendering ahead of the reader', async () => {
    let rendered = 0;
    let taken = 0;
    let maxLead = 0;
    let info: DocumentInfo | undefined;
    const start = performance.now();
    const events: AsyncIterable<IngestEvent> = ingest.ingestFile(thousand, 'thousand.pdf', { ocr: 'off', maxImageSide: 64, thumbnailSide: 32 }, (p) => {
      if (p.phase === 'rendering') rendered = p.page;
    });
    for await (const event of events) {
      if (event.kind === 'document') {
        info = event.info;
        continue;
      }
      taken++;
      expect(event.page.pageNumber).toBe(taken);
      maxLead = Math.max(maxLead, rendered - taken);
    }
    console.log(`1000 blank pages (64 px) in ${Math.round(performance.now() - start)} ms`);
    expect(info?.pageCount).toBe(1000);
    expect(taken).toBe(1000);
    expect(maxLead).toBeLessThanOrEqual(2);
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const consume = async () => {
      for await (const event of ingest.ingestFile(thousand, 'thousand.pdf', { ocr: 'off', maxImageSide: 64 }, undefined, controller.signal)) {
        if (event.kind !== 'page') continue;
        seen.push(event.page.pageNumber);
        if (seen.length === 3) controller.abort();
      }
    };
    await expect(consume()).rejects.toMatchObject({ code: 'cancelled' });
    expect(seen).toEqual([1, 2, 3]);
    // The worker is free for the next file.
    expect((await run(handWrittenPdf(2), 'two.pdf', { ocr: 'off' })).pages).toHaveLength(2);
  });
});
