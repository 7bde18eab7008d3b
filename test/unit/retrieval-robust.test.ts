import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/retrieval/text/analyze.ts';
import { searchDocuments } from '../../src/retrieval/text/bm25.ts';
import { pageContexts } from '../../src/retrieval/text/page-context.ts';
import { parseQuery } from '../../src/retrieval/text/query.ts';
import { buildDocumentTerms, indexDocument, openDocumentTerms } from '../../src/retrieval/text/term-index.ts';
import { seededRandom } from '../../scripts/seeded-random.ts';
import { inMemoryTextSearcher } from '../support/in-memory-text.ts';

const PROTOTYPE_WORDS = [...new Set([...Object.getOwnPropertyNames(Object.prototype), ...Object.getOwnPropertyNames(Function.prototype), '__proto__', 'prototype'])];

describe('no input text breaks the index or the search', () => {
  it('indexes and finds pages made of every property name of Object.prototype and Function.prototype', () => {
    const pages = PROTOTYPE_WORDS.map((word, i) => ({ pageId: `proto:${i + 1}`, text: `${word} ${word} appendix` }));
    const stored = buildDocumentTerms('proto', pages);
    const doc = openDocumentTerms(structuredClone(stored))!;
    for (const [i, word] of PROTOTYPE_WORDS.entries()) {
      // "name" and "length" ask rather than say what a question is about: such words are dropped from queries.
      if (analyze(word, { query: true }).length === 0) {
        expect(searchDocuments([doc], word, 3)).toEqual([]);
        continue;
      }
      const hits = searchDocuments([doc], word, 3);
      expect(hits[0]?.pageId, word).toBe(`proto:${i + 1}`);
      expect(hits[0]!.matched[0]!.similar).toBe(false);
    }
  });

  it('finds each page of generated text by its own words: random Unicode, right-to-left, emoji, huge tokens, NUL bytes', () => {
    const random = seededRandom(26);
    const char = (from: number, to: number) => String.fromCodePoint(from + Math.floor(random() * (to - from)));
    const word = (from: number, to: number, length: number) => Array.from({ length }, () => char(from, to)).join('');
    const texts = [
      `${word(0x0590, 0x05ea, 6)} ${word(0x0627, 0x064a, 7)} שלום עולם مرحبا`, // Hebrew and Arabic
      `launch 🚀🚀 ${word(0x1f600, 0x1f64f, 3)} rocketry`,
      `${'a'.repeat(10_000)} longtoken`,
      `nul\u0000byte separated\u0000words`,
      `${word(0x4e00, 0x9fa5, 8)} ${word(0x0400, 0x04ff, 9)} mixed`,
      `${word(0x20, 0xffff, 200)} noise`,
    ];
    const searcher = inMemoryTextSearcher(texts.map((text, i) => ({ pageId: `gen:${i + 1}`, text })));
    for (const [i, text] of texts.entries()) {
      const words = analyze(text).filter((t) => !t.includes(' '));
      expect(words.length, `page ${i + 1} has words`).toBeGreaterThan(0);
      const query = text.split(/[\s\u0000]+/).filter(Boolean).slice(-1)[0]!;
      expect(searcher.search(query, 1)[0]?.pageId, `page ${i + 1} by “${query.slice(0, 20)}”`).toBe(`gen:${i + 1}`);
    }
    expect(searcher.search('a'.repeat(10_000), 1)[0]?.pageId).toBe('gen:3');
  });
});

describe('pruned scoring', () => {
  it('returns exactly the top k an exhaustive pass returns (common words looked up for candidates only)', () => {
    const random = seededRandom(7);
    const vocabulary = Array.from({ length: 300 }, (_, i) => `term${i.toString(36)}x`);
    // Zipf-like: low indexes are common words, high ones rare.
    const pick = () => vocabulary[Math.floor(vocabulary.length * random() ** 3)]!;
    const docs = Array.from({ length: 5 }, (_, d) => indexDocument(`d${d}`, Array.from({ length: 60 }, (_, p) => ({ pageId: `d${d}:${p + 1}`, text: Array.from({ length: 80 }, pick).join(' ') }))));
    const exact = { k1: 1.2, b: 0.75, phraseWeight: 0.5, feedbackWeight: 0, contextWeight: 1 };
    for (let q = 0; q < 40; q++) {
      const query = Array.from({ length: 3 }, pick).join(' ');
      const all = searchDocuments(docs, query, 300, exact);
      expect(searchDocuments(docs, query, 10, exact).map((h) => h.pageId), query).toEqual(all.slice(0, 10).map((h) => h.pageId));
    }
  });
});

