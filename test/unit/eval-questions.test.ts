import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseListLiteral, parseQuestions } from '../../src/eval/questions.ts';
import type { EvalQuestion } from '../../src/eval/questions.ts';
import { AppError } from '../../src/errors.ts';
import { pageKey } from '../../src/reward/metrics.ts';
import { sharedPath } from '../support/shared.ts';

const readJson = async (url: URL): Promise<unknown> => JSON.parse(await readFile(url, 'utf8'));
const slidesUrl = new URL('../../eval/questions/vrag-slides.json', import.meta.url);
const byId = (questions: EvalQuestion[], id: string) => questions.find((q) => q.id === id)!;
/** Gold pages as `${file}#${page}` keys, the form the retrieval metrics compare. */
const goldPageKeys = (question: EvalQuestion): string[] => question.gold.flatMap(({ file, pages }) => pages.map((page) => pageKey(file, page)));

describe('parseListLiteral (Python list literals from MMLongBench-Doc)', () => {
  it('reads numbers, quoted strings and empty lists', () => {
    expect(parseListLiteral('[]', 'f', 'q')).toEqual([]);
    expect(parseListLiteral('[ ]', 'f', 'q')).toEqual([]);
    expect(parseListLiteral('[5]', 'f', 'q')).toEqual([5]);
    expect(parseListLiteral('[7, 11, 13,16]', 'f', 'q')).toEqual([7, 11, 13, 16]);
    expect(parseListLiteral("['Pure-text (Plain-text)', 'Table']", 'f', 'q')).toEqual(['Pure-text (Plain-text)', 'Table']);
    expect(parseListLiteral(`["it's", 'say \\'hi\\'', 'a, b']`, 'f', 'q')).toEqual(["it's", "say 'hi'", 'a, b']);
    expect(parseListLiteral([3, 'Chart'], 'f', 'q')).toEqual([3, 'Chart']);
  });
  it.each(['[5', '5', "['a' 'b']", '[abc]', "['open]", '[1,,2]', 42])('rejects %s', (value) => {
    expect(() => parseListLiteral(value, 'evidence_pages', 'question 3')).toThrow(/question 3.*evidence_pages/);
  });
});

describe('MMLongBench-Doc questions.json (real file)', async () => {
  const { questions } = parseQuestions(await readJson(sharedPath('corpora/mmlongbench-dev/questions.json')));
  const answerable = questions.filter((q) => q.answerable);

  it('has 92 questions, 70 answerable and 22 "Not answerable"', () => {
    expect(questions).toHaveLength(92);
    expect(answerable).toHaveLength(70);
    expect(new Set(questions.map((q) => q.id)).size).toBe(92);
  });
  it('gives every answerable question gold pages and no unanswerable one any', () => {
    expect(answerable.every((q) => q.gold.length === 1 && q.gold[0]!.pages.length > 0)).toBe(true);
    expect(questions.filter((q) => !q.answerable).every((q) => q.gold.length === 0 && q.answer === 'Not answerable')).toBe(true);
    expect(answerable.reduce((n, q) => n + q.gold[0]!.pages.length, 0)).toBe(106);
    expect(answerable.filter((q) => q.gold[0]!.pages.length > 1)).toHaveLength(24);
  });
  it('parses pages and sources from their string forms', () => {
    expect(questions[0]).toEqual({
      id: '0',
      question: 'According to the report, how do 5% of the Latinos see economic upward mobility for their children?',
      answer: 'Less well-off',
      answerable: true,
      gold: [{ file: 'PH_2016.06.08_Economy-Final.pdf', pages: [5] }],
      files: ['PH_2016.06.08_Economy-Final.pdf'],
      evidenceSources: ['Chart'],
      docType: 'Research report / Introduction',
      answerFormat: 'Str',
    });
    expect(questions[4]!.gold).toEqual([{ file: 'PH_2016.06.08_Economy-Final.pdf', pages: [4, 7, 9, 10, 13, 14] }]);
    expect(questions[4]!.evidenceSources).toEqual(['Chart', 'Generalized-text (Layout)']);
    expect(goldPageKeys(questions[4]!)).toEqual([4, 7, 9, 10, 13, 14].map((p) => `PH_2016.06.08_Economy-Final.pdf#${p}`));
  });
  it('an unanswerable question still names the document it is asked about', () => {
    const unanswerable = questions.filter((q) => !q.answerable);
    expect(unanswerable.every((q) => q.gold.length === 0 && q.files.length === 1)).toBe(true);
  });
  it('keeps the one answerable question that names no evidence source', () => {
    const q = byId(questions, '19');
    expect(q).toMatchObject({ answer: '41', answerable: true, evidenceSources: [], gold: [{ pages: [5] }] });
  });
  it('only uses the five MMLongBench evidence source labels', () => {
    const labels = new Set(questions.flatMap((q) => q.evidenceSources));
    expect([...labels].sort()).toEqual(['Chart', 'Figure', 'Generalized-text (Layout)', 'Pure-text (Plain-text)', 'Table']);
  });
});

