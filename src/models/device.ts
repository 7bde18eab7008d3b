/**
 * Which device a model runs on: WebGPU when a real GPU adapter exists (the f16 variant when it
 * has shader-f16), WASM otherwise or when the user says so. A software adapter (SwiftShader,
 * `isFallbackAdapter`) counts as no GPU: it runs WebGPU on the CPU, far slower than WASM.
 */
import type { ModelEntry, Variant, VariantName } from './registry.ts';

export type Device = 'webgpu' | 'wasm';
export type DeviceOverride = 'auto' | Device;

export interface DeviceCapabilities {
  webgpu: boolean;
  shaderF16: boolean;
  /** The adapter is a software renderer on the CPU. */
  fallbackAdapter: boolean;
}

export interface DeviceChoice {
  device: Device;
  variant: VariantName;
  /** Why, in words a user understands. */
  reason: string;
}

export function chooseDevice(caps: DeviceCapabilities, override: DeviceOverride = 'auto'): DeviceChoice {
  if (override === 'wasm') return { device: 'wasm', variant: 'wasm', reason: 'WASM, as chosen in settings.' };
  if (!caps.webgpu) {
    return {
      device: 'wasm',
      variant: 'wasm',
      reason: override === 'webgpu' ? 'WebGPU was requested but this browser has no WebGPU adapter; using WASM.' : 'No WebGPU adapter; using WASM (slower).',
    };
  }
  if (caps.fallbackAdapter && override === 'auto') {
    return { device: 'wasm', variant: 'wasm', reason: 'The only WebGPU adapter is a software renderer (no GPU), slower than WASM; using WASM.' };
  }
  const variant: VariantName = caps.shaderF16 ? 'webgpu-f16' : 'webgpu';
  const note = caps.fallbackAdapter ? ' on a software adapter, as chosen in settings' : '';
  return { device: 'webgpu', variant, reason: caps.shaderF16 ? `WebGPU with f16 shaders${note}.` : `WebGPU without f16 shaders${note}.` };
}

/** The entry's variant for a choice; a device the model has no files for falls back to WASM. */
export function variantFor(entry: Pick<ModelEntry, 'variants'>, choice: DeviceChoice): { device: Device; name: VariantName; variant: Variant } | null {
  for (const name of [choice.variant, 'wasm'] as const) {
    const variant = entry.variants[name];
    if (variant) return { device: name === 'wasm' ? 'wasm' : choice.device, name, variant };
  }
  return null;
}

/** Probes the adapter in this context (page or worker). */
export async function probeDevice(): Promise<DeviceCapabilities> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  const adapter = gpu ? await gpu.requestAdapter().catch(() => null) : null;
  // Chromium reports it on the adapter (older) or on adapter.info (the current spec).
  const info = (adapter as (GPUAdapter & { isFallbackAdapter?: boolean; info?: { isFallbackAdapter?: boolean } }) | null);
  return {
    webgpu: adapter !== null,
    shaderF16: adapter?.features.has('shader-f16') ?? false,
    fallbackAdapter: Boolean(info?.isFallbackAdapter ?? info?.info?.isFallbackAdapter),
  };
}
