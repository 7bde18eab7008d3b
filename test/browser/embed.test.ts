/** The embedder worker with a generated model of every embedder family, in the production bundle (the dev modules run in the UI tests). */
import { afterAll, describe, expect, it } from 'vitest';
import type { Device } from '../../src/models/device.ts';
import { startEmbedWorker, type EmbedderClient } from '../../src/models/embed/client.ts';
import type { EmbedderLoadRequest, EmbeddingBatch } from '../../src/models/embed/types.ts';
import { fetchShared } from '../support/scripted.ts';
import { registryEmbedderRequest } from '../support/test-models.ts';
import { workerFactory, type Bundle } from '../support/workers.ts';

const clients: EmbedderClient[] = [];
afterAll(() => clients.forEach((c) => c.terminate()));

async function start(bundle: Bundle, request: EmbedderLoadRequest) {
  const client = startEmbedWorker(await workerFactory('embed', bundle));
  clients.push(client);
  const info = await client.load(request);
  return { client, info };
}

/** One worker per model, shared by the tests that only embed (each worker compiles ONNX Runtime's WASM). */
const shared = new Map<string, ReturnType<typeof start>>();
function load(bundle: Bundle, request: EmbedderLoadRequest) {
  const key = `${bundle} ${request.modelId} ${request.device}`;
  if (!shared.has(key)) shared.set(key, start(bundle, request));
  return shared.get(key)!;
}

function rowNorms(batch: EmbeddingBatch): number[] {
  const norms: number[] = [];
  for (let r = 0; r < batch.data.length; r += batch.dims) norms.push(Math.hypot(...batch.data.subarray(r, r + batch.dims)));
  return norms;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

const texts = ['the travel market share online', '云网络 计算', 'page'];
const results: Partial<Record<Device, Record<string, Float32Array>>> = {};

async function embedEverything(bundle: Bundle, device: Device) {
  const out: Record<string, Float32Array> = {};
  const { client: e5, info } = await load(bundle, await registryEmbedderRequest('multilingual-e5-small', device));
  expect(info).toMatchObject({ modelId: 'Xenova/multilingual-e5-small', modality: 'text', device, dims: 32 });
  expect(info.loadMs).toBeGreaterThan(0);
  const text = await e5.embedTexts(texts, 'document');
  expect(text.data.length).toBe(3 * 32);
  for (const n of rowNorms(text)) expect(n).toBeCloseTo(1, 5);
  out.e5 = text.data;
  const slides = await Promise.all(['slide_1_1024.jpg', 'aliyun4_4.jpg'].map((f) => fetchShared(`corpora/vrag-slides/${f}`)));
  for (const id of ['siglip2-base', 'jina-clip-v1']) {
    const { client, info: imageInfo } = await load(bundle, await registryEmbedderRequest(id, device));
    expect([id, imageInfo.modality, imageInfo.dims]).toEqual([id, 'image', 24]);
    const images = await client.embedImages(slides);
    expect(images.data.length).toBe(2 * 24);
    for (const n of rowNorms(images)) expect(n).toBeCloseTo(1, 5);
    expect(maxDiff(images.data.subarray(0, 24), images.data.subarray(24))).toBeGreaterThan(1e-3);
    // Queries of any length: SigLIP's text tower only takes its 64 padded tokens.
    const queries = await client.embedTexts(['travel', 'the outbound travel market of china and india in 2020'], 'query');
    expect([id, queries.dims, queries.data.length]).toEqual([id, 24, 48]);
    out[`${id} images`] = images.data;
    out[`${id} queries`] = queries.data;
  }
  return out;
}

const bundle: Bundle = 'production';
describe('embedder worker (production bundle)', () => {
  it('embeds page text, page images and queries with every embedder family on WASM', async () => {
    results.wasm = await embedEverything(bundle, 'wasm');
  });

  it('prefixes distinguish queries from documents for e5', async () => {
    const { client } = await load(bundle, await registryEmbedderRequest('multilingual-e5-small', 'wasm'));
    const asQuery = await client.embedTexts(['travel'], 'query');
    const asDocument = await client.embedTexts(['travel'], 'document');
    expect(maxDiff(asQuery.data, asDocument.data)).toBeGreaterThan(1e-4);
  });

  it('a text-only embedder refuses images, and a missing model is a clear error', async () => {
    const { client } = await load(bundle, await registryEmbedderRequest('multilingual-e5-small', 'wasm'));
    await expect(client.embedImages([new Blob()])).rejects.toThrow(/embeds text only/);
    await expect(start(bundle, { ...(await registryEmbedderRequest('multilingual-e5-small', 'wasm')), modelId: 'no-such-embedder' })).rejects.toThrow(/could not be found/);
  });

  it('a worker that dies is started again with its last load request, by the next call', async () => {
    const workers: Worker[] = [];
    const create = await workerFactory('embed', bundle);
    const client = startEmbedWorker(() => {
      const worker = create();
      workers.push(worker);
      return worker;
    });
    clients.push(client);
    await client.load(await registryEmbedderRequest('multilingual-e5-small', 'wasm'));
    const before = await client.embedTexts(['travel'], 'query');
    // As a crash would: the worker is gone and said so with an error it did not handle.
    workers[0]!.terminate();
    workers[0]!.dispatchEvent(new ErrorEvent('error', { message: 'out of memory' }));
    const after = await client.embedTexts(['travel'], 'query');
    expect(workers).toHaveLength(2);
    expect(after.data).toEqual(before.data);
    expect(await client.info()).toMatchObject({ modelId: 'Xenova/multilingual-e5-small', device: 'wasm' });
  });
});

describe('embedder worker on WebGPU (SwiftShader)', () => {
  it('embeds the same as on WASM, within tolerance', async () => {
    results.webgpu = await embedEverything('production', 'webgpu');
    for (const [key, values] of Object.entries(results.wasm!)) expect([key, maxDiff(values, results.webgpu[key]!) < 2e-3]).toEqual([key, true]);
  });
});
