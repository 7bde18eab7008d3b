import { afterAll, describe, expect, it } from 'vitest';
import type { Device } from '../../src/models/device.ts';
import { startEmbedWorker, type EmbedderClient } from '../../src/models/embed/client.ts';
import type { EmbedderLoadRequest, EmbeddingBatch } from '../../src/models/embed/types.ts';
import { fetchShared } from '../support/scripted.ts';
import { TEST_MODEL_SOURCE } from '../support/test-models.ts';

const clients: EmbedderClient[] = [];
afterAll(() => clients.forEach((c) => c.terminate()));

async function load(request: Omit<EmbedderLoadRequest, 'source' | 'dtype'>) {
  const client = startEmbedWorker();
  clients.push(client);
  const info = await client.load({ ...request, dtype: 'fp32', source: TEST_MODEL_SOURCE });
  return { client, info };
}

function rowNorms(batch: EmbeddingBatch): number[] {
  const norms: number[] = [];
  for (let r = 0; r < batch.data.length; r += batch.dims) {
    norms.push(Math.hypot(...batch.data.subarray(r, r + batch.dims)));
  }
  return norms;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

const texts = ['the travel market share online', '云网络 计算', 'page'];
const results: Record<string, { text: EmbeddingBatch; image: EmbeddingBatch; query: EmbeddingBatch }> = {};

describe('embedder workers with the generated tiny models', () => {
  for (const device of ['wasm', 'webgpu'] as Device[]) {
    it(`embeds page text, page images and queries on ${device}`, async () => {
      const { client: textClient, info: textInfo } = await load({ modelId: 'tiny-bert', family: 'bert', modality: 'text', device, documentPrefix: 'passage: ', queryPrefix: 'query: ' });
      expect(textInfo).toMatchObject({ modelId: 'tiny-bert', modality: 'text', device, dims: 32 });
      const text = await textClient.embedTexts(texts, 'document');
      expect(text.dims).toBe(32);
      expect(text.data.length).toBe(3 * 32);
      for (const n of rowNorms(text)) expect(n).toBeCloseTo(1, 5);

      const { client: imageClient, info: imageInfo } = await load({ modelId: 'tiny-clip', family: 'clip', modality: 'image', device });
      expect(imageInfo.dims).toBe(24);
      const slides = await Promise.all(['slide_1_1024.jpg', 'aliyun4_4.jpg'].map((f) => fetchShared(`corpora/vrag-slides/${f}`)));
      const image = await imageClient.embedImages(slides);
      expect(image.data.length).toBe(2 * 24);
      for (const n of rowNorms(image)) expect(n).toBeCloseTo(1, 5);
      // Different pages give different embeddings.
      expect(maxDiff(image.data.subarray(0, 24), image.data.subarray(24))).toBeGreaterThan(1e-3);
      const query = await imageClient.embedTexts(['travel market'], 'query');
      expect(query.dims).toBe(24);
      results[device] = { text, image, query };
    });
  }

  it('webgpu and wasm agree within tolerance', () => {
    for (const key of ['text', 'image', 'query'] as const) {
      expect(maxDiff(results.wasm![key].data, results.webgpu![key].data)).toBeLessThan(1e-3);
    }
  });

  it('prefixes distinguish queries from documents for e5-style embedders', async () => {
    const { client } = await load({ modelId: 'tiny-bert', family: 'bert', modality: 'text', device: 'wasm', documentPrefix: 'passage: ', queryPrefix: 'query: ' });
    const asQuery = await client.embedTexts(['travel'], 'query');
    const asDocument = await client.embedTexts(['travel'], 'document');
    expect(maxDiff(asQuery.data, asDocument.data)).toBeGreaterThan(1e-4);
  });

  it('a text-only embedder refuses images, and a missing model is a clear error', async () => {
    const { client } = await load({ modelId: 'tiny-bert', family: 'bert', modality: 'text', device: 'wasm' });
    await expect(client.embedImages([new Blob()])).rejects.toThrow(/embeds text only/);
    await expect(load({ modelId: 'no-such-embedder', family: 'bert', modality: 'text', device: 'wasm' })).rejects.toThrow(/could not be found/);
  });
});
