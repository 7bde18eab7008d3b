import { describe, expect, it } from 'vitest';
import { inMemoryTextSearcher } from '../support/in-memory-text.ts';
import { DenseIndex } from '../../bench/dense-reference.ts';
import { reciprocalRankFusion, type SignalRanking } from '../../src/retrieval/fusion.ts';
import { HybridRetriever } from '../../src/retrieval/hybrid.ts';

const ranked = (...pageIds: string[]) => pageIds.map((pageId, i) => ({ pageId, score: 10 - i }));
const RANKINGS: SignalRanking[] = [
  { signal: 'bm25', pages: ranked('A', 'B', 'C') },
  { signal: 'text-dense', pages: ranked('B', 'D') },
];

describe('reciprocal rank fusion', () => {
  it('scores Σ w / (k + rank), ranks counted from 1', () => {
    expect(reciprocalRankFusion(RANKINGS, 10)).toEqual([
      { pageId: 'B', score: 1 / 62 + 1 / 61, signals: ['bm25', 'text-dense'] },
      { pageId: 'A', score: 1 / 61, signals: ['bm25'] },
      { pageId: 'D', score: 1 / 62, signals: ['text-dense'] },
      { pageId: 'C', score: 1 / 63, signals: ['bm25'] },
    ]);
  });

  it('applies per-signal weights and the k constant', () => {
    const fused = reciprocalRankFusion(RANKINGS, 10, { bm25: 2 }, 1);
    expect(fused.map((p) => [p.pageId, p.score])).toEqual([
      ['B', 2 / 3 + 1 / 2],
      ['A', 2 / 2],
      ['C', 2 / 4],
      ['D', 1 / 3],
    ]);
  });

  it('drops a signal weighted 0 entirely, including from `signals`', () => {
    const fused = reciprocalRankFusion(RANKINGS, 10, { 'text-dense': 0 });
    expect(fused.map((p) => p.pageId)).toEqual(['A', 'B', 'C']);
    expect(fused.every((p) => p.signals.join() === 'bm25')).toBe(true);
  });

  it("weighs a signal by the weights' own keys only: names like toString or constructor weigh 1 unless set", () => {
    const rankings: SignalRanking[] = [
      { signal: 'toString', pages: ranked('A') },
      { signal: 'constructor', pages: ranked('B') },
      { signal: '__proto__', pages: ranked('C') },
    ];
    expect(reciprocalRankFusion(rankings, 10, {}, 1).map((p) => [p.pageId, p.score])).toEqual([
      ['A', 1 / 2],
      ['B', 1 / 2],
      ['C', 1 / 2],
    ]);
    expect(reciprocalRankFusion(rankings, 10, Object.fromEntries([['__proto__', 2], ['toString', 0]]), 1).map((p) => [p.pageId, p.score])).toEqual([
      ['C', 2 / 2],
      ['B', 1 / 2],
    ]);
  });

  it('truncates to the limit, breaks ties by page id, and handles no input', () => {
    const tied = reciprocalRankFusion([{ signal: 'bm25', pages: ranked('Z') }, { signal: 'maxsim', pages: ranked('Y') }], 5);
    expect(tied.map((p) => p.pageId)).toEqual(['Y', 'Z']);
    expect(reciprocalRankFusion(RANKINGS, 1).map((p) => p.pageId)).toEqual(['B']);
    expect(reciprocalRankFusion([], 5)).toEqual([]);
    expect(reciprocalRankFusion(RANKINGS, 0)).toEqual([]);
  });
});