describe('VRAG-RL RAG dataset fixture (real file)', async () => {
  const { questions } = parseQuestions(await readJson(sharedPath('fixtures/vrag_rag_dataset.json')));

  it('reads all four examples, with or without source types', () => {
    expect(questions.map((q) => q.id)).toEqual(['0', '1', '2', '3']);
    expect(byId(questions, '1')).toMatchObject({
      answer: 'Latinos interviewed by cellphone',
      gold: [{ file: 'PH_2016.06.08_Economy-Final.pdf', pages: [19, 20] }],
      evidenceSources: ['Table'],
      docType: 'Research report / Introduction',
      answerFormat: 'Str',
    });
    const q3 = byId(questions, '3');
    expect(q3.gold).toEqual([{ file: '2012-02-20fy11roadshow-120221022442-phpapp02_95.pdf', pages: [5, 7] }]);
    expect(q3.evidenceSources).toEqual([]);
    expect(q3.docType).toBeUndefined();
    expect(questions.every((q) => q.answerable)).toBe(true);
  });
});

describe('the vrag-slides gold set (eval/questions/vrag-slides.json)', async () => {
  const { questions } = parseQuestions(await readJson(slidesUrl));
  const corpus = new Set(await readdir(fileURLToPath(sharedPath('corpora/vrag-slides/'))));
  const isChinese = (q: EvalQuestion) => q.gold[0]!.file.startsWith('aliyun4_');

  it('has 20 answerable questions with unique ids: 12 on English slides, 8 on Chinese slides', () => {
    expect(questions).toHaveLength(20);
    expect(new Set(questions.map((q) => q.id)).size).toBe(20);
    expect(questions.every((q) => q.answerable && q.answer.trim() !== '' && q.question.trim() !== '')).toBe(true);
    expect(questions.filter(isChinese)).toHaveLength(8);
    expect(questions.filter((q) => !isChinese(q))).toHaveLength(12);
    expect(questions.filter(isChinese).every((q) => /[\u4e00-\u9fff]/.test(q.question))).toBe(true);
  });
  it('names only slides that exist in the corpus, each as page 1', () => {
    expect(corpus.size).toBe(39);
    for (const q of questions) {
      for (const { file, pages } of q.gold) {
        expect(corpus.has(file), `${q.id}: ${file}`).toBe(true);
        expect(pages).toEqual([1]);
      }
    }
  });
  it('lists every slide that answers a question (meta_info.also)', () => {
    const shared = questions.filter((q) => q.gold.length > 1);
    expect(shared).toHaveLength(1);
    expect(goldPageKeys(shared[0]!)).toEqual(['aliyun4_9.jpg#1', 'aliyun4_11.jpg#1']);
  });
  it('labels each question with MMLongBench source types and an answer format', () => {
    const known = new Set(['Chart', 'Figure', 'Generalized-text (Layout)', 'Pure-text (Plain-text)', 'Table']);
    for (const q of questions) {
      expect(q.evidenceSources.length, q.id).toBeGreaterThan(0);
      expect(q.evidenceSources.every((s) => known.has(s)), q.id).toBe(true);
      expect(['Str', 'Int', 'Float']).toContain(q.answerFormat);
      expect(q.docType).toBe('Slides');
    }
  });
});

