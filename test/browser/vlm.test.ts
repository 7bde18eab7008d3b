/**
 * The VLM worker with the generated models of every registry family and the scripted VLMs,
 * through the real transformers.js path (processor, chat template, sessions), in the production
 * build's minified bundle.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { bestOfN, lexicalSupport } from '../../src/reward/best-of-n.ts';
import { runEpisode } from '../../src/agent/episode.ts';
import { ACTION_CONSTRAINT } from '../../src/agent/protocol.ts';
import type { RankedPage, Retriever } from '../../src/retrieval/types.ts';
import type { Device } from '../../src/models/device.ts';
import { QWEN2_5_VL, QWEN3_VL, visionSpec, type VlmFamily } from '../../src/models/families/index.ts';
import type { DownloadSnapshot } from '../../src/models/progress.ts';
import { downloadBytes, findModel, type VlmEntry } from '../../src/models/registry.ts';
import { startVlmWorker, type VlmClient } from '../../src/models/vlm/client.ts';
import type { VlmGenerateRequest, VlmLoadRequest } from '../../src/models/vlm/types.ts';
import { modelInputSize, type Rect } from '../../src/perception/geometry.ts';
import { startPerceptionWorker } from '../../src/perception/client.ts';
import { APP_WORKERS } from '../../src/session/workers.ts';
import { VlmPolicy } from '../../src/policies/vlm.ts';
import { SLIDE_SCRIPT, slideReplies } from '../../scripts/test-models/slide-script.ts';
import { FixedRankingRetriever } from '../support/scripted.ts';
import { folderVlmRequest, registryVlmRequest, SCRIPTED_VLM } from '../support/test-models.ts';
import { workerFactory, type Bundle } from '../support/workers.ts';

const clients: VlmClient[] = [];
const perception = startPerceptionWorker(APP_WORKERS.perception);
afterAll(() => {
  clients.forEach((c) => c.terminate());
  perception.terminate();
});

async function start(bundle: Bundle, request: VlmLoadRequest, onProgress?: (p: DownloadSnapshot) => void) {
  const client = startVlmWorker(() => {}, await workerFactory('vlm', bundle));
  clients.push(client);
  const info = await client.load(request, onProgress);
  return { client, info };
}

/** Workers are expensive to start (ONNX Runtime compiles its WASM in each): tests that only generate share one per model. */
const shared = new Map<string, ReturnType<typeof start>>();
const sharedKey = (bundle: Bundle, request: VlmLoadRequest) => `${bundle} ${request.modelId} ${request.device}`;
function loaded(bundle: Bundle, request: VlmLoadRequest) {
  const key = sharedKey(bundle, request);
  if (!shared.has(key)) shared.set(key, start(bundle, request));
  return shared.get(key)!;
}

const grey = (width: number, height: number, value = 128) => ({ width, height, data: new Uint8ClampedArray(width * height * 4).fill(value) });
const onPage = (family: VlmFamily, width: number, height: number) => {
  const size = modelInputSize({ width, height }, visionSpec(family).pixelBounds);
  return grey(size.width, size.height);
};

const ask = (images: ReturnType<typeof grey>[], maxNewTokens: number): VlmGenerateRequest => ({
  messages: [{ role: 'user', content: [...images.map(() => ({ type: 'image' as const })), { type: 'text', text: 'What is on this page?' }] }],
  images,
  maxNewTokens,
});

const contains = (outer: Rect, inner: Rect) =>
  outer.x <= inner.x && outer.y <= inner.y && outer.x + outer.width >= inner.x + inner.width && outer.y + outer.height >= inner.y + inner.height;

