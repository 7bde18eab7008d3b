/**
 * A 6-turn episode in which every turn adds an image (the page, then crops), on the generated
 * Qwen3-VL: each turn's prefill with the previous turn's cache reused (only the new image encoded,
 * only the new suffix run) next to the same turn recomputed from nothing, in the same worker.
 */
import type { Device } from '../../src/models/device.ts';
import { startVlmWorker } from '../../src/models/vlm/client.ts';
import { APP_WORKERS } from '../../src/session/workers.ts';
import type { VlmGenerateRequest, VlmGenerateResult, VlmMessage } from '../../src/models/vlm/types.ts';
import { registryVlmRequest } from '../../test/support/test-models.ts';
import { round } from './stats.ts';

const TURNS = 6;
const NEW_TOKENS = 8;

/** A page at the size the app prepares for Qwen3-VL, then crops of a third of it, each different. */
function turnImage(turn: number) {
  const [width, height] = turn === 0 ? [1024, 768] : [352, 256];
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = (i * (turn + 3) + (i >> 12)) % 251;
  return { width, height, data };
}

const turnFigures = (r: VlmGenerateResult) => ({
  promptTokens: r.promptTokens,
  computedTokens: r.promptTokens - r.reusedTokens,
  encodedImages: r.encodedImages,
  prefillMs: round(r.firstTokenMs),
});

async function episode(device: Device) {
  const client = startVlmWorker(() => {}, APP_WORKERS.vlm);
  try {
    await client.load(registryVlmRequest('qwen3-vl-2b', device));
    // Warm-up: shaders, ORT's kernels and the tokenizer's caches.
    await client.generate({ messages: [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'warm up' }] }], images: [turnImage(5)], maxNewTokens: 2, reusePrefix: false }, () => {});
    let messages: VlmMessage[] = [{ role: 'user', content: [{ type: 'text', text: 'Answer the question about the slide deck by searching, cropping and then answering. Question: what share of outbound travel does China have?' }] }];
    const images: VlmGenerateRequest['images'] = [];
    const turns = [];
    for (let turn = 0; turn < TURNS; turn++) {
      images.push(turnImage(turn));
      messages = [...messages, { role: 'user', content: [{ type: 'image' }] }];
      const request: VlmGenerateRequest = { messages, images: [...images], maxNewTokens: NEW_TOKENS };
      // Incremental first: it reuses the previous turn's cache; the full run then leaves its own.
      const incremental = await client.generate(request, () => {});
      const full = await client.generate({ ...request, reusePrefix: false }, () => {});
      turns.push({ turn: turn + 1, incremental: turnFigures(incremental), full: turnFigures(full), sameText: incremental.text === full.text });
      messages = [...messages, { role: 'assistant', content: [{ type: 'text', text: `<think>look closer</think>\n<bbox>[${turn * 10}, 20, 300, 240]</bbox>` }] }];
    }
    const first = turns[0]!;
    const last = turns.at(-1)!;
    return {
      turns,
      turn6OverTurn1: { incremental: round(last.incremental.prefillMs / first.incremental.prefillMs), full: round(last.full.prefillMs / first.full.prefillMs), goal: 1.5 },
      turn6IncrementalOverFull: round(last.incremental.prefillMs / last.full.prefillMs),
    };
  } finally {
    client.terminate();
  }
}

export async function prefillBench() {
  return { model: 'generated Qwen3-VL (real tokenizer and processor, random weights)', newTokens: NEW_TOKENS, wasm: await episode('wasm'), webgpu: await episode('webgpu') };
}
