import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SftExample } from '../../src/agent/sft.ts';
import { fromSftExample } from '../support/sft.ts';
import { parseQuestions } from '../../src/eval/questions.ts';
import { unzipFiles } from '../../src/export/zip.ts';
import { OpenAiTestServer } from '../support/openai-server.ts';
import { QWEN2_5_VL } from '../../src/models/families/index.ts';
import { SLIDE_SCRIPT, slideReplies } from '../../scripts/test-models/slide-script.ts';
import { GENERATED, questionsFile, runCli, SCRIPTED_VLM, SHARED, slideCorpus, textPdfCorpus } from './run.ts';

const MMLB = `${SHARED}/corpora/mmlongbench-dev`;
const out = () => mkdtempSync(join(tmpdir(), 'vrag-eval-'));
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, number>;

describe('npm run eval on MMLongBench-Doc', () => {
  it('a policy that knows the answers gets perfect scores, the report holds every trajectory, and the episodes export as SFT data', async () => {
    const dir = out();
    const { code, stdout, stderr } = await runCli('eval', ['--corpus', MMLB, '--questions', `${MMLB}/questions.json`, '--model', 'oracle', '--limit', '6', '--device', 'wasm', '--best-of', '2', '--export-sft', '0.9', '--out', dir]);
    expect(code, stderr).toBe(0);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
    const perfect = { accuracy: 1, meanNdcg: 1, meanPattern: 1, meanComposite: 1, finishRate: 1, invalidActionRate: 0 };
    expect(lines[0]).toMatchObject(perfect);
    expect(lines[1]).toMatchObject({ bestOf: 2, ...perfect });
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(report.results).toHaveLength(6);
    expect(Object.keys(report.trajectories)).toHaveLength(6);
    expect(report.trajectories['0'].turns.at(-1).action.kind).toBe('answer');
    expect(report.results.every((r: { episode: { scores: { composite: number } } }) => r.episode.scores.composite === 1)).toBe(true);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('Accuracy by evidence type');
    expect(html).toContain('<svg');

    // Every episode scored above 0.9: each is a VRAG-RL SFT example, its question in the RAG dataset.
    const files = await unzipFiles(new Blob([readFileSync(join(dir, 'sft.zip'))]));
    const data = JSON.parse(new TextDecoder().decode(files.find((f) => f.path === 'data.json')!.data)) as SftExample[];
    expect(data).toHaveLength(6);
    for (const example of data) {
      expect(example.messages[0]!.content).toMatch(/^Answer the given question\./);
      expect(example.messages.filter((m) => m.content === '<image>')).toHaveLength(example.images.length);
      for (const image of example.images) expect(files.some((f) => f.path === image && f.data.length > 1000)).toBe(true);
      expect(fromSftExample(example).replies.at(-1)).toMatch(/<answer>/);
    }
    const rag = JSON.parse(readFileSync(join(dir, 'rag_dataset.json'), 'utf8'));
    expect(parseQuestions(rag).questions.map((q) => q.question)).toEqual(data.map((d) => fromSftExample(d).question));
  });

  it('the scripted VLM runs through the same harness, graded by the rules, and answers right', async () => {
    const dir = out();
    const corpus = slideCorpus([SLIDE_SCRIPT.page, 'slide_4_1024.jpg']);
    const questions = questionsFile([{ query: SLIDE_SCRIPT.question, answer: '13.0%', file: SLIDE_SCRIPT.page, pages: [1] }]);
    const { code, stdout, stderr } = await runCli('eval', ['--corpus', corpus, '--questions', questions, '--model', SCRIPTED_VLM, '--device', 'wasm', '--max-new-tokens', '96', '--best-of', '2', '--out', dir]);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/answers are judged by the rules/);
    const [greedy, bestOf] = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(greedy).toMatchObject({ accuracy: 1, finishRate: 1, invalidActionRate: 0, meanTurns: 4, meanNdcg: 1, judge: expect.stringMatching(/^the rules/) });
    // Best-of-2 is measured on the same questions and reported next to N = 1.
    expect(bestOf).toMatchObject({ bestOf: 2, accuracy: 1, finishRate: 1 });
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(report.results[0].episode).toMatchObject({ status: 'answered', answer: '13.0%', scores: { outcomeMethod: expect.stringMatching(/^rule:/) } });
    expect(report.settings.judge).toMatch(/^the rules/);
    expect(report.bestOfResults[0].episode.bestOf.selectionScores).toHaveLength(2);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('Best-of-N against N = 1');
  });

  it('an OpenAI-compatible endpoint can be the policy under evaluation', async () => {
    const server = await OpenAiTestServer.start({ replies: slideReplies(QWEN2_5_VL).map((text) => ({ text })) });
    try {
      // The page is a text PDF: this is about the policy, and OCR would only add time.
      const corpus = textPdfCorpus('outbound.pdf', 'MasterCard Outbound Trips CAGR India 13.0%');
      const questions = questionsFile([{ query: SLIDE_SCRIPT.question, answer: '13.0%', file: 'outbound.pdf', pages: [1] }]);
      const { code, stdout, stderr } = await runCli('eval', ['--corpus', corpus, '--questions', questions, '--endpoint', server.baseUrl, '--endpoint-model', 'vrag-rl-7b', '--out', out()]);
      expect(code, stderr).toBe(0);
      expect(JSON.parse(stdout.trim().split('\n')[0]!)).toMatchObject({ accuracy: 1, finishRate: 1 });
    } finally {
      await server.stop();
    }
  });

  it('--retrieval-only reports every signal next to the plain BM25 baseline, skips a broken question, and ends with recall@1, recall@5 and ndcg@5', async () => {
    const dir = out();
    mkdirSync(dir, { recursive: true });
    // Six real questions and one whose evidence page is 0 (MMLongBench-Doc's own data has one like it).
    const questions = JSON.parse(readFileSync(`${MMLB}/questions.json`, 'utf8')).slice(0, 6);
    const file = join(dir, 'questions.json');
    writeFileSync(file, JSON.stringify([...questions, { ...questions[0], evidence_pages: '[0]' }]));
    const { code, stdout, stderr } = await runCli('eval', ['--corpus', MMLB, '--questions', file, '--retrieval-only', '--out', dir]);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/warning: skipped The question set's question 6 \(PH_2016\.06\.08_Economy-Final\.pdf\) names page 0/);
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).settings).toMatchObject({ questions: 6, skippedQuestions: 1 });
    const table = stdout.trim().split('\n').map((l) => JSON.parse(l)).find((l) => l.retrieval).retrieval;
    expect(Object.keys(table)).toEqual(['baseline-bm25', 'bm25']);
    for (const signal of Object.values(table) as Record<string, number>[]) expect(Object.keys(signal).sort()).toEqual(['hit@1', 'hit@10', 'hit@5', 'mrr@10', 'ndcg@1', 'ndcg@10', 'ndcg@5', 'recall@1', 'recall@10', 'recall@5']);
    const final = lastJson(stdout);
    expect(Object.keys(final)).toEqual(['recall@1', 'recall@5', 'ndcg@5']);
    for (const v of Object.values(final)) expect(v).toBeGreaterThanOrEqual(0);
    expect(final['recall@5']).toBeGreaterThan(0.3);
  });

  it('with embedders loaded, retrieval is scored per signal and fused', async () => {
    const dir = out();
    const { code, stdout, stderr } = await runCli('eval', [
      '--corpus', MMLB, '--questions', `${MMLB}/questions.json`, '--retrieval-only', '--limit', '2', '--device', 'wasm',
      '--text-embedder', `${GENERATED}/Xenova/multilingual-e5-small`, '--image-embedder', `${GENERATED}/onnx-community/siglip2-base-patch16-224-ONNX`, '--out', dir,
    ]);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/embedded 23 pages with multilingual-e5-small/);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(report.summary.retrieval.map((s: { signal: string }) => s.signal)).toEqual(['baseline-bm25', 'bm25', 'text-dense', 'image-dense', 'fused']);
    // The final line is the fused ranking the agent searches with.
    const fused = report.summary.retrieval.find((s: { signal: string }) => s.signal === 'fused').means;
    expect(lastJson(stdout)).toEqual({ 'recall@1': fused['recall@1'], 'recall@5': fused['recall@5'], 'ndcg@5': fused['ndcg@5'] });
  });

  it('an OpenAI-compatible endpoint can judge the answers', async () => {
    const server = await OpenAiTestServer.start({ replies: [{ text: 'The answers match. <judge>True</judge>' }, { text: '<judge>False</judge>' }], apiKey: 'k' });
    try {
      const dir = out();
      const { code, stderr } = await runCli('eval', [
        '--corpus', MMLB, '--questions', `${MMLB}/questions.json`, '--model', 'oracle', '--limit', '2', '--device', 'wasm',
        '--judge-endpoint', server.baseUrl, '--judge-model', 'vrag-rl-7b', '--judge-key', 'k', '--out', dir,
      ]);
      expect(code, stderr).toBe(0);
      expect(stderr).toMatch(/answers are judged by vrag-rl-7b at http/);
      const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
      const scores = report.results.map((r: { episode: { scores: { outcome: number; outcomeMethod: string } } }) => r.episode.scores);
      expect(scores).toMatchObject([{ outcome: 1, outcomeMethod: 'judge' }, { outcome: 0, outcomeMethod: 'judge' }]);
      const prompt = JSON.stringify(server.requests[0]!.body);
      expect(prompt).toContain('<judge>');
      expect(prompt).toContain('Less well-off');
    } finally {
      await server.stop();
    }
  });

  it('a questions file that is not one gives a clear error', async () => {
    const { code, stderr } = await runCli('eval', ['--corpus', MMLB, '--questions', `${SHARED}/fixtures/vrag_search_sft.json`, '--retrieval-only']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/question/i);
  });
});
