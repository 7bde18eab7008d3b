import { afterAll, describe, expect, it } from 'vitest';
import { runEpisode } from '../../src/agent/episode.ts';
import { INVALID_PREFIX } from '../../src/agent/protocol.ts';
import type { Device } from '../../src/models/device.ts';
import type { DownloadSnapshot } from '../../src/models/progress.ts';
import { startVlmWorker, type VlmClient } from '../../src/models/vlm/client.ts';
import { VlmPolicy } from '../../src/models/vlm/policy.ts';
import type { VlmGenerateRequest } from '../../src/models/vlm/types.ts';
import { DEFAULT_PIXEL_BOUNDS } from '../../src/perception/geometry.ts';
import { startPerceptionWorker } from '../../src/perception/worker.ts';
import { FixedRankingRetriever } from '../support/scripted.ts';
import { TEST_MODEL_SOURCE, TINY_VLM_DTYPE } from '../support/test-models.ts';

const clients: VlmClient[] = [];
afterAll(() => clients.forEach((c) => c.terminate()));

async function loadTiny(device: Device, modelId = 'tiny-qwen2-vl', onProgress?: (p: DownloadSnapshot) => void) {
  const client = startVlmWorker();
  clients.push(client);
  const info = await client.load(
    { modelId, device, dtype: { ...TINY_VLM_DTYPE }, wasmDtype: { ...TINY_VLM_DTYPE }, source: TEST_MODEL_SOURCE },
    onProgress,
  );
  return { client, info };
}

function greyImage(width: number, height: number, value = 128) {
  return { width, height, data: new Uint8ClampedArray(width * height * 4).fill(value) };
}

const request = (maxNewTokens: number): VlmGenerateRequest => ({
  messages: [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'What is on this page?' }] }],
  images: [greyImage(320, 240)],
  maxNewTokens,
});

describe('VLM worker with the generated tiny Qwen2-VL', () => {
  const outputs: Record<string, string> = {};

  for (const device of ['wasm', 'webgpu'] as const) {
    it(`loads on ${device} with progress and streams tokens`, async () => {
      const progress: DownloadSnapshot[] = [];
      const { client, info } = await loadTiny(device, 'tiny-qwen2-vl', (p) => progress.push(p));
      expect(info).toMatchObject({ modelId: 'tiny-qwen2-vl', device });
      expect(info.modelBytes).toBeGreaterThan(100_000);
      expect(progress.at(-1)!.loadedBytes).toBe(progress.at(-1)!.totalBytes);
      const pieces: string[] = [];
      const result = await client.generate(request(12), (t) => pieces.push(t));
      expect(result.newTokens).toBe(12);
      expect(result.stop).toBe('max-tokens');
      expect(result.promptTokens).toBeGreaterThan(20);
      expect(pieces.length).toBeGreaterThan(1);
      expect(pieces.join('')).toBe(result.text);
      expect(result.firstTokenMs).toBeLessThanOrEqual(result.totalMs);
      outputs[device] = result.text;
    });
  }

  it('webgpu and wasm agree on greedy output', () => {
    expect(outputs.webgpu).toBeDefined();
    expect(outputs.webgpu).toBe(outputs.wasm);
  });

  it('takes several images of different sizes in one conversation (pages and crops)', async () => {
    const { client } = await loadTiny('wasm');
    const result = await client.generate(
      {
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Question' }] },
          { role: 'assistant', content: [{ type: 'text', text: '<search>q</search>' }] },
          { role: 'user', content: [{ type: 'image' }] },
          { role: 'assistant', content: [{ type: 'text', text: '<bbox>[1, 2, 3, 4]</bbox>' }] },
          { role: 'user', content: [{ type: 'image' }] },
        ],
        images: [greyImage(560, 420), greyImage(224, 112)],
        maxNewTokens: 2,
      },
      () => {},
    );
    // Each image becomes (h/14 * w/14) / 4 pad tokens: 30*40/4 + 8*16/4 = 300 + 32.
    expect(result.promptTokens).toBeGreaterThan(332);
    expect(result.newTokens).toBe(2);
  });

  it('interrupt stops generation within one token', async () => {
    const { client } = await loadTiny('wasm');
    let seen = 0;
    const result = await client.generate(request(200), () => {
      if (++seen === 3) void client.interrupt();
    });
    expect(result.stop).toBe('interrupted');
    expect(result.newTokens).toBeLessThan(200);
    expect(result.tokensAfterInterrupt).toBeLessThanOrEqual(1);
  });

  it('with the action constraint, only an action opener may follow </think>', async () => {
    const { client } = await loadTiny('wasm');
    const ask = (constrainActions: boolean) =>
      client.generate({ ...request(6), constrainActions }, () => {});
    // The test model is biased to emit </think> over and over.
    const free = await ask(false);
    expect(free.text.startsWith('</think></think>')).toBe(true);
    const constrained = await ask(true);
    expect(constrained.text).toMatch(/^<\/think>\s*<(search|bbox|answer)>/);
  });

  it('a missing model and a damaged model give clear errors', async () => {
    await expect(loadTiny('wasm', 'no-such-model')).rejects.toThrow(/could not be found.*model manager/s);
    await expect(loadTiny('wasm', 'tiny-qwen2-vl-corrupt')).rejects.toThrow(/damaged.*download it again/s);
  });

  it('runs a whole agent episode through the real VLM worker without crashing', async () => {
    const { client } = await loadTiny('wasm');
    const perception = startPerceptionWorker();
    try {
      const policy = new VlmPolicy(client, 'tiny-qwen2-vl', { convention: 'relative-1000', pixelBounds: DEFAULT_PIXEL_BOUNDS, canCrop: true }, {
        maxNewTokens: 16,
        temperature: 0,
        constrainActions: false,
      });
      const tokens: string[] = [];
      const { outcome, trajectory } = await runEpisode({
        question: 'What share of travel is booked online?',
        policy,
        retriever: new FixedRankingRetriever({}),
        perception,
        config: { maxActions: 3 },
        onEvent: (e) => e.type === 'token' && tokens.push(e.text),
      });
      // Random weights never produce a valid action: each turn is handled as invalid, then the budget ends it.
      expect(outcome.status).toBe('no-answer');
      expect(trajectory.turns).toHaveLength(3);
      expect(trajectory.turns[0]!.observation).toMatchObject({ kind: 'text', text: expect.stringContaining(INVALID_PREFIX) });
      expect(tokens.join('')).toBe(trajectory.turns.map((t) => t.reply).join(''));
    } finally {
      perception.terminate();
    }
  });
});