describe('HybridRetriever', () => {
  const pages = [
    { pageId: 'p0', text: 'Revenue by segment for fiscal 2023.' },
    { pageId: 'p1', text: 'Employee headcount by region.' },
    { pageId: 'p2', text: 'A photo of the new headquarters building.' },
  ];
  // Three orthogonal page vectors; the "embedder" maps a query to the page it describes.
  const vectors = Float32Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1);
  const dense = new DenseIndex(['p0', 'p1', 'p2'], vectors, 3);
  const embedQuery = async (text: string) => (text.includes('office tower') ? Float32Array.of(0, 0.1, 1) : Float32Array.of(0.2, 1, 0));
  const images = new Map([['p2', new Blob(['png bytes'], { type: 'image/png' })]]);
  const make = () =>
    new HybridRetriever({
      bm25: inMemoryTextSearcher(pages),
      loadPageImage: async (pageId) => images.get(pageId) ?? Promise.reject(new Error(`no image for ${pageId}`)),
      signals: [{ name: 'image-dense', embedQuery, index: dense }],
    });

  it('works on BM25 alone when no embedding signal is attached', async () => {
    const retriever = new HybridRetriever({ bm25: inMemoryTextSearcher(pages), loadPageImage: async () => new Blob() });
    expect(await retriever.search('headcount by region and segment', 2)).toEqual([
      { pageId: 'p1', score: 1 / 61, signals: ['bm25'], matched: [{ word: 'headcount', terms: ['headcount'], similar: false }, { word: 'region', terms: ['region'], similar: false }] },
      { pageId: 'p0', score: 1 / 62, signals: ['bm25'], matched: [{ word: 'segment', terms: ['segment'], similar: false }] },
    ]);
  });

  it('fuses BM25 with an embedding signal and reports which signals found each page', async () => {
    const results = await make().search('headcount', 3);
    expect(results[0]).toEqual({ pageId: 'p1', score: 1 / 61 + 1 / 61, signals: ['bm25', 'image-dense'], matched: [{ word: 'headcount', terms: ['headcount'], similar: false }] });
    expect(results.map((p) => p.pageId)).toEqual(['p1', 'p0', 'p2']);
    // No page text says "office tower": only the embedding signal can find p2.
    expect((await make().search('office tower', 1))[0]).toEqual({ pageId: 'p2', score: 1 / 61, signals: ['image-dense'] });
  });

  it('takes weights per view (0 switches a signal off) without changing other views', async () => {
    const retriever = make();
    const denseOnly = retriever.view({ weights: { bm25: 0 } });
    const wordsOnly = retriever.view({ weights: { 'image-dense': 0 } });
    expect((await denseOnly.search('headcount', 3)).map((p) => p.signals)).toEqual([['image-dense'], ['image-dense'], ['image-dense']]);
    expect(await wordsOnly.search('headcount', 3)).toEqual([{ pageId: 'p1', score: 1 / 61, signals: ['bm25'], matched: [{ word: 'headcount', terms: ['headcount'], similar: false }] }]);
    expect((await retriever.search('headcount', 3)).map((p) => p.signals?.length)).toEqual([2, 1, 1]);
    retriever.detach('image-dense');
    expect((await retriever.view({ weights: { 'image-dense': 1 } }).search('headcount', 3)).map((p) => p.pageId)).toEqual(['p1']);
  });

  it('passes a document scope to every signal', async () => {
    const scoped = new HybridRetriever({
      bm25: inMemoryTextSearcher([{ pageId: 'x:1', text: 'headcount' }, { pageId: 'y:1', text: 'headcount by region' }]),
      loadPageImage: async () => new Blob(),
      signals: [{ name: 'image-dense', embedQuery: async () => Float32Array.of(1, 0), index: new DenseIndex(['x:1', 'y:1'], Float32Array.of(1, 0, 0, 1), 2) }],
    });
    expect((await scoped.view({ docIds: ['x'] }).search('headcount', 5)).map((p) => p.pageId)).toEqual(['x:1']);
    expect((await scoped.view({ docIds: ['y'] }).search('headcount', 5)).map((p) => p.pageId)).toEqual(['y:1']);
  });

  it('returns nothing for an empty query or k = 0, and caps results at k', async () => {
    const retriever = make();
    expect(await retriever.search('', 5)).toEqual([]);
    expect(await retriever.search('headcount', 0)).toEqual([]);
    expect(await retriever.search('headcount', 100)).toHaveLength(3);
  });

  it('loads page images through the callback', async () => {
    expect(await (await make().pageImage('p2')).text()).toBe('png bytes');
    await expect(make().pageImage('p9')).rejects.toThrow('no image for p9');
  });

  it('stops when aborted and wraps an embedder failure in an actionable error', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(make().search('headcount', 3, controller.signal)).rejects.toMatchObject({ code: 'cancelled' });
    const broken = new HybridRetriever({
      bm25: inMemoryTextSearcher(pages),
      loadPageImage: async () => new Blob(),
      signals: [{ name: 'text-dense', embedQuery: async () => Promise.reject(new Error('session lost')), index: dense }],
    });
    await expect(broken.search('headcount', 3)).rejects.toMatchObject({ code: 'retrieval-failed', message: expect.stringContaining('session lost') });
  });
});