/** Serves the slide; its first `misses` searches find nothing (so a turn adds no image). */
class SlideRetriever implements Retriever {
  private readonly slides = new FixedRankingRetriever({ [SLIDE_SCRIPT.query]: [SLIDE_SCRIPT.page, 'slide_4_1024.jpg'] });
  constructor(private misses = 0) {}
  async search(query: string, k: number): Promise<RankedPage[]> {
    return this.misses-- > 0 ? [] : this.slides.search(query, k);
  }
  pageImage(pageId: string): Promise<Blob> {
    return this.slides.pageImage(pageId);
  }
}

const VLMS = ['qwen3-vl-2b', 'qwen2-vl-2b', 'qwen2.5-vl-3b', 'smolvlm-256m'];

// The minified bundle users get; the dev modules of this worker run in the UI tests (ui-model).
const bundle: Bundle = 'production';
describe('VLM worker (production bundle)', () => {
  it('loads a model of every registry family from its hub files, the progress total known from the first byte', async () => {
    const firstTotal = new Map<string, number>();
    const seenAsPrepared = new Map<string, boolean>();
    for (const id of VLMS) {
      const entry = findModel(id) as VlmEntry;
      const progress: DownloadSnapshot[] = [];
      const { client, info } = await start(bundle, registryVlmRequest(id, 'wasm'), (p) => progress.push(p));
      expect(info).toMatchObject({ modelId: entry.hubId, device: 'wasm' });
      firstTotal.set(id, progress[0]!.totalBytes);
      expect(progress.at(-1)!.loadedBytes).toBe(progress.at(-1)!.totalBytes);
      const image = onPage(entry.family, 640, 480);
      const pieces: string[] = [];
      const result = await client.generate(ask([image], 3), (t) => pieces.push(t));
      expect([id, result.newTokens]).toEqual([id, 3]);
      expect(pieces.join('')).toBe(result.text);
      seenAsPrepared.set(id, JSON.stringify(result.seenSizes) === JSON.stringify([{ width: image.width, height: image.height }]));
      // Loaded once: the tests below that only generate go on with this worker.
      shared.set(sharedKey(bundle, registryVlmRequest(id, 'wasm')), Promise.resolve({ client, info }));
    }
    // Pinned file lists count their sizes from the first event (only the small files read so far may have corrected theirs).
    const pinned = VLMS.filter((id) => findModel(id)!.fileList === 'exact');
    expect(pinned.length).toBeGreaterThan(0);
    expect(pinned.map((id) => [id, firstTotal.get(id)! > downloadBytes(findModel(id)!, 'wasm')! - 50_000])).toEqual(pinned.map((id) => [id, true]));
    // Qwen-VL sees each image as the app prepared it: the processor resized nothing more.
    const qwenVl = VLMS.filter((id) => (findModel(id) as VlmEntry).family.inputs === 'qwen-vl');
    expect(qwenVl).toEqual(['qwen3-vl-2b', 'qwen2-vl-2b', 'qwen2.5-vl-3b']);
    expect(qwenVl.map((id) => [id, seenAsPrepared.get(id)])).toEqual(qwenVl.map((id) => [id, true]));
  });

  it('takes a page and a crop of different sizes in one Qwen-VL turn, each image processed on its own', async () => {
    const { client } = await loaded(bundle, registryVlmRequest('qwen2.5-vl-3b', 'wasm'));
    const page = onPage(QWEN2_5_VL, 1024, 768);
    const crop = onPage(QWEN2_5_VL, 300, 120);
    const request: VlmGenerateRequest = {
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Question' }] },
        { role: 'assistant', content: [{ type: 'text', text: '<search>q</search>' }] },
        { role: 'user', content: [{ type: 'image' }] },
        { role: 'assistant', content: [{ type: 'text', text: '<bbox>[1, 2, 3, 4]</bbox>' }] },
        { role: 'user', content: [{ type: 'image' }] },
      ],
      images: [page, crop],
      maxNewTokens: 2,
    };
    const result = await client.generate(request, () => {});
    expect(result.seenSizes).toEqual([
      { width: page.width, height: page.height },
      { width: crop.width, height: crop.height },
    ]);
    // One pad token per 28x28 pixels of each image, on top of the text.
    const imageTokens = (page.width * page.height + crop.width * crop.height) / (28 * 28);
    const textOnly = await client.generate({ ...request, messages: request.messages.filter((m) => m.content[0]!.type === 'text'), images: [] }, () => {});
    expect(result.promptTokens - imageTokens).toBeGreaterThan(textOnly.promptTokens);
    expect(result.promptTokens - imageTokens).toBeLessThan(textOnly.promptTokens + 20);
  });

  it('an interrupt stops generation within one token', async () => {
    const { client } = await loaded(bundle, registryVlmRequest('qwen3-vl-2b', 'wasm'));
    let seen = 0;
    const result = await client.generate(ask([onPage(QWEN3_VL, 320, 240)], 200), () => {
      if (++seen === 3) void client.interrupt();
    });
    expect(result.stop).toBe('interrupted');
    expect(result.newTokens).toBeLessThan(200);
    expect(result.tokensAfterInterrupt).toBeLessThanOrEqual(1);
  });

  it('with the opener constraint, only an action opener may follow </think> (real Qwen vocabulary)', async () => {
    const { client } = await loaded(bundle, registryVlmRequest('qwen3-vl-2b', 'wasm'));
    const request = ask([onPage(QWEN3_VL, 320, 240)], 6);
    // The generated Qwen3-VL is biased to write </think> (one token of its vocabulary) over and over.
    const free = await client.generate(request, () => {});
    expect(free.text.startsWith('</think></think>')).toBe(true);
    const constrained = await client.generate({ ...request, constrain: ACTION_CONSTRAINT }, () => {});
    expect(constrained.text).toMatch(/^<\/think>\s*<(search|bbox|answer)>/);
  });

  it('a missing model and a damaged model give clear errors', async () => {
    await expect(start(bundle, folderVlmRequest('no-such-model', 'wasm'))).rejects.toThrow(/could not be found.*local folder/s);
    await expect(start(bundle, folderVlmRequest('damaged-qwen2-vl', 'wasm'))).rejects.toThrow(/damaged.*download it again/s);
  });

  for (const [convention, modelId, family] of [
    ['absolute pixels', SCRIPTED_VLM.absolute, QWEN2_5_VL],
    ['0..1000', SCRIPTED_VLM.relative1000, QWEN3_VL],
  ] as const) {
    it(`the scripted VLM (boxes in ${convention}) runs a whole episode: search, crop, crop of the crop, answer`, async () => {
      const { client } = await loaded(bundle, folderVlmRequest(modelId, 'wasm'));
      const policy = new VlmPolicy(client, modelId, visionSpec(family), { maxNewTokens: 96, temperature: 0, constrainActions: false });
      const { outcome, trajectory } = await runEpisode({ question: SLIDE_SCRIPT.question, policy, retriever: new SlideRetriever(1), perception });
      expect(outcome).toEqual({ status: 'answered', answer: SLIDE_SCRIPT.answer });
      // The first search finds nothing, so the model searches again on a conversation that grew by text only.
      expect(trajectory.turns.map((t) => t.action?.kind)).toEqual(['search', 'search', 'bbox', 'bbox', 'answer']);
      expect(trajectory.turns.map((t) => t.reply)).toEqual([slideReplies(family)[0], ...slideReplies(family)]);
      const [page, first, second] = trajectory.images;
      expect(page).toMatchObject({ kind: 'page', pageId: SLIDE_SCRIPT.page, sourceSize: SLIDE_SCRIPT.pageSize });
      // Each box lands where it was meant to on the page, the second inside the first.
      expect(contains(first!.region, SLIDE_SCRIPT.regions[0]!)).toBe(true);
      expect(contains(second!.region, SLIDE_SCRIPT.regions[1]!)).toBe(true);
      expect(contains(first!.region, second!.region)).toBe(true);
      expect(second!.region.width * second!.region.height).toBeLessThan((first!.region.width * first!.region.height) / 2);
    });
  }
});

