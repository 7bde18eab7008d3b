/** The same runtimes the workers use, loaded in Node (onnxruntime-node) from the generated test models. */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EmbedderRuntime } from '../../src/models/embed/runtime.ts';
import type { ModelSourceSettings } from '../../src/models/env.ts';
import { VlmRuntime } from '../../src/models/vlm/runtime.ts';
import type { VlmGenerateRequest } from '../../src/models/vlm/types.ts';

const source: ModelSourceSettings = {
  remoteHost: 'https://huggingface.co/',
  allowRemote: false,
  localModelPath: fileURLToPath(new URL('../models/generated/', import.meta.url)),
};
const fp32 = { embed_tokens: 'fp32', vision_encoder: 'fp32', decoder_model_merged: 'fp32' } as const;

describe('model runtimes in Node', () => {
  it('the VLM runtime loads and generates deterministically, streaming its text', async () => {
    const runtime = new VlmRuntime();
    const info = await runtime.load({ modelId: 'tiny-qwen2-vl', device: 'cpu' as never, dtype: { ...fp32 }, wasmDtype: { ...fp32 }, source });
    expect(info.modelId).toBe('tiny-qwen2-vl');
    const image = { width: 200, height: 120, data: new Uint8ClampedArray(200 * 120 * 4).fill(90) };
    const request = { messages: [{ role: 'user' as const, content: [{ type: 'image' as const }, { type: 'text' as const, text: 'Hi' }] }], images: [image], maxNewTokens: 8 };
    const pieces: string[] = [];
    const a = await runtime.generate(request, (t) => pieces.push(t));
    const b = await runtime.generate(request, () => {});
    expect(a.newTokens).toBe(8);
    expect(a.text).toBe(b.text);
    expect(pieces.join('')).toBe(a.text);
    await runtime.dispose();
  });

  it('reuses the KV cache across a turn that adds no image, with the same output as a full recompute', async () => {
    const load = async () => {
      const runtime = new VlmRuntime();
      await runtime.load({ modelId: 'tiny-qwen2-vl', device: 'cpu' as never, dtype: { ...fp32 }, wasmDtype: { ...fp32 }, source });
      return runtime;
    };
    const [withCache, fresh] = await Promise.all([load(), load()]);
    const image = { width: 112, height: 112, data: new Uint8ClampedArray(112 * 112 * 4).fill(30) };
    type Message = VlmGenerateRequest['messages'][number];
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
    // A turn that shows a new image needs the vision encoder: no reuse.
    const third: Message[] = [...second, { role: 'assistant', content: [{ type: 'text', text: b.text }] }, { role: 'user', content: [{ type: 'image' }] }];
    const c = await withCache.generate({ messages: third, images: [image, image], maxNewTokens: 2 }, () => {});
    expect(c.reusedTokens).toBe(0);
    await Promise.all([withCache.dispose(), fresh.dispose()]);
  });

  it('the embedder runtime embeds text and images', async () => {
    const text = new EmbedderRuntime();
    expect((await text.load({ modelId: 'tiny-bert', family: 'bert', modality: 'text', device: 'cpu' as never, dtype: 'fp32', source })).dims).toBe(32);
    expect((await text.embedTexts(['a', 'b'], 'document')).data.length).toBe(64);
    const image = new EmbedderRuntime();
    await image.load({ modelId: 'tiny-clip', family: 'clip', modality: 'image', device: 'cpu' as never, dtype: 'fp32', source });
    const batch = await image.embedImages([{ width: 64, height: 48, data: new Uint8ClampedArray(64 * 48 * 4).fill(200) }]);
    expect(batch.dims).toBe(24);
    await Promise.all([text.dispose(), image.dispose()]);
  });
});
