/**
 * KV-prefix reuse across the turns of an episode: the previous turn's cache, cut to the prefix the
 * next prompt shares with it (tokens and the pixels behind them, see prefix.ts), and the images
 * already through the processor, by fingerprint. One per loaded model.
 */
import type { ProcessedImage } from './inputs.ts';
import { cropKvCache, type KvCache } from './kv-cache.ts';
import { reusablePrefix, type PromptLayout } from './prefix.ts';

/** A cache ready for the next turn: `length` prompt tokens covered, `newImages` left to encode. */
export interface ReusedPrefix {
  cache: KvCache;
  length: number;
  newImages: number[];
}

export class PrefixCache {
  /** The previous turn's cache and the prompt (plus reply) it covers. */
  private cached: { layout: PromptLayout; cache: KvCache } | null = null;
  /** This episode's images through the processor, by fingerprint (see prefix.ts imageKey). */
  readonly processedImages = new Map<string, ProcessedImage>();

  /** Forgets processed images the next prompt does not show (all of them when nothing is reused). */
  keepImages(keys: readonly string[], reuse: boolean): void {
    for (const key of this.processedImages.keys()) if (!reuse || !keys.includes(key)) this.processedImages.delete(key);
  }

  /**
   * The previous turn's cache cut to what `layout` shares with it, with the images left to
   * encode; null after releasing it when nothing can be reused. New images can only be taken on
   * a cache when their tokens are known (`layout.spans`, Qwen-VL).
   */
  async take(layout: PromptLayout, imageToken: bigint): Promise<ReusedPrefix | null> {
    const previous = this.cached;
    this.cached = null;
    if (!previous) return null;
    const reuse = reusablePrefix(previous.layout, layout, imageToken);
    const usable =
      reuse.length > 0 &&
      (reuse.newImages.length === 0 || layout.spans !== null) &&
      previous.cache.get_seq_length() === previous.layout.ids.length &&
      (reuse.length === previous.layout.ids.length || (await cropKvCache(previous.cache, reuse.length)));
    if (usable) return { cache: previous.cache, ...reuse };
    await previous.cache.dispose();
    return null;
  }

  /** Keeps a turn's cache; it covers every token of `sequence` but the last sampled one, which was never fed to the model. */
  store(layout: PromptLayout, sequence: BigInt64Array, cache: KvCache): void {
    this.cached = { layout: { ...layout, ids: sequence.slice(0, sequence.length - 1) }, cache };
  }

  async release(): Promise<void> {
    await this.cached?.cache.dispose();
    this.cached = null;
  }

  async clear(): Promise<void> {
    await this.release();
    this.processedImages.clear();
  }
}