describe('documents skipped by their bound', () => {
  const exact = { k1: 1.2, b: 0.75, phraseWeight: 0.5, feedbackWeight: 0, contextWeight: 1 };

  it('returns the exhaustive top k over many documents, each about its own topic, with headings', () => {
    const random = seededRandom(11);
    const common = Array.from({ length: 40 }, (_, i) => `common${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`);
    const docs = Array.from({ length: 40 }, (_, d) => {
      const topic = Array.from({ length: 8 }, (_, i) => `topic${String.fromCharCode(97 + (d % 26))}${String.fromCharCode(97 + Math.floor(d / 26))}${String.fromCharCode(97 + i)}`);
      const pick = () => (random() < 0.3 ? topic : common)[Math.floor((random() ** 2) * (random() < 0.3 ? topic.length : common.length))]!;
      return indexDocument(`d${d}`, Array.from({ length: 20 }, (_, p) => ({
        pageId: `d${d}:${p + 1}`,
        text: Array.from({ length: 60 }, pick).join(' '),
        lines: [{ text: `Section ${topic[p % 8]}`, box: [0, 0, 600, 40] }, { text: Array.from({ length: 60 }, pick).join(' '), box: [0, 50, 600, 62] }],
      })));
    });
    expect(docs.every((d) => d.context.terms.some((t) => t.startsWith('topic')))).toBe(true);
    const words = [...new Set(docs.flatMap((d) => d.body.terms.filter((t) => !t.includes(' '))))];
    for (let q = 0; q < 60; q++) {
      const query = Array.from({ length: 1 + (q % 4) }, () => words[Math.floor(random() * words.length)]!).join(' ');
      const all = searchDocuments(docs, query, 100_000, exact);
      expect(searchDocuments(docs, query, 5, exact).map((h) => [h.pageId, h.score]), query).toEqual(all.slice(0, 5).map((h) => [h.pageId, h.score]));
    }
  });

  it('bounds a word said more than 255 times on one page (the stored maximum is capped)', () => {
    // Near-linear in the frequency (huge k1, no length normalisation): 300 beats 270 only if 300 is not read as 255.
    const linear = { ...exact, k1: 1e6, b: 0, phraseWeight: 0 };
    const docs = [
      // Three pages: the search keeps at least three (the feedback's pages) before it skips a document.
      indexDocument('rival', [270, 265, 260].map((n, i) => ({ pageId: `rival:${i + 1}`, text: `${'zebra '.repeat(n)}${'filler '.repeat(600 - n)}` }))),
      indexDocument('many', [{ pageId: 'many:1', text: `${'zebra '.repeat(300)}${'filler '.repeat(300)}` }, { pageId: 'many:2', text: 'filler '.repeat(600) }]),
    ];
    expect(docs[1]!.body.maxFrequency[docs[1]!.body.terms.indexOf('zebra')]).toBe(255);
    expect(searchDocuments(docs, 'zebra', 1, linear)[0]!.pageId).toBe('many:1');
  });
});

