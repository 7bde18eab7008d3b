import { expect, it } from 'vitest';
import { startVlmWorker } from '../../src/models/vlm/client.ts';
import { APP_WORKERS } from '../../src/session/workers.ts';
import { registryVlmRequest } from '../support/test-models.ts';

it('a lost WebGPU device falls back to WASM with a notice instead of a dead tab', async () => {
  const notices: string[] = [];
  const client = startVlmWorker((m) => notices.push(m), APP_WORKERS.vlm);
  try {
    await client.load(registryVlmRequest('qwen2-vl-2b', 'webgpu'));
    const request = { messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'Hello' }] }], images: [], maxNewTokens: 4 };
    const before = await client.generate(request, () => {});
    await client.simulateDeviceLoss();
    const after = await client.generate(request, () => {});
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/GPU stopped responding.*Switched to WASM/);
    expect((await client.info())?.device).toBe('wasm');
    expect(after.text).toBe(before.text);
  } finally {
    client.terminate();
  }
});
