/** Which device and dtype a model runs with: WebGPU when an adapter exists (f16 when it can), else WASM. */
import type { DType, VlmEntry } from './config.ts';

export type Device = 'webgpu' | 'wasm';
export type DeviceOverride = 'auto' | Device;

export interface DeviceCapabilities {
  webgpu: boolean;
  shaderF16: boolean;
}

export interface DeviceChoice {
  device: Device;
  /** Whether the f16 variants were chosen (WebGPU with shader-f16). */
  f16: boolean;
  /** Why, in words a user understands. */
  reason: string;
}

export function chooseDevice(caps: DeviceCapabilities, override: DeviceOverride = 'auto'): DeviceChoice {
  if (override === 'wasm') return { device: 'wasm', f16: false, reason: 'WASM chosen in settings.' };
  if (!caps.webgpu) {
    return {
      device: 'wasm',
      f16: false,
      reason: override === 'webgpu' ? 'WebGPU was requested but this browser has no WebGPU adapter; using WASM.' : 'No WebGPU adapter; using WASM (slower).',
    };
  }
  return caps.shaderF16
    ? { device: 'webgpu', f16: true, reason: 'WebGPU with f16 shaders.' }
    : { device: 'webgpu', f16: false, reason: 'WebGPU without f16 shaders (q4 weights, f32 compute).' };
}

/** The dtype per ONNX file for an entry on a device choice. */
export function dtypesFor(entry: VlmEntry, choice: DeviceChoice): Record<string, DType> {
  if (choice.device === 'wasm') return entry.dtypes.wasm;
  return choice.f16 ? entry.dtypes.f16 : entry.dtypes.f32;
}

/** Probes the adapter in this context (page or worker). */
export async function probeDevice(): Promise<DeviceCapabilities> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  const adapter = gpu ? await gpu.requestAdapter().catch(() => null) : null;
  return { webgpu: adapter !== null, shaderF16: adapter?.features.has('shader-f16') ?? false };
}