describe('parseQuestions rejects what it cannot read', () => {
  const invalid = (json: unknown, message: RegExp) => {
    let caught: unknown;
    try {
      parseQuestions(json);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).code).toBe('invalid-input');
    expect((caught as AppError).message).toMatch(message);
  };
  it('other shapes', () => {
    for (const json of [null, 'questions', 42, {}, { examples: 'no' }]) invalid(json, /MMLongBench-Doc.*VRAG-RL/);
  });
  it('empty sets', () => {
    invalid([], /no questions/);
    invalid({ examples: [] }, /no questions/);
  });
  it('a set whose every question is broken, naming the first', () => {
    invalid([{ doc_id: 'a.pdf', question: 'Q?', answer: 'A', evidence_pages: '[0]' }], /None of the 1 questions.*question 0 \(a\.pdf\).*page 0/);
  });
  it('skips a broken question with a reason that names it, and keeps the rest', () => {
    const record = { doc_id: 'a.pdf', question: 'Q?', answer: 'A', evidence_pages: '[2]', evidence_sources: '[]' };
    const set = parseQuestions([record, { ...record, evidence_pages: undefined }, { ...record, evidence_pages: '[0]' }, { ...record, question: 7 }, 'text']);
    expect(set.questions.map((q) => q.id)).toEqual(['0']);
    expect(set.questions[0]!.gold).toEqual([{ file: 'a.pdf', pages: [2] }]);
    expect(set.skipped.map((s) => s.where)).toEqual(['question 1 (a.pdf)', 'question 2 (a.pdf)', 'question 3 (a.pdf)', 'question 4']);
    expect(set.skipped[0]!.reason).toBe(`The question set's question 1 (a.pdf) cannot be read: "evidence_pages" is missing.`);
    expect(set.skipped[1]!.reason).toMatch(/question 2 \(a\.pdf\) names page 0; pages are whole numbers from 1/);
    expect(set.skipped[2]!.reason).toBe(`The question set's question 3 (a.pdf) cannot be read: "question" should be text but is a number.`);
    expect(set.skipped[3]!.reason).toMatch(/question 4 cannot be read: it is not a JSON object/);

    const example = { uid: 5, query: 'Q?', reference_answer: 'A', meta_info: { file_name: 's.jpg', reference_page: [1] } };
    const vrag = parseQuestions({
      examples: [
        example,
        { ...example, meta_info: undefined },
        { ...example, meta_info: { file_name: 's.jpg', reference_page: [] } },
        { ...example, meta_info: { ...example.meta_info, also: 'x.jpg' } },
      ],
    });
    expect(vrag.questions.map((q) => q.id)).toEqual(['5']);
    expect(vrag.skipped.map((s) => s.reason)).toEqual([
      `The question set's example 1 cannot be read: "meta_info" is missing (it should be an object).`,
      `The question set's example 2 cannot be read: "meta_info.reference_page" should name at least one page.`,
      `The question set's example 3 cannot be read: "meta_info.also" should be a list but is text.`,
    ]);
  });
  it('also entries may name pages of longer documents', () => {
    const example = {
      uid: 'u1',
      query: 'Q?',
      reference_answer: 'A',
      meta_info: { file_name: 'a.pdf', reference_page: [3], also: ['s.jpg', { file_name: 'b.pdf', reference_page: [7, 8] }] },
    };
    expect(goldPageKeys(parseQuestions({ examples: [example] }).questions[0]!)).toEqual(['a.pdf#3', 's.jpg#1', 'b.pdf#7', 'b.pdf#8']);
  });
});
