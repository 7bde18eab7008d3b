/**
 * eval and ask on corpora as they come: a document that cannot be added is skipped and reported
 * while the others are scored, every report carries per-type figures and the zero-match count, and
 * a --profile keeps the library so a second run ingests nothing. Small text PDFs only: cheap.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QWEN2_5_VL } from '../../src/models/families/index.ts';
import { SLIDE_SCRIPT, slideReplies } from '../../scripts/test-models/slide-script.ts';
import { handWrittenPdfSource } from '../support/pdf.ts';
import { PRODUCTION_BUILD } from '../support/production-build.ts';
import { OpenAiTestServer } from '../support/openai-server.ts';
import { runCli } from './run.ts';

const temp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

/** A one-page PDF with `text` in its text layer (no OCR needed). */
function textPdf(dir: string, name: string, text: string): string {
  const content = `BT /F1 10 Tf 10 250 Td (${text}) Tj ET`;
  writeFileSync(join(dir, name), handWrittenPdfSource(1, { content, fonts: '/F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>' }));
  return join(dir, name);
}

/** A VRAG-RL RAG dataset whose questions carry doc_type and source_type like MMLongBench-Doc's. */
function questions(examples: { query: string; file: string; docType: string; sources: string[] }[]): string {
  const path = join(temp('vrag-questions-'), 'questions.json');
  const data = examples.map((e, uid) => ({
    uid,
    query: e.query,
    reference_answer: 'x',
    meta_info: { file_name: e.file, reference_page: [1], doc_type: e.docType, source_type: e.sources },
  }));
  writeFileSync(path, JSON.stringify({ examples: data }));
  return path;
}

const lines = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('npm run eval on a corpus with a document that cannot be added', () => {
  it('skips it with its name and error, scores the questions on the others, and keeps its questions as document-skipped', async () => {
    const corpus = temp('vrag-corpus-');
    textPdf(corpus, 'budget.pdf', 'Quarterly budget of the harbour authority');
    textPdf(corpus, 'ferry.pdf', 'Ferry timetable for the island route');
    writeFileSync(join(corpus, 'broken.pdf'), '%PDF-1.4\nThis file was cut off in the middle of its first object');
    const file = questions([
      { query: 'harbour authority budget', file: 'budget.pdf', docType: 'Financial report', sources: ['Table'] },
      { query: 'island ferry timetable', file: 'ferry.pdf', docType: 'Guidebook', sources: ['Pure-text (Plain-text)', 'Generalized-text (Layout)'] },
      { query: 'what was cut off', file: 'broken.pdf', docType: 'Financial report', sources: ['Chart'] },
    ]);
    const out = temp('vrag-eval-');
    const { code, stdout, stderr } = await runCli('eval', ['--corpus', corpus, '--questions', file, '--retrieval-only', '--out', out]);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/warning: skipped broken\.pdf: \S/);
    expect(stderr).toMatch(/ingested budget\.pdf: 1 pages/);
    expect(stderr).toMatch(/ingested ferry\.pdf: 1 pages/);

    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.skippedDocuments).toEqual([{ file: 'broken.pdf', error: expect.stringMatching(/broken\.pdf|PDF/), code: expect.any(String) }]);
    expect(report.summary.skipped).toEqual({ documents: 1, questions: 1 });
    const [budget, ferry, broken] = report.results;
    expect(budget.retrieval.bm25['hit@1']).toBe(1);
    expect(ferry.retrieval.bm25['hit@1']).toBe(1);
    expect(broken).toMatchObject({ status: 'document-skipped', skippedFiles: ['broken.pdf'] });
    for (const scores of Object.values(broken.retrieval) as Record<string, number>[]) expect(Object.values(scores).every((v) => v === 0)).toBe(true);
    // Counted as a miss, never dropped: three questions in the averages.
    const bm25 = report.summary.retrieval.find((s: { signal: string }) => s.signal === 'bm25');
    expect(bm25).toMatchObject({ questions: 3, means: { 'hit@1': 2 / 3 } });

    // Per-type figures, for a retrieval-only run too, under the labels the question file uses.
    const byDocType = new Map(report.summary.retrievalByDocType.map((g: { group: string }) => [g.group, g]));
    expect(byDocType.get('Financial report')).toMatchObject({ questions: 2, signals: expect.arrayContaining([{ signal: 'bm25', questions: 2, means: expect.objectContaining({ 'hit@1': 0.5 }) }]) });
    expect(report.summary.retrievalByEvidence.map((g: { group: string }) => g.group)).toEqual(['Table', 'Pure-text (Plain-text)', 'Generalized-text (Layout)', 'Chart']);

    // Zero-match precision: the fixed word pairs, none of whose words is in these two pages.
    expect(report.zeroMatch).toMatchObject({ queries: 30, excluded: 0, pagesReturned: expect.any(Number) });
    expect(report.zeroMatch.perQuery).toHaveLength(30);

    const summaryLine = lines(stdout).find((l) => 'documents' in l)!;
    expect(summaryLine).toMatchObject({
      documents: { given: 3, skipped: 1, questionsOnSkipped: 1, skippedFiles: [{ file: 'broken.pdf', error: report.skippedDocuments[0].error }] },
      zeroMatch: { queries: 30, pagesReturned: report.zeroMatch.pagesReturned },
    });
    expect(Object.keys(lines(stdout).at(-1)!)).toEqual(['recall@1', 'recall@5', 'ndcg@5']);

    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('Skipped documents (1)');
    expect(html).toContain('<td>broken.pdf</td>');
    expect(html).toContain('Retrieval by evidence type');
    expect(html).toContain('Generalized-text (Layout)');
    expect(html).toContain('Zero-match precision');
  });
});

