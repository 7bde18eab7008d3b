import { describe, expect, it } from 'vitest';

describe('cross-origin isolation on the dev server', () => {
  it('is isolated, so ONNX Runtime can share memory between WASM threads', () => {
    expect(globalThis.crossOriginIsolated).toBe(true);
    expect(typeof SharedArrayBuffer).toBe('function');
  });
});
