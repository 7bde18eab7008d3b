/** `npm run eval` as VRAG-RL's data construction: a tools-style reasoner, a grounding expert, gold-guided search, two samples per question, SFT export in the VRAG format. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SftExample } from '../../src/agent/sft.ts';
import { fromSftExample } from '../support/sft.ts';
import { GROUNDING_HINT } from '../../src/agent/tools-protocol.ts';
import { unzipFiles } from '../../src/export/zip.ts';
import { QWEN2_VL } from '../../src/models/families/index.ts';
import { VRAG_VISUAL_TOKENS } from '../../src/models/families/types.ts';
import { modelBox, SLIDE_SCRIPT } from '../../scripts/test-models/slide-script.ts';
import { OpenAiTestServer } from '../support/openai-server.ts';
import { GENERATED, questionsFile, runCli, slideCorpus } from './run.ts';

const TOOLS_VLM = resolve(GENERATED, 'scripted-tools-qwen2.5-vl');

describe('npm run eval with two experts', () => {
  it('a tools-style scripted reasoner and an endpoint grounder (0..1000 boxes) answer right; the gold-guided run is labelled, figures are given per expert, and the best of two samples per question is exported in the VRAG format', async () => {
    // The grounder boxes the outbound-trips table on a 0..1000 grid, as Qwen2-VL would.
    const box = modelBox(SLIDE_SCRIPT.regions[0]!, SLIDE_SCRIPT.pageSize, QWEN2_VL, VRAG_VISUAL_TOKENS);
    // One grounder reply per sample.
    const grounding = { text: JSON.stringify({ think: 'The table with the CAGR column.', bbox: box, description: 'outbound trips table' }) };
    const server = await OpenAiTestServer.start({ models: ['qwen2-vl-grounder'], replies: [grounding, grounding] });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'vrag-eval-experts-'));
      // One slide: OCR of a slide image is most of this test's time.
      const corpus = slideCorpus([SLIDE_SCRIPT.page]);
      const questions = questionsFile([{ query: SLIDE_SCRIPT.question, answer: SLIDE_SCRIPT.answer, file: SLIDE_SCRIPT.page, pages: [1] }]);
      const { code, stdout, stderr } = await runCli('eval', [
        '--corpus', corpus, '--questions', questions, '--device', 'wasm', '--max-new-tokens', '128',
        '--reasoner', TOOLS_VLM, '--grounder', server.baseUrl, '--grounder-model', 'qwen2-vl-grounder', '--grounder-boxes', 'relative-1000',
        '--prompt-style', 'tools', '--gold-guided', '--export-sft', '0', '--samples', '2', '--export-corpus', '--out', dir,
      ]);
      expect(code, stderr).toBe(0);
      expect(stderr).toMatch(/grounding expert: qwen2-vl-grounder \(endpoint\) \(tools prompt\)/);
      expect(stderr).toMatch(/warning: gold-guided search \(data construction\).*not comparable/);
      const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
      expect(lines[0]).toMatchObject({ accuracy: 1, finishRate: 1, invalidActionRate: 0, meanTurns: 4, goldGuided: true, comparable: false });
      expect(lines.find((l) => l.construction).construction).toMatchObject({
        goldGuided: true,
        experts: [
          { role: 'reasoner', promptStyle: 'tools', replies: 3, invalidReplies: 0 },
          { role: 'grounder', label: 'qwen2-vl-grounder (endpoint)', promptStyle: 'tools', replies: 1, invalidReplies: 0 },
        ],
      });

      const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
      expect(report.settings).toMatchObject({ goldGuided: true, promptStyle: 'tools', samples: 2 });
      // Per expert and per style, over the first sample of each question (the one accuracy comes from).
      expect(report.experts.byExpert).toMatchObject([
        { role: 'reasoner', promptStyle: 'tools', episodes: 1, replies: 3, invalidActionRate: 0, finishRate: 1, accuracy: 1, ndcg: 1 },
        { role: 'grounder', label: 'qwen2-vl-grounder (endpoint)', promptStyle: 'tools', episodes: 1, replies: 1, invalidActionRate: 0, finishRate: 1, accuracy: 1, ndcg: 1 },
      ]);
      expect(report.experts.byStyle).toMatchObject([{ promptStyle: 'tools', episodes: 1, replies: 4, finishRate: 1, accuracy: 1 }]);
      expect(lines.find((l) => l.experts).experts).toMatchObject({ byExpert: [{ role: 'reasoner' }, { role: 'grounder' }], goldGuided: true, comparable: false });
      // Two samples of the question, each scored; the best one is the one exported.
      expect(report.expansion).toMatchObject({ samples: 2, minComposite: 0, kept: 1, byExpert: [{ role: 'reasoner', episodes: 2 }, { role: 'grounder' }] });
      const { composites, kept } = (report.expansion.questions as { composites: number[]; kept: number }[])[0]!;
      expect(composites).toHaveLength(2);
      expect(composites[kept]).toBe(Math.max(...composites));
      expect(composites[0]).toBeGreaterThan(0.9);
      const trajectory = Object.values(report.trajectories)[0] as { promptStyle: string; goldGuided: boolean; turns: { expert?: string; action: { kind: string } }[]; images: { kind: string; region: { x: number; y: number } }[] };
      expect(trajectory).toMatchObject({ promptStyle: 'tools', goldGuided: true, grounder: { promptStyle: 'tools', vision: { convention: 'relative-1000' } } });
      expect(trajectory.turns.map((t) => `${t.expert ?? 'reasoner'}:${t.action.kind}`)).toEqual(['reasoner:search', 'grounder:bbox', 'reasoner:bbox', 'reasoner:answer']);
      // The grounder's 0..1000 box lands on the table: its crop starts within a few pixels of the table less the 56 px pad.
      const crop = trajectory.images[1]!;
      expect(Math.abs(crop.region.x - (SLIDE_SCRIPT.regions[0]!.x - 56))).toBeLessThanOrEqual(2);
      expect(Math.abs(crop.region.y - (SLIDE_SCRIPT.regions[0]!.y - 56))).toBeLessThanOrEqual(2);
      // The grounder was asked with the page and the reference's crop instruction.
      const asked = JSON.stringify(server.requests[0]!.body);
      expect(asked).toContain(GROUNDING_HINT);
      expect(asked).toContain('image_url');
      // The tools style's tool-description prompt goes out as a system message.
      expect((server.requests[0]!.body as { messages: { role: string }[] }).messages[0]!.role).toBe('system');
      const html = readFileSync(join(dir, 'report.html'), 'utf8');
      expect(html).toContain('not comparable');
      expect(html).toContain('<h3>Per expert and prompt style</h3>');
      expect(html).toContain('<td>qwen2-vl-grounder (endpoint)</td><td>grounder</td><td>tools</td><td>1</td><td>1</td><td>0.000</td><td>1.000</td><td>1.000</td>');
      expect(html).toContain('Data expansion: 2 samples per question');

      // The SFT bundle is the VRAG format (re-tagged, boxes in the reasoner's pixels) and reads back.
      const files = await unzipFiles(new Blob([readFileSync(join(dir, 'sft.zip'))]));
      const examples = JSON.parse(new TextDecoder().decode(files.find((f) => f.path === 'data.json')!.data)) as SftExample[];
      // One trajectory per question: the best of its two samples.
      expect(examples).toHaveLength(1);
      const [example] = examples;
      expect(example!.messages[0]!.content).toMatch(/^Answer the given question\./);
      const replies = fromSftExample(example).replies;
      expect(replies[0]).toBe(`<think>I need the MasterCard outbound trips table.</think>\n<search>${SLIDE_SCRIPT.query}</search>`);
      expect(replies[1]).toMatch(/^<think>The table with the CAGR column\.<\/think>\n<bbox>\[\d+, \d+, \d+, \d+\]<\/bbox>$/);
      expect(replies[1]).not.toContain(`[${box.join(', ')}]`);
      expect(replies[3]).toBe('<think>The India row reads 13.0% for 2014-20.</think>\n<answer>13.0%</answer>');
      expect(example!.messages.filter((m) => m.role === 'user').slice(1).map((m) => m.content)).toEqual(['<image>', '<image>', '<image>']);
      for (const image of example!.images) expect(files.some((f) => f.path === image && f.data.length > 1000)).toBe(true);

      // The corpus for training on a cluster: img/<file stem>_<page>.jpg with the RAG dataset beside it, matched by rm.py's rule.
      const page = readFileSync(join(dir, 'corpus/img/slide_3_1024_jpg_1.jpg'));
      expect([...page.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
      const rag = JSON.parse(readFileSync(join(dir, 'corpus/rag_dataset.json'), 'utf8'));
      expect(rag.examples[0]).toMatchObject({ query: SLIDE_SCRIPT.question, reference_answer: '13.0%', meta_info: { file_name: 'slide_3_1024_jpg', reference_page: [1] } });
      expect('slide_3_1024_jpg_1.jpg'.split('.jpg')[0]).toBe(`${rag.examples[0].meta_info.file_name.split('.pdf')[0]}_1`);
    } finally {
      await server.stop();
    }
  });
});