describe('npm run eval with answers, a document skipped', () => {
  it('runs no episode for its questions: status document-skipped, every score 0, counted in the accuracy', async () => {
    const corpus = temp('vrag-corpus-');
    textPdf(corpus, 'budget.pdf', 'Quarterly budget of the harbour authority');
    writeFileSync(join(corpus, 'empty.pdf'), '');
    const file = questions([
      { query: 'harbour authority budget', file: 'budget.pdf', docType: 'Financial report', sources: ['Table'] },
      { query: 'what is in the empty file', file: 'empty.pdf', docType: 'Financial report', sources: ['Table'] },
    ]);
    const out = temp('vrag-eval-');
    const { code, stdout, stderr } = await runCli('eval', ['--corpus', corpus, '--questions', file, '--model', 'oracle', '--device', 'wasm', '--out', out]);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/warning: skipped empty\.pdf: .*empty \(0 bytes\)/);
    expect(lines(stdout)[0]).toMatchObject({ accuracy: 0.5, finishRate: 0.5, meanTurns: expect.any(Number) });
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.results[0].episode).toMatchObject({ status: 'answered', scores: { outcome: 1 } });
    expect(report.results[1]).toMatchObject({ status: 'document-skipped', episode: { status: 'document-skipped', turns: 0, scores: { outcome: 0, composite: 0 } } });
    expect(report.trajectories['1']).toBeUndefined();
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<td>document-skipped</td>');
  });
});

describe('--profile keeps the library between runs', () => {
  it('a second eval with the same profile finds the document stored and ingests nothing', async () => {
    const corpus = temp('vrag-corpus-');
    textPdf(corpus, 'minutes.pdf', 'Minutes of the lighthouse keepers meeting');
    const file = questions([{ query: 'lighthouse keepers meeting minutes', file: 'minutes.pdf', docType: 'Administration', sources: ['Pure-text (Plain-text)'] }]);
    const profile = join(temp('vrag-profiles-'), 'my profile');
    const run = () => runCli('eval', ['--corpus', corpus, '--questions', file, '--retrieval-only', '--profile', profile, '--out', temp('vrag-eval-')]);

    const first = await run();
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/ingested minutes\.pdf: 1 pages/);
    expect(existsSync(join(profile, 'vrag-headless.json'))).toBe(true);

    const second = await run();
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/already stored: minutes\.pdf \(1 pages\), not ingested again/);
    expect(second.stderr).not.toMatch(/ingested minutes\.pdf/);
    expect(lines(second.stdout).at(-1)).toEqual(lines(first.stdout).at(-1));
    expect(lines(second.stdout).at(-1)!['recall@1']).toBe(1);
  });

  it('without one the browser still keeps its storage on disk (a temporary profile), not under the in-memory quota', async () => {
    process.env.VRAG_BUILD_DIR = PRODUCTION_BUILD;
    const { openHeadlessApp } = await import('../../scripts/headless/app.ts');
    const app = await openHeadlessApp({ log: () => {}, reuseBuild: true });
    try {
      const cdp = await app.page.context().newCDPSession(app.page);
      const { quota } = await cdp.send('Storage.getUsageAndQuota', { origin: new URL(app.page.url()).origin });
      // An in-memory context has about 1.3 GB (writes fail past 1.5 GB); a profile on disk a share of the disk.
      expect(quota).toBeGreaterThan(4e9);
    } finally {
      await app.close();
    }
  });

  it('refuses a folder that is neither new, empty nor a profile', async () => {
    const folder = temp('vrag-not-a-profile-');
    writeFileSync(join(folder, 'notes.txt'), 'mine');
    const corpus = temp('vrag-corpus-');
    textPdf(corpus, 'a.pdf', 'anything');
    const file = questions([{ query: 'anything', file: 'a.pdf', docType: 'x', sources: [] }]);
    const { code, stderr } = await runCli('eval', ['--corpus', corpus, '--questions', file, '--retrieval-only', '--profile', folder]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/is not empty and holds no vrag-headless\.json/);
  });
});

describe('npm run ask with several documents, one of which cannot be added', () => {
  it('answers from the others and says which was skipped', async () => {
    const server = await OpenAiTestServer.start({ replies: slideReplies(QWEN2_5_VL).map((text) => ({ text })) });
    try {
      const dir = temp('vrag-docs-');
      const good = textPdf(dir, 'outbound.pdf', 'MasterCard Outbound Trips CAGR India 13.0%');
      const empty = join(dir, 'empty.pdf');
      writeFileSync(empty, '');
      const { code, stdout, stderr } = await runCli('ask', ['--docs', good, '--docs', empty, '--endpoint', server.baseUrl, '--endpoint-model', 'vrag-rl-7b', SLIDE_SCRIPT.question]);
      expect(code, stderr).toBe(0);
      expect(stdout).toMatch(/warning: skipped empty\.pdf: .*empty \(0 bytes\)/);
      expect(stdout).toMatch(/Answer: 13\.0%/);
      expect(stdout).toMatch(/Skipped \(could not be added\): empty\.pdf/);
    } finally {
      await server.stop();
    }
  });
});
