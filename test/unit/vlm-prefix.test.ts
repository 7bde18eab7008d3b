/** How much of a prompt the previous turn's cache covers: tokens and the pixels behind image tokens. */
import { describe, expect, it } from 'vitest';
import { imageKey, imageSpans, reusablePrefix, type PromptLayout } from '../../src/models/vlm/prefix.ts';

const IMG = 9n;
/** Text tokens as small numbers, each image as a run of IMG of its given length. */
function layout(parts: (number | { key: string; length: number })[]): PromptLayout {
  const ids: bigint[] = [];
  const keys: string[] = [];
  for (const part of parts) {
    if (typeof part === 'number') ids.push(BigInt(part));
    else {
      keys.push(part.key);
      for (let i = 0; i < part.length; i++) ids.push(IMG);
      ids.push(2n); // the vision-end token between images
    }
  }
  return { ids, imageKeys: keys, spans: imageSpans(ids, IMG, keys) };
}

describe('reusable prefix', () => {
  it('reuses everything the turns share and lists the images that are new', () => {
    const page = { key: 'page', length: 4 };
    const crop = { key: 'crop', length: 2 };
    const previous = layout([1, 3, page, 4, 5, 6]);
    const next = layout([1, 3, page, 4, 5, 7, crop, 8]);
    expect(reusablePrefix(previous, next, IMG)).toEqual({ length: 9, newImages: [1] });
  });

  it('never reuses image tokens whose pixels changed, even where the token ids are the same', () => {
    const previous = layout([1, { key: 'a', length: 3 }, 4]);
    const next = layout([1, { key: 'b', length: 3 }, 4, 5]);
    expect(reusablePrefix(previous, next, IMG)).toEqual({ length: 1, newImages: [0] });
  });

  it('never splits an image between the cache and the suffix', () => {
    const previous = layout([1, 3, { key: 'a', length: 2 }]);
    const next = layout([1, 3, { key: 'b', length: 5 }]);
    expect(reusablePrefix(previous, next, IMG)).toEqual({ length: 2, newImages: [0] });
  });

  it('leaves at least one token to run when the prompt is the one already covered', () => {
    const same = layout([1, 3, 4, 5]);
    expect(reusablePrefix(same, same, IMG)).toEqual({ length: 3, newImages: [] });
    expect(reusablePrefix(layout([7, 3]), layout([1, 3]), IMG)).toEqual({ length: 0, newImages: [] });
  });

  it('without one run per image, only a suffix with no image tokens and the same images is reused', () => {
    const flat = (ids: number[], keys: string[]): PromptLayout => ({ ids: ids.map(BigInt), imageKeys: keys, spans: null });
    expect(reusablePrefix(flat([1, 9, 2, 9, 3], ['a']), flat([1, 9, 2, 9, 3, 4, 5], ['a']), IMG)).toEqual({ length: 5, newImages: [] });
    expect(reusablePrefix(flat([1, 9, 3], ['a']), flat([1, 9, 3, 9, 5], ['a', 'b']), IMG).length).toBe(0);
    expect(reusablePrefix(flat([1, 9, 3], ['a']), flat([1, 9, 3, 4], ['b']), IMG).length).toBe(0);
  });

  it('fingerprints pixels, not objects', () => {
    const image = (fill: number) => ({ width: 3, height: 1, data: new Uint8ClampedArray(12).fill(fill) });
    expect(imageKey(image(5))).toBe(imageKey(image(5)));
    expect(imageKey(image(5))).not.toBe(imageKey(image(6)));
    expect(imageKey({ width: 1, height: 3, data: image(5).data })).not.toBe(imageKey(image(5)));
  });
});
