import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/retrieval/text/analyze.ts';
import { searchDocuments } from '../../src/retrieval/text/bm25.ts';
import { closeTerms, editDistance, runTogetherTerms } from '../../src/retrieval/text/fuzzy.ts';
import { buildDocumentTerms, indexDocument, openDocumentTerms } from '../../src/retrieval/text/term-index.ts';
import { inMemoryTextSearcher } from '../support/in-memory-text.ts';
import { pageReferences } from '../../src/retrieval/text/page-references.ts';

const PAGES = [
  { pageId: 'annual:3', text: 'Revenue grew 12% year over year to $4,200 million, driven by cloud subscriptions.' },
  { pageId: 'annual:7', text: 'Operating expenses: research and development rose as headcount grew in Europe.' },
  { pageId: 'annual:9', text: 'Advertising expenses were $714.3 million in fiscal 2015; e-commerce sales doubled.' },
  { pageId: 'slides:1', text: 'Photosynthesis converts light energy into chemical energy stored in glucose.' },
  { pageId: 'slides:2', text: 'The Calvin cycle fixes carbon dioxide; light reactions split water and release oxygen.' },
  { pageId: 'zh:1', text: '人工智能的发展历程：从专家系统到深度学习，模型规模不断扩大。' },
  { pageId: 'zh:2', text: '光合作用把光能转化为化学能，储存在葡萄糖中。' },
  { pageId: 'zh:3', text: '2023年公司营业收入同比增长百分之十二，云计算业务贡献最大。' },
];

describe('analyze', () => {
  it('drops stop words and stems, so inflections meet', () => {
    expect(analyze('The revenues were growing')).toEqual(['revenu', 'grow']);
    expect(analyze('revenue grows')).toEqual(['revenu', 'grow']);
  });

  it('keeps numbers whole: decimals stay, thousands separators go', () => {
    expect(analyze('$4,200 million and 3.5%')).toEqual(['4200', 'million', '3.5', '4200000']);
    expect(analyze('pages 7, 8')).toEqual(['page', '7', '8']);
  });

  it('indexes a compound as its parts and as one word, and a code as its letters and digits', () => {
    expect(analyze('e-commerce')).toEqual(['e', 'commerc', 'ecommerc']);
    expect(analyze('FY2015 Q3')).toEqual(['fy2015', 'fy', '2015', 'q3', 'q', '3']);
    expect(analyze("the company's")).toEqual(['compani']);
  });

  it('drops the words a question asks with, from queries only', () => {
    expect(analyze('According to the report, how many pages mention revenue?', { query: true })).toEqual(['revenu']);
    expect(analyze('how many pages', {})).toEqual(['how', 'mani', 'page']);
  });

  it('turns CJK runs into overlapping bigrams and folds full-width characters', () => {
    expect(analyze('深度学习 is 好')).toEqual(['深度', '度学', '学习', '好']);
    expect(analyze('Ｍｏｄｅｌｓ')).toEqual(['model']);
    expect(analyze('  ,.;!？。 ')).toEqual([]);
  });
});

describe('page references in questions', () => {
  it('reads numbers, number words, ranges, the cover and the last page', () => {
    expect(pageReferences('According to the chart on page 14, how much time…').pages).toEqual([14]);
    expect(pageReferences('What is written on page two?').pages).toEqual([2]);
    expect(pageReferences('Compare pages 3 and 5').pages).toEqual([3, 5]);
    expect(pageReferences('in slides 4-6').pages).toEqual([4, 5, 6]);
    expect(pageReferences('the second page').pages).toEqual([2]);
    expect(pageReferences('How many people are on the cover?').pages).toEqual([1]);
    expect(pageReferences('on the last page').last).toBe(true);
    expect(pageReferences('How many pages does it have?')).toEqual({ pages: [], last: false });
  });
});

describe('fuzzy matching of misspelt query words', () => {
  it('measures edits and stops early', () => {
    expect(editDistance('advertsing', 'advertising', 2)).toBe(1);
    expect(editDistance('kitten', 'sitting', 1)).toBe(2);
  });
  it('finds indexed words one edit away (two for long words), never for numbers', () => {
    expect(closeTerms('neflix', ['netflix', 'network', 'nets'])).toEqual(['netflix']);
    expect(closeTerms('advertsing', ['advertis', 'advertising'])).toEqual(['advertising']);
    expect(closeTerms('2015', ['2016'])).toEqual([]);
  });
  it('finds words OCR ran together, at the start or end of the glued word only', () => {
    expect(runTogetherTerms('hodgson', ['brendanhodgson', 'hodgson', 'hodg'])).toEqual(['brendanhodgson']);
    expect(runTogetherTerms('the', ['brendanhodgson', 'thereby'])).toEqual([]);
    expect(runTogetherTerms('trib', ['distribut', 'tribunal'])).toEqual(['tribunal']);
    const searcher = inMemoryTextSearcher([{ pageId: 'g:5', text: 'ANALYSIS\nBRENDANHODGSON\nAHMEDALSHARIQI', ocr: true }, { pageId: 'g:6', text: 'Hill and Knowlton analysis', ocr: true }]);
    const [first] = searcher.search('Who presented: Brendan Hodgson?', 2);
    expect(first!.pageId).toBe('g:5');
    expect(first!.matched).toEqual([
      { word: 'Brendan', terms: ['brendanhodgson'], similar: true },
      { word: 'Hodgson', terms: ['brendanhodgson'], similar: true },
    ]);
  });
});

