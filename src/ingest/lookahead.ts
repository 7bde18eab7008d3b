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
 * Yields `start(1..count)`'s results in order, with at most `depth` pages started and not yet
 * yielded. `start` runs one at a time (rendering is one thread's work); `waiting` is told which
 * page the reader now waits for. A page's failure is thrown when its turn comes, and pages started
 * after it are left to settle without an unhandled rejection.
 */
export async function* inOrderWithLookahead<T>(
  count: number,
  depth: number,
  start: (pageNumber: number) => Promise<StartedPage<T>>,
  waiting: (pageNumber: number, ocr: boolean) => void = () => {},
): AsyncGenerator<T> {
  const started: { pageNumber: number; page: StartedPage<T> }[] = [];
  let next = 1;
  while (next <= count || started.length) {
    while (next <= count && started.length < Math.max(1, depth)) {
      const page = await start(next);
      page.done.catch(() => {}); // marks it handled; the failure is rethrown in order below
      started.push({ pageNumber: next++, page });
    }
    const head = started.shift()!;
    waiting(head.pageNumber, head.page.ocr);
    yield await head.page.done;
  }
}