describe('VLM worker on WebGPU (SwiftShader)', () => {
  it('loads the registry\'s Qwen3-VL and agrees with WASM on greedy output', async () => {
    const outputs: Record<Device, string> = { webgpu: '', wasm: '' };
    for (const device of ['webgpu', 'wasm'] as const) {
      const { client, info } = await loaded('production', registryVlmRequest('qwen3-vl-2b', device));
      expect(info.device).toBe(device);
      const result = await client.generate(ask([onPage(QWEN3_VL, 320, 240)], 8), () => {});
      expect(result.newTokens).toBe(8);
      outputs[device] = result.text;
    }
    expect(outputs.webgpu).toBe(outputs.wasm);
  });

  it('a turn that adds a crop encodes only the crop on the GPU cache, token for token as a full recompute', async () => {
    const { client } = await loaded('production', registryVlmRequest('qwen3-vl-2b', 'webgpu'));
    const page = onPage(QWEN3_VL, 320, 240);
    const crop = { ...grey(128, 96), data: new Uint8ClampedArray(128 * 96 * 4).map((_, i) => (i * 13) % 251) };
    const first = ask([page], 2);
    const a = await client.generate(first, () => {});
    // The kept reply differs from the generated one: the GPU cache is cut back to the shared prefix.
    const second: VlmGenerateRequest = {
      messages: [...first.messages, { role: 'assistant', content: [{ type: 'text', text: `<bbox>${a.text}</bbox>` }] }, { role: 'user', content: [{ type: 'image' }] }],
      images: [page, crop],
      maxNewTokens: 3,
    };
    const incremental = await client.generate(second, () => {});
    const full = await client.generate({ ...second, reusePrefix: false }, () => {});
    expect(incremental).toMatchObject({ text: full.text, encodedImages: 1 });
    expect(incremental.reusedTokens).toBeGreaterThanOrEqual(a.promptTokens);
    expect(full).toMatchObject({ reusedTokens: 0, encodedImages: 2 });
  });

  it('the scripted VLM answers the same episode on WebGPU', async () => {
    const { client } = await loaded('production', folderVlmRequest(SCRIPTED_VLM.relative1000, 'webgpu'));
    const policy = new VlmPolicy(client, 'scripted', visionSpec(QWEN3_VL), { maxNewTokens: 96, temperature: 0, constrainActions: false });
    const { outcome, trajectory } = await runEpisode({ question: SLIDE_SCRIPT.question, policy, retriever: new SlideRetriever(), perception });
    expect(outcome).toEqual({ status: 'answered', answer: SLIDE_SCRIPT.answer });
    expect(contains(trajectory.images[2]!.region, SLIDE_SCRIPT.regions[1]!)).toBe(true);
  });
});

describe('best-of-N with the scripted VLM', () => {
  it('samples at temperature 0.7 and keeps a supported answer', async () => {
    const { client } = await loaded('production', folderVlmRequest(SCRIPTED_VLM.absolute, 'wasm'));
    const sampling = new VlmPolicy(client, 'scripted', visionSpec(QWEN2_5_VL), { maxNewTokens: 96, temperature: 0.7, constrainActions: false });
    const result = await bestOfN(
      2,
      SLIDE_SCRIPT.question,
      () => runEpisode({ question: SLIDE_SCRIPT.question, policy: sampling, retriever: new SlideRetriever(), perception }),
      async (_q, answer) => lexicalSupport(answer, ['India LPO 5.8 6.4 7.2 10.9 16.5 13.0%']),
    );
    expect(result.scores).toHaveLength(2);
    expect(result.best.outcome).toEqual({ status: 'answered', answer: SLIDE_SCRIPT.answer });
    expect(result.scores[result.index]!.support).toBe(1);
  });
});

