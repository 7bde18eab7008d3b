/**
 * The same runtimes the workers use, in Node (onnxruntime-node), loading the generated models from
 * a local stand-in for the hub: the registry's own requests (revision, dtypes, external data) over
 * HTTP, as a browser fetches them from huggingface.co.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env, pipeline, type FeatureExtractionPipeline } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_STOPS } from '../../src/agent/protocol.ts';
import { EmbedderRuntime } from '../../src/models/embed/runtime.ts';
import { E5, QWEN2_5_VL, visionSpec } from '../../src/models/families/index.ts';
import type { ModelSourceSettings } from '../../src/models/hub.ts';
import { VlmRuntime } from '../../src/models/vlm/runtime.ts';
import type { VlmGenerateRequest, VlmLoadRequest } from '../../src/models/vlm/types.ts';
import { modelInputSize } from '../../src/perception/geometry.ts';
import { slideReplies } from '../../scripts/test-models/slide-script.ts';
import { serveHub, type LocalHub } from '../support/static-server.ts';
import { expectedFiles, findModel, type EmbedderEntry } from '../../src/models/registry.ts';
import { folderVlmRequest, registryVlmRequest, TEST_MODEL_SOURCE } from '../support/test-models.ts';

let hub: LocalHub;
let source: ModelSourceSettings;

beforeAll(async () => {
  hub = await serveHub(join(import.meta.dirname, '../models/generated'));
  source = { remoteHost: hub.url, allowRemote: true };
  // onnxruntime-node reads model files from disk: transformers.js caches the downloads there.
  env.cacheDir = mkdtempSync(join(tmpdir(), 'vrag-models-'));
});
afterAll(() => hub.close());

const node = <T extends { source: ModelSourceSettings; device: string }>(request: T): T => ({ ...request, source, device: 'cpu' as never });
/** The app's request for a registry embedder's WASM files. */
function nodeEmbedder(id: string) {
  const entry = findModel(id) as EmbedderEntry;
  return { modelId: entry.hubId, family: entry.family, device: 'wasm' as const, dtype: { ...entry.variants.wasm!.dtype }, expected: expectedFiles(entry, 'wasm'), source: TEST_MODEL_SOURCE };
}
const grey = (width: number, height: number) => ({ width, height, data: new Uint8ClampedArray(width * height * 4).fill(90) });
type Message = VlmGenerateRequest['messages'][number];

