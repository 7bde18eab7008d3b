/**
 * How much of a prompt the previous turn's KV cache already covers. Pure: token ids and image
 * fingerprints in, a length out. A prefix is reusable only where both the tokens and the pixels
 * behind every image token are the same; an image is never split between cache and suffix.
 */

/** The tokens of one image: a run of image tokens [start, end), and the image it stands for. */
export interface ImageSpan {
  key: string;
  start: number;
  end: number;
}

/** A prompt as the cache sees it. `spans` is null when a family's image tokens are not one run per image. */
export interface PromptLayout {
  ids: ArrayLike<bigint>;
  imageKeys: readonly string[];
  spans: readonly ImageSpan[] | null;
}

export interface Reuse {
  /** Tokens served from the cache; 0 = recompute everything. */
  length: number;
  /** Images whose tokens lie in the suffix (indices into the new prompt's images): the only ones to encode. */
  newImages: number[];
}

const NONE: Reuse = { length: 0, newImages: [] };

/** A fingerprint of an image's pixels (size and FNV-1a over its bytes, four at a time). */
export function imageKey(image: { width: number; height: number; data: Uint8ClampedArray | Uint8Array }): string {
  const { data } = image;
  const words = new Uint32Array(data.buffer, data.byteOffset, data.byteLength >>> 2);
  let hash = 0x811c9dc5;
  for (let i = 0; i < words.length; i++) hash = Math.imul(hash ^ words[i]!, 0x01000193);
  for (let i = words.length * 4; i < data.length; i++) hash = Math.imul(hash ^ data[i]!, 0x01000193);
  return `${image.width}x${image.height}:${(hash >>> 0).toString(16)}:${data.length}`;
}

/** One span per run of `imageToken`, keyed by the image in the same position; null if runs and images differ in number. */
export function imageSpans(ids: ArrayLike<bigint>, imageToken: bigint, imageKeys: readonly string[]): ImageSpan[] | null {
  const spans: ImageSpan[] = [];
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] !== imageToken) continue;
    const start = i;
    while (i + 1 < ids.length && ids[i + 1] === imageToken) i++;
    spans.push({ key: imageKeys[spans.length] ?? '', start, end: i + 1 });
  }
  return spans.length === imageKeys.length ? spans : null;
}

function commonPrefix(a: ArrayLike<bigint>, b: ArrayLike<bigint>): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/**
 * The longest reusable prefix of `next` given what `cached` covers. At least one token of `next`
 * is always left to run, since the model must produce logits for it.
 */
export function reusablePrefix(cached: PromptLayout, next: PromptLayout, imageToken: bigint): Reuse {
  let length = Math.min(commonPrefix(cached.ids, next.ids), next.ids.length - 1);
  if (length <= 0) return NONE;
  if (cached.spans && next.spans) {
    for (const [i, span] of cached.spans.entries()) {
      if (span.start >= length) break;
      const same = next.spans[i];
      if (!same || same.key !== span.key || same.start !== span.start || same.end !== span.end || span.end > length) {
        length = span.start;
        break;
      }
    }
    if (length <= 0) return NONE;
    const newImages = next.spans.flatMap((span, i) => (span.start >= length ? [i] : []));
    return { length, newImages };
  }
  // Without spans the suffix may hold no image at all, and the images before it must be the same ones.
  const sameImages = cached.imageKeys.every((key, i) => next.imageKeys[i] === key);
  for (let i = length; i < next.ids.length; i++) if (next.ids[i] === imageToken) return NONE;
  return sameImages && cached.imageKeys.length === next.imageKeys.length ? { length, newImages: [] } : NONE;
}
