import '../../src/ui/style.css';
/** Helpers for the UI tests: a page source over the shared slides, waiting, screenshots. */
import { page } from 'vitest/browser';
import type { PageSource } from '../../src/ui/page-source.ts';
import { fetchShared } from '../support/scripted.ts';

/** Names slide files as pages of one deck ("deck page <n>", n by order in `slides`). */
export function slidePages(slides: readonly string[]): PageSource {
  return {
    label: (pageId) => ({ name: 'deck', pageNumber: slides.indexOf(pageId) + 1 }),
    thumbnail: (pageId) => fetchShared(`corpora/vrag-slides/${pageId}`),
    image: (pageId) => fetchShared(`corpora/vrag-slides/${pageId}`),
  };
}

export async function until<T>(probe: () => T | null | undefined | false, what: string, timeoutMs = 20_000): Promise<T> {
  const started = performance.now();
  for (;;) {
    const value = probe();
    if (value) return value;
    if (performance.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Saves a PNG under test/artifacts/ (gitignored) to look at. */
export async function shoot(name: string): Promise<void> {
  await page.screenshot({ path: `../artifacts/${name}.png` });
}

export function byText(root: ParentNode, selector: string, text: string | RegExp): HTMLElement | undefined {
  return [...root.querySelectorAll<HTMLElement>(selector)].find((e) => (typeof text === 'string' ? e.textContent?.includes(text) : text.test(e.textContent ?? '')));
}