// Each test loads models and runs real-sized tokenizers: seconds on a busy 2-core machine.
describe('model runtimes in Node', { timeout: 30_000 }, () => {
  it('loads the registry\'s Qwen3-VL request (pinned revision, q4 graphs with external data) and generates deterministically', async () => {
    const runtime = new VlmRuntime();
    const request: VlmLoadRequest = { ...node(registryVlmRequest('qwen3-vl-2b', 'wasm')), revision: '3e4136ea66ae6e07c110e64fe07da2e029517ab5' };
    const info = await runtime.load(request);
    expect(info.modelType).toBe('qwen3_vl');
    expect(hub.requested).toEqual(expect.arrayContaining(['onnx-community/Qwen3-VL-2B-Instruct-ONNX/onnx/decoder_model_merged_q4.onnx_data', 'onnx-community/Qwen3-VL-2B-Instruct-ONNX/chat_template.jinja']));
    const generate = { messages: [{ role: 'user' as const, content: [{ type: 'image' as const }, { type: 'text' as const, text: 'Hi' }] }], images: [grey(200, 120)], maxNewTokens: 8 };
    const pieces: string[] = [];
    const a = await runtime.generate(generate, (t) => pieces.push(t));
    const b = await runtime.generate(generate, () => {});
    expect(a.newTokens).toBe(8);
    expect(a.text).toBe(b.text);
    expect(pieces.join('')).toBe(a.text);
    // Qwen3-VL's processor works on a 32-pixel grid and at least 65536 pixels: 200x120 is seen as 352x224.
    expect(a.seenSizes).toEqual([{ width: 352, height: 224 }]);
    await runtime.dispose();
  });

  it('SmolVLM (Idefics3) takes its images as one list through its own processor, which sizes them itself', async () => {
    const runtime = new VlmRuntime();
    expect((await runtime.load(node(registryVlmRequest('smolvlm-256m', 'wasm')))).modelType).toBe('idefics3');
    const reply = await runtime.generate({ messages: [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'Hi' }] }], images: [grey(64, 48)], maxNewTokens: 4 }, () => {});
    expect(reply).toMatchObject({ newTokens: 4, encodedImages: 1, seenSizes: [{ width: 64, height: 48 }] });
    await runtime.dispose();
  });

  it('the scripted Qwen2.5-VL (a flat VRAG-era config) follows its script: search, then a box on the page', async () => {
    const runtime = new VlmRuntime();
    await runtime.load(node(folderVlmRequest('scripted-qwen2.5-vl', 'wasm')));
    const replies = slideReplies(QWEN2_5_VL);
    const ask: Message[] = [{ role: 'user', content: [{ type: 'text', text: 'Question: what is the CAGR?' }] }];
    const first = await runtime.generate({ messages: ask, images: [], maxNewTokens: 80, stop: ACTION_STOPS }, () => {});
    expect(first).toMatchObject({ text: replies[0], stop: 'stop-string' });
    const page = modelInputSize({ width: 1024, height: 768 }, visionSpec(QWEN2_5_VL).pixelBounds);
    const withPage: Message[] = [...ask, { role: 'assistant', content: [{ type: 'text', text: first.text }] }, { role: 'user', content: [{ type: 'image' }] }];
    const second = await runtime.generate({ messages: withPage, images: [grey(page.width, page.height)], maxNewTokens: 80, stop: ACTION_STOPS }, () => {});
    expect(second.text).toBe(replies[1]);
    // The script's second turn ran on the first turn's cache, encoding the page only.
    expect(second).toMatchObject({ encodedImages: 1, reusedTokens: expect.any(Number) });
    expect(second.reusedTokens).toBeGreaterThanOrEqual(first.promptTokens);
    // The page was prepared on the model's grid, so the processor saw exactly that size.
    expect(second.seenSizes).toEqual([page]);
    await runtime.dispose();
  });

  it('reuses the KV cache across a turn that adds no image, with the same output as a full recompute', async () => {
    const load = async () => {
      const runtime = new VlmRuntime();
      await runtime.load(node(registryVlmRequest('qwen2-vl-2b', 'wasm')));
      return runtime;
    };
    const [withCache, fresh] = await Promise.all([load(), load()]);
    const image = grey(112, 112);
    const first: Message[] = [{ role: 'user', content: [{ type: 'text', text: 'Question?' }, { type: 'image' }] }];
    const a = await withCache.generate({ messages: first, images: [image], maxNewTokens: 6 }, () => {});
    expect(a.reusedTokens).toBe(0);
    // An invalid-action turn: text only, so the cache from the first turn still holds.
    const second: Message[] = [...first, { role: 'assistant', content: [{ type: 'text', text: a.text }] }, { role: 'user', content: [{ type: 'text', text: 'Your previous action is invalid.' }] }];
    const b = await withCache.generate({ messages: second, images: [image], maxNewTokens: 6 }, () => {});
    const full = await fresh.generate({ messages: second, images: [image], maxNewTokens: 6 }, () => {});
    expect(b.reusedTokens).toBeGreaterThan(a.promptTokens);
    expect(full.reusedTokens).toBe(0);
    expect(b.text).toBe(full.text);
    await Promise.all([withCache.dispose(), fresh.dispose()]);
  });

  it('a turn that adds a page or a crop encodes only that image on the cache, token for token as a full recompute', async () => {
    const runtime = new VlmRuntime();
    await runtime.load(node(registryVlmRequest('qwen2.5-vl-3b', 'wasm')));
    const page = grey(448, 336);
    const crop = { width: 224, height: 168, data: page.data.slice(0, 224 * 168 * 4).map((_, i) => (i * 7) % 251) };
    let messages: Message[] = [{ role: 'user', content: [{ type: 'text', text: 'Question: what is the CAGR?' }] }];
    const images = [] as typeof page[];
    const turns = [];
    for (const image of [null, page, crop, crop]) {
      if (image) {
        images.push(image);
        messages = [...messages, { role: 'user', content: [{ type: 'image' }] }];
      }
      const request = { messages, images: [...images], maxNewTokens: 6 };
      const incremental = await runtime.generate(request, () => {});
      const full = await runtime.generate({ ...request, reusePrefix: false }, () => {});
      turns.push({ incremental, full });
      // The agent keeps tags, not the exact reply: a reworded reply still shares everything before it.
      messages = [...messages, { role: 'assistant', content: [{ type: 'text', text: `<search>${incremental.text}</search>` }] }];
    }
    for (const { incremental, full } of turns) {
      expect(incremental.text).toBe(full.text);
      expect(full.reusedTokens).toBe(0);
    }
    // Each turn after the first reuses the previous prompt and encodes its new image only; the
    // last shows the same crop again, which is still encoded once more (it is another image slot).
    expect(turns.map((t) => t.incremental.encodedImages)).toEqual([0, 1, 1, 1]);
    expect(turns.map((t) => t.full.encodedImages)).toEqual([0, 1, 2, 3]);
    for (let i = 1; i < turns.length; i++) expect(turns[i]!.incremental.reusedTokens).toBeGreaterThanOrEqual(turns[i - 1]!.full.promptTokens - 1);
    await runtime.dispose();
  });

  it('the embedder runtimes embed text and images; SigLIP\'s text tower gets its 64 tokens', async () => {
    const text = new EmbedderRuntime();
    expect((await text.load(node(nodeEmbedder('multilingual-e5-small')))).dims).toBe(32);
    expect((await text.embedTexts(['a', 'b'], 'document')).data.length).toBe(64);
    const siglip = new EmbedderRuntime();
    await siglip.load(node(nodeEmbedder('siglip2-base')));
    const queries = await siglip.embedTexts(['travel', 'the outbound travel market in china and india'], 'query');
    expect(queries.dims).toBe(24);
    const images = await siglip.embedImages([grey(64, 48)]);
    expect(images.dims).toBe(24);
    await Promise.all([text.dispose(), siglip.dispose()]);
  });

  it('an e5 model embeds with its family\'s "query: " and "passage: " prefixes, also from a folder, whose request names only the family', async () => {
    const entry = findModel('multilingual-e5-small') as EmbedderEntry;
    expect(entry.family).toBe(E5);
    // What embed/load.ts asks of the worker for a folder: no registry entry behind it.
    const folder = { modelId: entry.hubId, family: E5, device: 'wasm' as const, dtype: { ...entry.variants.wasm!.dtype }, expected: {}, source: TEST_MODEL_SOURCE };
    const runtime = new EmbedderRuntime();
    await runtime.load(node(folder));
    // The same model through transformers.js directly, on the prefixed texts.
    const direct = (await pipeline('feature-extraction', entry.hubId, { device: 'cpu', dtype: folder.dtype } as never)) as FeatureExtractionPipeline;
    const plain = async (text: string) => new Float32Array((await direct([text], { pooling: 'mean', normalize: true })).data as Float32Array);
    const query = await runtime.embedTexts(['travel'], 'query');
    const passage = await runtime.embedTexts(['travel'], 'document');
    expect(Array.from(query.data)).toEqual(Array.from(await plain('query: travel')));
    expect(Array.from(passage.data)).toEqual(Array.from(await plain('passage: travel')));
    expect(Array.from(query.data)).not.toEqual(Array.from(await plain('travel')));
    await Promise.all([runtime.dispose(), direct.dispose()]);
  });
});
