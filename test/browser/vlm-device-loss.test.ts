import { expect, it } from 'vitest';
import { startVlmWorker } from '../../src/models/vlm/client.ts';
import { registryVlmRequest } from '../support/test-models.ts';
import type { DeviceLossEngine } from '../support/vlm-device-loss.worker.ts';

/** The app's VLM engine plus a way to lose its GPU device (the production worker has none). */
const deviceLossWorker = () => new Worker(new URL('../support/vlm-device-loss.worker.ts', import.meta.url), { type: 'module', name: 'vlm-device-loss' });

it('a lost WebGPU device falls back to WASM with a notice instead of a dead tab', async () => {
  const notices: string[] = [];
  const client = startVlmWorker<DeviceLossEngine>((m) => notices.push(m), deviceLossWorker);
  try {
    await client.load(registryVlmRequest('qwen2-vl-2b', 'webgpu'));
    const request = { messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'Hello' }] }], images: [], maxNewTokens: 4 };
    const before = await client.generate(request, () => {});
    await client.loseGpuDevice();
    const after = await client.generate(request, () => {});
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/GPU stopped responding.*Switched to WASM/);
    expect((await client.info())?.device).toBe('wasm');
    expect(after.text).toBe(before.text);
  } finally {
    client.terminate();
  }
});
