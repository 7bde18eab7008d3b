/**
 * Pages in order, with the next few already under way: page n+1 is rendered and sent to OCR while
 * page n is still being read, so several OCR workers are busy at once. Pure scheduling, no DOM.
 */

export interface StartedPage<T> {
  /** Known once the page is rendered: whether the reader waits on OCR for it. */
  ocr: boolean;
  /** The finished page; may reject, and is reported in order. */
  done: Promise<T>;
}

/**
 * Yields `start(1..count)`'s results in order. Once a page has needed OCR, up to `depth` pages are
 * started and not yet yielded; before that, one at a time (a text page gains nothing from being
 * started early). `start` runs one at a time (rendering is one thread's work); `waiting` is told
 * which page the reader now waits for. A page's failure, in `start` or after, is thrown when its
 * turn comes, and pages started after it are left to settle without an unhandled rejection.
 */
export async function* inOrderWithLookahead<T>(
  count: number,
  depth: number,
  start: (pageNumber: number) => Promise<StartedPage<T>>,
  waiting: (pageNumber: number, ocr: boolean) => void = () => {},
): AsyncGenerator<T> {
  const started: { pageNumber: number; page: StartedPage<T> }[] = [];
  let ahead = 1;
  let next = 1;
  while (next <= count || started.length) {
    while (next <= count && started.length < ahead) {
      const page = await start(next).catch((error: unknown): StartedPage<T> => ({ ocr: false, done: Promise.reject(error) }));
      page.done.catch(() => {}); // marks it handled; the failure is rethrown in order below
      started.push({ pageNumber: next++, page });
      if (page.ocr) ahead = Math.max(1, depth);
    }
    const head = started.shift()!;
    waiting(head.pageNumber, head.page.ocr);
    yield await head.page.done;
  }
}
