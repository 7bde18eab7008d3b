/** Model load time, time to first token and tokens/s on the generated test models, WebGPU and WASM. */
import type { Device } from '../../src/models/device.ts';
import { startEmbedWorker } from '../../src/models/embed/client.ts';
import { startVlmWorker } from '../../src/models/vlm/client.ts';
import { APP_WORKERS } from '../../src/session/workers.ts';
import { registryEmbedderRequest, registryVlmRequest } from '../../test/support/test-models.ts';
import { median, round } from './stats.ts';

const RUNS = 3;
const NEW_TOKENS = 32;

async function vlm(device: Device) {
  const client = startVlmWorker(() => {}, APP_WORKERS.vlm);
  try {
    const started = performance.now();
    const info = await client.load(registryVlmRequest('qwen3-vl-2b', device));
    const loadMs = performance.now() - started;
    const image = { width: 640, height: 480, data: new Uint8ClampedArray(640 * 480 * 4).fill(120) };
    const runs = [];
    for (let i = 0; i < RUNS + 1; i++) {
      const r = await client.generate({ messages: [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'Describe the page.' }] }], images: [image], maxNewTokens: NEW_TOKENS }, () => {});
      if (i > 0) runs.push(r); // the first run warms up shaders and caches
    }
    return {
      loadMs: round(loadMs),
      modelKB: round(info.modelBytes / 1024, 0),
      promptTokens: runs[0]!.promptTokens,
      firstTokenMs: round(median(runs.map((r) => r.firstTokenMs))),
      tokensPerSecond: round(median(runs.map((r) => (r.newTokens - 1) / ((r.totalMs - r.firstTokenMs) / 1000)))),
    };
  } finally {
    client.terminate();
  }
}

async function embedder(device: Device) {
  const client = startEmbedWorker(APP_WORKERS.embed);
  try {
    const started = performance.now();
    await client.load(await registryEmbedderRequest('multilingual-e5-small', device));
    const loadMs = performance.now() - started;
    const texts = Array.from({ length: 32 }, (_, i) => `page ${i} of the annual report: revenue, margins and travel market share`);
    await client.embedTexts(texts, 'document');
    const times = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      await client.embedTexts(texts, 'document');
      times.push(performance.now() - t);
    }
    return { loadMs: round(loadMs), textsPerSecond: round(texts.length / (median(times) / 1000)) };
  } finally {
    client.terminate();
  }
}

export async function modelsBench() {
  const out: Record<string, unknown> = { model: 'generated Qwen3-VL (real tokenizer, random weights)', newTokens: NEW_TOKENS };
  for (const device of ['webgpu', 'wasm'] as Device[]) out[device] = { vlm: await vlm(device), textEmbedder: await embedder(device) };
  return out;
}