describe('BM25 kept per document', () => {
  const searcher = inMemoryTextSearcher(PAGES);

  it('ranks the page that holds the query terms first', () => {
    expect(searcher.search('how much did revenue grow', 3)[0]!.pageId).toBe('annual:3');
    expect(searcher.search('light energy glucose', 3).map((p) => p.pageId).slice(0, 2)).toEqual(['slides:1', 'slides:2']);
    const scores = searcher.search('grew', 10).map((p) => p.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('finds a page despite a typo in the question', () => {
    expect(searcher.search('advertsing expense', 3)[0]!.pageId).toBe('annual:9');
  });

  it('re-scores the pages found by the best pages\' own words (pseudo-relevance feedback), bringing in none without a query word', () => {
    const pages = [
      { pageId: 'r:1', text: 'Photosynthesis: chlorophyll absorbs sunlight, making glucose in leaves. Photosynthesis.' },
      { pageId: 'r:2', text: 'Photosynthesis quiz on Friday; bring a pencil and an eraser for the test.' },
      { pageId: 'r:3', text: 'Photosynthesis in detail: chlorophyll absorbs sunlight; glucose made in leaves feeds the plant.' },
      { pageId: 'r:4', text: 'Chlorophyll absorbs sunlight; glucose is made in leaves.' },
    ];
    const docs = [indexDocument('r', pages)];
    const plain = searchDocuments(docs, 'photosynthesis', 5, { k1: 1.2, b: 0.75, phraseWeight: 0.5, feedbackWeight: 0, contextWeight: 1 });
    const widened = searchDocuments(docs, 'photosynthesis', 5);
    expect(plain.map((p) => p.pageId)).toEqual(['r:1', 'r:2', 'r:3']);
    expect(widened.map((p) => p.pageId).sort()).toEqual(['r:1', 'r:2', 'r:3']);
    expect(widened.map((p) => p.score)).not.toEqual(plain.map((p) => p.score));
  });

  it('puts a page the question names first', () => {
    expect(searcher.search('what does page 7 say about revenue', 3, ['annual'])[0]!.pageId).toBe('annual:7');
  });

  it('finds Chinese pages from Chinese queries', () => {
    expect(searcher.search('深度学习模型', 3)[0]!.pageId).toBe('zh:1');
    expect(searcher.search('光合作用', 3)[0]!.pageId).toBe('zh:2');
    expect(searcher.search('营业收入增长', 3)[0]!.pageId).toBe('zh:3');
  });

  it('searches only the documents in scope, with their own statistics', () => {
    expect(searcher.search('energy', 10, ['annual'])).toEqual([]);
    const inSlides = searcher.search('energy', 10, ['slides']).map((p) => p.pageId);
    expect(inSlides[0]).toBe('slides:1');
    expect(inSlides.every((id) => id.startsWith('slides:'))).toBe(true);
  });

  it('survives a structured clone (the stored form) with identical results, and an older stored form is not opened', () => {
    const stored = ['annual', 'slides', 'zh'].map((doc) => buildDocumentTerms(doc, PAGES.filter((p) => p.pageId.startsWith(`${doc}:`))));
    const opened = stored.map((d) => openDocumentTerms(d)!);
    const restored = structuredClone(stored).map((d) => openDocumentTerms(d)!);
    for (const query of ['revenue growth', '光能 葡萄糖', 'carbon dioxide water', 'europe']) {
      expect(searchDocuments(restored, query, 5)).toEqual(searchDocuments(opened, query, 5));
    }
    expect(openDocumentTerms({ version: 1, docId: 'annual', pageIds: ['annual:3'], lengths: [3], postings: { revenu: [0, 1] } })).toBeNull();
    expect(openDocumentTerms(null)).toBeNull();
    // Version 3 had no per-term maximum frequency: it is built again, not searched with a missing bound.
    const { maxFrequency: _body, ...bodyV3 } = stored[0]!.body;
    const { maxFrequency: _context, ...contextV3 } = stored[0]!.context;
    expect(openDocumentTerms({ ...stored[0]!, version: 3, body: bodyV3, context: contextV3 })).toBeNull();
  });

  it('handles k beyond the corpus, k = 0, an empty query and no documents', () => {
    expect(searcher.search('grew', 100).map((p) => p.pageId).sort()).toEqual(['annual:3', 'annual:7']);
    expect(searcher.search('grew', 0)).toEqual([]);
    expect(searcher.search('', 5)).toEqual([]);
    expect(searcher.search(' ?! ', 5)).toEqual([]);
    expect(searchDocuments([], 'revenue', 5)).toEqual([]);
  });
});

describe('mixed Chinese and Latin', () => {
  it('splits Latin terms out of Chinese runs', () => {
    expect(analyze('阿里云的专有网络VPC是哪一年诞生的？', { query: true })).toEqual(['阿里', '里云', '云的', '的专', '专有', '有网', '网络', 'vpc', '是哪', '哪一', '一年', '年诞', '诞生', '生的']);
    expect(analyze('通过PrivateLink私网连接')).toEqual(['通过', 'privatelink', '私网', '网连', '连接']);
    expect(analyze('2023年公司')).toEqual(['2023', '年公', '公司']);
  });
  it('finds a Chinese slide from a Chinese question naming a Latin term', () => {
    const searcher = inMemoryTextSearcher([
      { pageId: 'a:1', text: '专有网络VPC 诞生于2014年' },
      { pageId: 'b:1', text: '负载均衡SLB 提供流量分发' },
    ]);
    expect(searcher.search('阿里云的专有网络VPC是哪一年诞生的？', 2)[0]!.pageId).toBe('a:1');
  });
});
