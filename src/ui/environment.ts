/** What this browser offers the app: WebGPU (and f16), OffscreenCanvas, storage quota. */
export interface BrowserEnvironment {
  webgpu: boolean;
  shaderF16: boolean;
  offscreenCanvas: boolean;
  usageBytes: number;
  quotaBytes: number;
}

export async function detectEnvironment(): Promise<BrowserEnvironment> {
  const adapter = 'gpu' in navigator ? await navigator.gpu.requestAdapter().catch(() => null) : null;
  const estimate = (await navigator.storage?.estimate?.().catch(() => undefined)) ?? {};
  return {
    webgpu: adapter !== null,
    shaderF16: adapter?.features.has('shader-f16') ?? false,
    offscreenCanvas: typeof OffscreenCanvas !== 'undefined',
    usageBytes: estimate.usage ?? 0,
    quotaBytes: estimate.quota ?? 0,
  };
}
