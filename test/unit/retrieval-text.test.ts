import { describe, expect, it } from 'vitest';
import { Bm25Index } from '../../src/retrieval/bm25.ts';
import { tokenize } from '../../src/retrieval/tokenize.ts';

const PAGES = [
  { pageId: 'annual/3', text: 'Revenue grew 12% year over year to $4.2 billion, driven by cloud subscriptions.' },
  { pageId: 'annual/7', text: 'Operating expenses: research and development rose as headcount grew in Europe.' },
  { pageId: 'slides/1', text: 'Photosynthesis converts light energy into chemical energy stored in glucose.' },
  { pageId: 'slides/2', text: 'The Calvin cycle fixes carbon dioxide; light reactions split water and release oxygen.' },
  { pageId: 'zh/1', text: '人工智能的发展历程：从专家系统到深度学习，模型规模不断扩大。' },
  { pageId: 'zh/2', text: '光合作用把光能转化为化学能，储存在葡萄糖中。' },
  { pageId: 'zh/3', text: '2023年公司营业收入同比增长百分之十二，云计算业务贡献最大。' },
];

describe('tokenize', () => {
  it('lower-cases Latin words, splits on punctuation and folds full-width characters', () => {
    expect(tokenize('GPT-4 Ｍｏｄｅｌｓ, e.g. CO₂!')).toEqual(['gpt', '4', 'models', 'e', 'g', 'co2']);
  });

  it('turns CJK runs into overlapping bigrams, a lone character into itself', () => {
    expect(tokenize('深度学习 is 好')).toEqual(['深度', '度学', '学习', 'is', '好']);
    expect(tokenize('AI模型')).toEqual(['ai', '模型']);
  });

  it('finds nothing to index in blank or punctuation-only text', () => {
    expect(tokenize('  ,.;!？。 ')).toEqual([]);
  });
});

describe('Bm25Index', () => {
  const index = Bm25Index.build(PAGES);

  it('ranks the page that holds the query terms first', () => {
    expect(index.search('how much did revenue grow', 3)[0]!.pageId).toBe('annual/3');
    expect(index.search('light energy glucose', 3).map((p) => p.pageId).slice(0, 2)).toEqual(['slides/1', 'slides/2']);
    const scores = index.search('grew', 10).map((p) => p.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('finds Chinese pages from Chinese queries', () => {
    expect(index.search('深度学习模型', 3)[0]!.pageId).toBe('zh/1');
    expect(index.search('光合作用', 3)[0]!.pageId).toBe('zh/2');
    expect(index.search('营业收入增长', 3)[0]!.pageId).toBe('zh/3');
  });

  it('round-trips through JSON with identical results', () => {
    const restored = Bm25Index.fromJSON(JSON.stringify(index));
    const fromObject = Bm25Index.fromJSON(index.toJSON());
    for (const query of ['revenue growth', '光能 葡萄糖', 'carbon dioxide water', 'europe']) {
      expect(restored.search(query, 5)).toEqual(index.search(query, 5));
      expect(fromObject.search(query, 5)).toEqual(index.search(query, 5));
    }
    expect(restored.size).toBe(PAGES.length);
  });

  it('replaces a re-added page and forgets a removed one', () => {
    const copy = Bm25Index.fromJSON(JSON.stringify(index));
    copy.addAll([{ pageId: 'slides/1', text: 'Mitochondria are the powerhouse of the cell.' }]);
    expect(copy.size).toBe(PAGES.length);
    expect(copy.search('glucose', 5).map((p) => p.pageId)).not.toContain('slides/1');
    expect(copy.search('mitochondria', 5)[0]!.pageId).toBe('slides/1');
    copy.remove('slides/1');
    expect(copy.has('slides/1')).toBe(false);
    expect(copy.search('mitochondria', 5)).toEqual([]);
  });

  it('handles k beyond the corpus, k = 0, an empty query and an empty index', () => {
    expect(index.search('grew', 100).map((p) => p.pageId).sort()).toEqual(['annual/3', 'annual/7']);
    expect(index.search('grew', 0)).toEqual([]);
    expect(index.search('', 5)).toEqual([]);
    expect(index.search(' ?! ', 5)).toEqual([]);
    expect(Bm25Index.empty().search('revenue', 5)).toEqual([]);
    expect(Bm25Index.fromJSON(JSON.stringify(Bm25Index.empty())).search('revenue', 5)).toEqual([]);
  });

  it('rejects a damaged saved index with an actionable error', () => {
    expect(() => Bm25Index.fromJSON('{"not":"an index"}')).toThrow(expect.objectContaining({ code: 'retrieval-failed' }));
  });
});
