import { describe, expect, it } from 'vitest';
import { QWEN2_5_VL } from '../../src/models/families/index.ts';
import { SLIDE_SCRIPT, slideReplies } from '../../scripts/test-models/slide-script.ts';
import { OpenAiTestServer } from '../support/openai-server.ts';
import { runCli, SCRIPTED_VLM, SHARED, textPdfCorpus } from './run.ts';

const SLIDES = `${SHARED}/corpora/vrag-slides`;
const DOCS = ['--docs', `${SLIDES}/${SLIDE_SCRIPT.page}`, '--docs', `${SLIDES}/slide_6_1024.jpg`];

describe('npm run ask', () => {
  it('answers through the headless app with the scripted VLM: search, two crops, answer, page cited with its region', async () => {
    const { code, stdout, stderr } = await runCli('ask', [...DOCS, '--model', SCRIPTED_VLM, '--device', 'wasm', '--max-new-tokens', '96', SLIDE_SCRIPT.question]);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/ingested slide_3_1024\.jpg: 1 pages/);
    expect(stdout).toMatch(/loaded scripted-qwen2\.5-vl/);
    expect(stdout).toContain(`search: “${SLIDE_SCRIPT.query}”`);
    expect(stdout).toMatch(/Answer: 13\.0%/);
    // The citation names the page and the region the second crop covers on it.
    const region = /slide_3_1024\.jpg p\. 1 \[region (\d+),(\d+) (\d+)×(\d+)\]/.exec(stdout);
    expect(region, stdout).not.toBeNull();
    const [x, y, w, h] = region!.slice(1).map(Number) as [number, number, number, number];
    const cell = SLIDE_SCRIPT.regions[1]!;
    expect(x <= cell.x && y <= cell.y && x + w >= cell.x + cell.width && y + h >= cell.y + cell.height).toBe(true);
  });

  it('an OpenAI-compatible endpoint answers as the policy (a VRAG-RL checkpoint served by vLLM)', async () => {
    const server = await OpenAiTestServer.start({ replies: slideReplies(QWEN2_5_VL).map((text) => ({ text })), apiKey: 'k' });
    try {
      // The page is a text PDF: this is about the policy, and OCR would only add time.
      const pdf = `${textPdfCorpus('outbound.pdf', 'MasterCard Outbound Trips CAGR India 13.0%')}/outbound.pdf`;
      const { code, stdout, stderr } = await runCli('ask', ['--docs', pdf, '--endpoint', server.baseUrl, '--endpoint-model', 'vrag-rl-7b', '--endpoint-key', 'k', SLIDE_SCRIPT.question]);
      expect(code, stderr).toBe(0);
      expect(stdout).toMatch(/answering with vrag-rl-7b at http:\/\/127\.0\.0\.1/);
      expect(stdout).toMatch(/Answer: 13\.0%/);
      const chats = server.requests.filter((r) => r.path.endsWith('/chat/completions'));
      expect(chats).toHaveLength(4);
      expect(JSON.stringify(chats[0]!.body)).toContain('Answer the given question.');
      expect(chats.every((r) => r.authorization === 'Bearer k')).toBe(true);
    } finally {
      await server.stop();
    }
  });

  it('exits non-zero with a clear message when a file cannot be read', async () => {
    const { code, stderr } = await runCli('ask', ['--docs', `${SLIDES}/no-such-slide.jpg`, '--model', SCRIPTED_VLM, 'question']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/Cannot read .*no-such-slide\.jpg: no such file/);
  });

  it('exits non-zero with a clear message when no model can be loaded', async () => {
    // The default model comes from the hub, which this machine cannot reach.
    const { code, stderr } = await runCli('ask', ['--docs', `${SLIDES}/slide_1_1024.jpg`, '--device', 'wasm', 'Who made it?']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/error: The files of model "onnx-community\/Qwen3-VL-2B-Instruct-ONNX" could not be found/);
  });
});