describe('matches the reader can trust', () => {
  const searcher = inMemoryTextSearcher([
    { pageId: 'k:1', text: 'Quarterly results: revenue by quarter, distributed dividends.' },
    { pageId: 'k:2', text: 'The mind of the market: investor sentiment and trips abroad.' },
    { pageId: 'k:3', text: 'India outbound trips grew 20% as travellers from India went abroad.' },
    { pageId: 'k:4', text: 'Advertising expenses and marketing.' },
  ]);

  it('returns nothing for a query with no real match rather than near misses', () => {
    expect(searcher.search('xylophone quartet', 10)).toEqual([]);
    expect(searcher.search('saxophone', 10)).toEqual([]);
  });

  it('never matches inside an unrelated longer word', () => {
    const hits = searcher.search('India', 10);
    expect(hits.map((h) => h.pageId)).toEqual(['k:3']);
    expect(searcher.search('trib', 10)).toEqual([]);
  });

  it('corrects a typo of a word no page holds, and says so', () => {
    const [hit] = searcher.search('advertsing', 5);
    expect(hit!.pageId).toBe('k:4');
    expect(hit!.matched).toEqual([{ word: 'advertsing', terms: ['advertis'], similar: true }]);
  });

  it('does not spell-correct a word the library holds', () => {
    expect(searcher.search('quarter', 10).map((h) => h.pageId)).toEqual(['k:1']);
  });

  it('ranks exact matches first and says which words matched', () => {
    const hits = searcher.search('India outbound trips', 10);
    expect(hits[0]!.pageId).toBe('k:3');
    expect(hits[0]!.matched.map((m) => m.word)).toEqual(['India', 'outbound', 'trips']);
    expect(hits.every((h) => h.matched.every((m) => !m.similar))).toBe(true);
  });

  it('keeps an OCR run-together match below an exact match of the same word', () => {
    const ocr = inMemoryTextSearcher([
      { pageId: 'o:1', text: 'SPEAKERS BRENDANHODGSON BRENDANHODGSON HODGSONMEDIA', ocr: true },
      { pageId: 'o:2', text: 'A long page of minutes where Hodgson spoke once among many other words about the crisis response plan and the airline', ocr: false },
    ]);
    const hits = ocr.search('Hodgson', 5);
    expect(hits.map((h) => h.pageId)).toEqual(['o:2', 'o:1']);
    expect(hits[1]!.matched[0]!.similar).toBe(true);
  });
});

describe('long reports', () => {
  it('carries a heading onto the pages that continue its section, not onto pages with headings of their own', () => {
    const contexts = pageContexts([
      [{ text: 'CONSOLIDATED STATEMENTS OF CASH FLOWS' }, { text: 'Net income 1,200 1,100' }],
      [{ text: 'Depreciation 300 280' }, { text: 'Purchases of property and equipment (1,577) (1,373)' }],
      [{ text: 'NOTES TO THE FINANCIAL STATEMENTS' }, { text: 'Note 1. Basis of presentation.' }],
    ]);
    expect(contexts).toEqual(['CONSOLIDATED STATEMENTS OF CASH FLOWS', 'CONSOLIDATED STATEMENTS OF CASH FLOWS', 'NOTES TO THE FINANCIAL STATEMENTS']);
  });

  it('finds a statement by any of its names, on its continuation page too', () => {
    const doc = indexDocument('10k', [
      { pageId: '10k:1', text: 'Management discussion: liquidity was strong and our outlook is stable.' },
      { pageId: '10k:2', text: 'CONSOLIDATED STATEMENTS OF OPERATIONS\nNet sales 5,000 4,800\nCost of sales 3,000 2,900' },
      { pageId: '10k:3', text: 'CONSOLIDATED STATEMENTS OF CASH FLOWS\nNet income 1,200 1,100\nDepreciation 300 280' },
      { pageId: '10k:4', text: 'Purchases of property and equipment (1,577) (1,373)\nDividends paid (400) (380)' },
    ]);
    const capex = searchDocuments([doc], 'What is the FY2018 capital expenditure amount (in USD millions)? Give a response to the question by relying on the details shown in the cash flow statement.', 4);
    expect(capex.slice(0, 2).map((h) => h.pageId).sort()).toEqual(['10k:3', '10k:4']);
    expect(searchDocuments([doc], 'net sales in the income statement', 1)[0]!.pageId).toBe('10k:2');
    expect(searchDocuments([doc], 'P&L statement cost of sales', 1)[0]!.pageId).toBe('10k:2');
  });

  it('drops the words of an instruction sentence, keeping what it names', () => {
    const terms = parseQuery('What is 3M capex? Give a response to the question by relying on the details shown in the cash flow statement. Round your answer to two decimal places.').words.map((w) => w.term);
    expect(terms).toContain('cash');
    expect(terms).toContain('statement:cash-flows');
    for (const dropped of ['give', 'respons', 'question', 'reli', 'detail', 'shown', 'round', 'decim', 'place']) expect(terms).not.toContain(dropped);
    expect(parseQuery('What was the survey response rate?').words.map((w) => w.term)).toContain('respons');
  });

  it('reads an amount in any of its forms', () => {
    const searcher = inMemoryTextSearcher([
      { pageId: 'n:1', text: 'Capital expenditures (in millions) (1,577) (1,373)' },
      { pageId: 'n:2', text: 'Headcount 93,000 employees' },
    ]);
    expect(searcher.search('1.577 billion', 1)[0]!.pageId).toBe('n:1');
    expect(searcher.search('$1,577 million', 1)[0]!.pageId).toBe('n:1');
  });
});
