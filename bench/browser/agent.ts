/**
 * The framework's own overhead per agent turn: everything except model compute (conversation
 * conversion, worker messaging, retrieval, page decoding, crops), as a fraction of turn time.
 * The tiny VLM does real compute each turn; its random text is replaced by a scripted valid
 * action so that every turn exercises search and crop observations on real slides.
 */
import { runEpisode } from '../../src/agent/episode.ts';
import type { Policy, PolicyRequest } from '../../src/agent/types.ts';
import type { Device } from '../../src/models/device.ts';
import { startVlmWorker } from '../../src/models/vlm/client.ts';
import { VlmPolicy } from '../../src/policies/vlm.ts';
import { QWEN2_VL, visionSpec } from '../../src/models/families/index.ts';
import { startPerceptionWorker } from '../../src/perception/client.ts';
import { FixedRankingRetriever } from '../../test/support/scripted.ts';
import { registryVlmRequest } from '../../test/support/test-models.ts';
import { round } from './stats.ts';

const SCRIPT = [
  '<think>find it</think><search>travel market</search>',
  '<think>zoom</think><bbox>[100, 80, 500, 400]</bbox>',
  '<think>closer</think><bbox>[50, 50, 300, 300]</bbox>',
  '<think>another page</think><search>travel market</search>',
  '<think>zoom</think><bbox>[200, 100, 600, 500]</bbox>',
  '<think>done</think><answer>42%</answer>',
];

async function overhead(device: Device) {
  const client = startVlmWorker();
  const perception = startPerceptionWorker();
  try {
    await client.load(registryVlmRequest('qwen2-vl-2b', device));
    const vision = visionSpec(QWEN2_VL);
    const vlm = new VlmPolicy(client, 'generated Qwen2-VL', vision, { maxNewTokens: 24, temperature: 0, constrainActions: false });
    const computeMs: number[] = [];
    let turn = 0;
    const policy: Policy = {
      name: 'tiny-qwen2-vl + script',
      vision,
      async reply(request: PolicyRequest) {
        await vlm.reply(request);
        computeMs.push(vlm.last!.totalMs);
        return SCRIPT[turn++]!;
      },
    };
    const retriever = new FixedRankingRetriever({ 'travel market': ['slide_6_1024.jpg', 'aliyun4_4.jpg', 'slide_7_1024.jpg'] });
    const { outcome, trajectory } = await runEpisode({ question: 'What share of travel is booked online?', policy, retriever, perception });
    const turns = trajectory.turns.map((t, i) => {
      const total = t.timings.modelMs + t.timings.observeMs;
      const framework = total - computeMs[i]!;
      return { action: t.action?.kind ?? 'invalid', totalMs: round(total), computeMs: round(computeMs[i]!), frameworkMs: round(framework) };
    });
    const total = turns.reduce((s, t) => s + t.totalMs, 0);
    const framework = turns.reduce((s, t) => s + t.frameworkMs, 0);
    return { status: outcome.status, ...(outcome.message ? { message: outcome.message } : {}), turns, frameworkFraction: round(framework / total, 3), meanFrameworkMsPerTurn: round(framework / turns.length) };
  } finally {
    client.terminate();
    perception.terminate();
  }
}

export async function agentBench() {
  return { webgpu: await overhead('webgpu'), wasm: await overhead('wasm') };
}
