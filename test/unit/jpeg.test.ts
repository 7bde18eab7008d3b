import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dctScaledSize, jpegSize } from '../../src/perception/jpeg.ts';
import { modelInputSize, VRAG_PIXEL_BOUNDS } from '../../src/perception/geometry.ts';
import { sharedPath } from '../support/shared.ts';

const slide = (name: string) => new Uint8Array(readFileSync(sharedPath(`corpora/vrag-slides/${name}`)));

describe('jpegSize', () => {
  it('reads the frame header of real slides, past their APP segments', () => {
    expect(jpegSize(slide('aliyun4_10.jpg'))).toEqual({ width: 5334, height: 3000 });
    expect(jpegSize(slide('slide_3_1024.jpg'))).toEqual({ width: 1024, height: 768 });
  });

  it('finds a progressive frame (SOF2) after fill bytes, and skips DHT, which shares the range', () => {
    const dht = [0xff, 0xc4, 0x00, 0x04, 0x00, 0x00];
    const sof2 = [0xff, 0xff, 0xc2, 0x00, 0x11, 0x08, 0x01, 0x2c, 0x02, 0x58, 0x03];
    expect(jpegSize(new Uint8Array([0xff, 0xd8, ...dht, ...sof2, 0, 0, 0, 0, 0, 0]))).toEqual({ width: 600, height: 300 });
  });

  it('says null for anything that is not a JPEG with a frame header', () => {
    expect(jpegSize(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 0, 0, 0, 0]))).toBeNull();
    expect(jpegSize(new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0, 4, 0, 0, 0, 0, 0, 0]))).toBeNull();
    expect(jpegSize(new Uint8Array([0xff, 0xd8]))).toBeNull();
    expect(jpegSize(slide('slide_3_1024.jpg').slice(0, 40))).toBeNull();
  });
});

describe('dctScaledSize', () => {
  it('picks the smallest eighth that still covers the model input', () => {
    const big = { width: 5334, height: 3000 };
    const input = modelInputSize(big, VRAG_PIXEL_BOUNDS);
    expect(dctScaledSize(big, input)).toEqual({ width: 1334, height: 750 }); // 2/8
    expect(dctScaledSize({ width: 1024, height: 768 }, { width: 732, height: 549 })).toEqual({ width: 768, height: 576 }); // 6/8
  });

  it('keeps the full size when nothing smaller covers it, and rounds each side up as libjpeg does', () => {
    expect(dctScaledSize({ width: 1024, height: 768 }, { width: 1000, height: 700 })).toEqual({ width: 1024, height: 768 });
    expect(dctScaledSize({ width: 1001, height: 999 }, { width: 100, height: 100 })).toEqual({ width: 126, height: 125 });
  });
});
