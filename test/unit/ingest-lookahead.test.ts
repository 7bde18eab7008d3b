import { describe, expect, it } from 'vitest';
import { inOrderWithLookahead, type StartedPage } from '../../src/ingest/lookahead.ts';
import { MAX_OCR_WORKERS, ocrPlan } from '../../src/ingest/ocr-plan.ts';

/** A page whose result the test releases by hand, in any order; odd pages need OCR unless `ocr` says otherwise. */
function controllable(ocr = (n: number) => n % 2 === 1) {
  const log: string[] = [];
  const release = new Map<number, { resolve: (v: string) => void; reject: (e: Error) => void }>();
  const start = async (n: number): Promise<StartedPage<string>> => {
    log.push(`start ${n}`);
    const done = new Promise<string>((resolve, reject) => release.set(n, { resolve, reject }));
    return { ocr: ocr(n), done };
  };
  return { log, release, start };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('inOrderWithLookahead', () => {
  it('keeps `depth` pages under way and yields them in order whatever order they finish in', async () => {
    const { log, release, start } = controllable();
    const waited: string[] = [];
    const pages = inOrderWithLookahead(5, 3, start, (n, ocr) => waited.push(`${n}${ocr ? ' ocr' : ''}`));
    const first = pages.next();
    await tick();
    expect(log).toEqual(['start 1', 'start 2', 'start 3']);
    release.get(3)!.resolve('p3');
    release.get(2)!.resolve('p2');
    await tick();
    expect(log).toHaveLength(3); // page 1 still holds the head
    release.get(1)!.resolve('p1');
    expect((await first).value).toBe('p1');
    const second = pages.next();
    await tick();
    expect(log).toEqual(['start 1', 'start 2', 'start 3', 'start 4']);
    expect((await second).value).toBe('p2');
    const third = await pages.next();
    expect(third.value).toBe('p3');
    const fourth = pages.next();
    await tick();
    expect(log.at(-1)).toBe('start 5');
    release.get(4)!.resolve('p4');
    release.get(5)!.resolve('p5');
    expect((await fourth).value).toBe('p4');
    expect((await pages.next()).value).toBe('p5');
    expect((await pages.next()).done).toBe(true);
    expect(waited).toEqual(['1 ocr', '2', '3 ocr', '4', '5 ocr']);
  });

  it('starts text pages one at a time, and runs ahead from the first page that needs OCR', async () => {
    const { log, release, start } = controllable((n) => n >= 2);
    const pages = inOrderWithLookahead(4, 3, start);
    const first = pages.next();
    await tick();
    expect(log).toEqual(['start 1']);
    release.get(1)!.resolve('text');
    expect((await first).value).toBe('text');
    const second = pages.next();
    await tick();
    expect(log).toEqual(['start 1', 'start 2', 'start 3', 'start 4']);
    for (const n of [2, 3, 4]) release.get(n)!.resolve(`ocr ${n}`);
    expect((await second).value).toBe('ocr 2');
  });

  it('depth 1 starts a page only once the one before is taken', async () => {
    const { log, release, start } = controllable();
    const pages = inOrderWithLookahead(2, 1, start);
    const first = pages.next();
    await tick();
    release.get(1)!.resolve('a');
    expect((await first).value).toBe('a');
    expect(log).toEqual(['start 1']);
    const second = pages.next();
    await tick();
    release.get(2)!.resolve('b');
    expect((await second).value).toBe('b');
  });

  it("throws a page's failure when its turn comes, and a later page's failure is not unhandled", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { release, start } = controllable();
      const pages = inOrderWithLookahead(3, 3, start);
      const first = pages.next();
      await tick();
      release.get(3)!.reject(new Error('page 3 is damaged'));
      release.get(2)!.reject(new Error('page 2 is damaged'));
      release.get(1)!.resolve('ok');
      expect((await first).value).toBe('ok');
      await expect(pages.next()).rejects.toThrow('page 2 is damaged');
      await tick();
      await tick();
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('throws a failure to start a page (a damaged page) in its turn, after the pages before it', async () => {
    const pages = inOrderWithLookahead(3, 3, async (n) => {
      if (n === 2) throw new Error('cannot render page 2');
      return { ocr: true, done: Promise.resolve(`p${n}`) };
    });
    expect((await pages.next()).value).toBe('p1');
    await expect(pages.next()).rejects.toThrow('cannot render page 2');
  });
});

describe('ocrPlan', () => {
  it('reads pages side by side, one single-threaded worker per core on small machines', () => {
    expect(ocrPlan(1, true, 'wasm')).toEqual({ workers: 1, threads: 1 });
    expect(ocrPlan(2, true, 'wasm')).toEqual({ workers: 2, threads: 1 });
    expect(ocrPlan(4, true, 'wasm')).toEqual({ workers: MAX_OCR_WORKERS, threads: 1 });
  });

  it('turns the cores beyond three workers into threads, only when SharedArrayBuffer is allowed', () => {
    expect(ocrPlan(8, true, 'wasm')).toEqual({ workers: 3, threads: 2 });
    expect(ocrPlan(16, true, 'wasm')).toEqual({ workers: 3, threads: 4 });
    expect(ocrPlan(8, false, 'wasm')).toEqual({ workers: 3, threads: 1 });
  });

  it('keeps a number of workers asked for, sharing the cores between them', () => {
    expect(ocrPlan(2, true, 'wasm', 1)).toEqual({ workers: 1, threads: 2 });
    expect(ocrPlan(8, true, 'wasm', 2)).toEqual({ workers: 2, threads: 4 });
    expect(ocrPlan(2, true, 'wasm', 0)).toEqual({ workers: 1, threads: 2 });
  });

  it('runs one worker on WebGPU and copes with an unknown core count', () => {
    expect(ocrPlan(8, true, 'webgpu')).toEqual({ workers: 1, threads: 4 });
    expect(ocrPlan(0, true, 'wasm')).toEqual({ workers: 1, threads: 1 });
    expect(ocrPlan(Number.NaN, false, 'wasm')).toEqual({ workers: 1, threads: 1 });
  });
});
