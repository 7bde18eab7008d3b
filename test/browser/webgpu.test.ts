import { expect, test } from 'vitest';

test('headless Chromium exposes a WebGPU adapter', async () => {
  expect(navigator.gpu).toBeDefined();
  const adapter = await navigator.gpu.requestAdapter();
  expect(adapter).not.toBeNull();
  const device = await adapter!.requestDevice();
  expect(device.limits.maxBufferSize).toBeGreaterThan(0);
  device.destroy();
});
