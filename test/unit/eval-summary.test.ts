import { describe, expect, it } from 'vitest';
import { reportHtml } from '../../src/eval/report-html.ts';
import { DOCUMENT_SKIPPED, retrievalByGroup, summariseEvaluation, type QuestionResult } from '../../src/eval/summary.ts';

const hit = (h: number) => ({ 'hit@5': h, 'recall@5': h, 'ndcg@5': h, 'mrr@10': h });

function question(id: string, fields: Partial<QuestionResult> & { score?: number }): QuestionResult {
  const { score = 1, ...rest } = fields;
  return { id, question: `q${id}`, reference: 'a', answerable: true, evidenceSources: [], retrieval: { bm25: hit(score) }, ...rest };
}

const episode = (outcome: number, turns: number, status = 'answered'): NonNullable<QuestionResult['episode']> => ({
  status,
  turns,
  invalidTurns: 0,
  timeMs: turns * 1000,
  retrievedPages: [],
  scores: { outcome, outcomeMethod: 'rule:exact', pattern: status === DOCUMENT_SKIPPED ? 0 : 1, patternStrict: 1, retrieval: outcome, composite: outcome },
});

describe('summariseEvaluation: skipped documents', () => {
  const results = [
    question('0', { docType: 'Financial report', evidenceSources: ['Table'], score: 1 }),
    question('1', { docType: 'Financial report', evidenceSources: ['Table', 'Chart'], score: 0, status: DOCUMENT_SKIPPED, skippedFiles: ['bad.pdf'] }),
    question('2', { docType: 'Tutorial/Workshop', evidenceSources: ['Pure-text (Plain-text)'], score: 1 }),
    question('3', { answerable: false, reference: 'Not answerable', status: DOCUMENT_SKIPPED, skippedFiles: ['bad.pdf'], score: 0 }),
  ];

  it('counts the documents and the questions left without one, and keeps those questions in the averages as misses', () => {
    const summary = summariseEvaluation(results, 1);
    expect(summary.skipped).toEqual({ documents: 1, questions: 2 });
    expect(summary.questions).toBe(4);
    expect(summary.answerable).toBe(3);
    // The skipped answerable question scores 0: bm25 hit@5 = (1 + 0 + 1) / 3.
    expect(summary.retrieval).toEqual([{ signal: 'bm25', questions: 3, means: hit(2 / 3) }]);
  });

  it('is zero without skipped documents', () => {
    expect(summariseEvaluation([results[0]!]).skipped).toEqual({ documents: 0, questions: 0 });
  });

  it('counts a skipped question as a wrong answer, but not in the figures about how episodes ran', () => {
    const withEpisodes = [
      { ...results[0]!, episode: episode(1, 4) },
      { ...results[1]!, episode: episode(0, 0, DOCUMENT_SKIPPED) },
    ];
    const e = summariseEvaluation(withEpisodes, 1).episodes!;
    expect(e.accuracy).toBe(0.5);
    expect(e.finishRate).toBe(0.5);
    expect(e.meanTurns).toBe(4);
    expect(e.meanPattern).toBe(1);
    expect(e.turnsHistogram).toEqual({ 4: 1 });
    expect(e.timePerQuestionMs.mean).toBe(4000);
  });
});

describe('summariseEvaluation: retrieval by document type and by evidence type', () => {
  const results = [
    question('0', { docType: 'Financial report', evidenceSources: ['Table'], score: 1 }),
    question('1', { docType: 'Financial report', evidenceSources: ['Table', 'Chart'], score: 0 }),
    question('2', { docType: 'Tutorial/Workshop', evidenceSources: ['Pure-text (Plain-text)'], score: 1 }),
    question('3', { evidenceSources: [], score: 0 }),
    question('4', { docType: 'Financial report', answerable: false, reference: 'Not answerable', evidenceSources: ['Chart'], score: 0 }),
  ];
  const summary = summariseEvaluation(results);

  it('groups answerable questions by doc_type, in order of first appearance, "Unlabelled" without one', () => {
    expect(summary.retrievalByDocType).toEqual([
      { group: 'Financial report', questions: 2, signals: [{ signal: 'bm25', questions: 2, means: hit(0.5) }] },
      { group: 'Tutorial/Workshop', questions: 1, signals: [{ signal: 'bm25', questions: 1, means: hit(1) }] },
      { group: 'Unlabelled', questions: 1, signals: [{ signal: 'bm25', questions: 1, means: hit(0) }] },
    ]);
  });

  it('groups by the evidence labels as the question files write them; a question with several counts in each', () => {
    const byEvidence = new Map(summary.retrievalByEvidence.map((g) => [g.group, g]));
    expect([...byEvidence.keys()]).toEqual(['Table', 'Chart', 'Pure-text (Plain-text)', 'Unlabelled']);
    expect(byEvidence.get('Table')).toMatchObject({ questions: 2, signals: [{ means: hit(0.5) }] });
    // The unanswerable chart question is not scored: only question 1 is.
    expect(byEvidence.get('Chart')).toMatchObject({ questions: 1, signals: [{ means: hit(0) }] });
  });

  it('keeps every signal per group, and reads labels such as "__proto__" or "constructor" as plain names', () => {
    const odd = [
      { ...question('0', { evidenceSources: ['__proto__', 'constructor'] }), retrieval: { bm25: hit(1), 'baseline-bm25': hit(0) } },
      question('1', { evidenceSources: ['constructor'], score: 0 }),
    ];
    const groups = retrievalByGroup(odd, (r) => r.evidenceSources);
    expect(groups.map((g) => [g.group, g.questions])).toEqual([['__proto__', 1], ['constructor', 2]]);
    expect(groups[0]!.signals.map((s) => s.signal)).toEqual(['bm25', 'baseline-bm25']);
    expect(groups[1]!.signals[0]).toEqual({ signal: 'bm25', questions: 2, means: hit(0.5) });
  });

  it('are in the HTML report of a retrieval-only run, with the skipped documents and the zero-match count', () => {
    const html = reportHtml('VRAG evaluation', {}, summariseEvaluation(results, 1), results, undefined, {
      skippedDocuments: [{ file: 'broken <1>.pdf', error: 'This PDF is damaged.', code: 'corrupt-file' }],
      zeroMatch: { queries: 28, excluded: 2, pagesReturned: 3, worst: { query: 'xylophone quartet', pages: 3, topPages: ['a.pdf#1', 'a.pdf#2', 'b.pdf#7'] }, perQuery: [] },
    });
    expect(html).toContain('Skipped documents (1)');
    expect(html).toContain('broken &lt;1&gt;.pdf');
    expect(html).toContain('This PDF is damaged.');
    expect(html).toContain('Retrieval by document type');
    expect(html).toContain('Tutorial/Workshop');
    expect(html).toContain('Retrieval by evidence type');
    expect(html).toContain('Pure-text (Plain-text)');
    expect(html).toContain('<th scope="col">mrr@10</th>');
    expect(html).toContain('Zero-match precision');
    expect(html).toContain('<td>xylophone quartet</td>');
  });
});
