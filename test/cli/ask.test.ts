import { describe, expect, it } from 'vitest';
import { runCli, SHARED, TINY_VLM } from './run.ts';

const SLIDES = `${SHARED}/corpora/vrag-slides`;

describe('npm run ask', () => {
  it('answers through the headless app, printing the trace and the outcome', async () => {
    const { code, stdout } = await runCli('ask', [
      '--docs', `${SLIDES}/slide_1_1024.jpg`,
      '--docs', `${SLIDES}/slide_6_1024.jpg`,
      '--model', TINY_VLM, '--device', 'wasm', '--max-actions', '2', '--max-new-tokens', '8',
      'Who made the APAC online travel deck?',
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/ingested slide_1_1024\.jpg: 1 pages/);
    expect(stdout).toMatch(/loaded tiny-qwen2-vl/);
    expect(stdout).toMatch(/— turn 1\n.*invalid action/);
    // The random test model never answers: the episode ends honestly.
    expect(stdout).toMatch(/No answer found: the model did not answer within 2 actions\./);
  });

  it('exits non-zero with a clear message when a file cannot be read', async () => {
    const { code, stderr } = await runCli('ask', ['--docs', `${SLIDES}/no-such-slide.jpg`, '--model', TINY_VLM, 'question']);
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
