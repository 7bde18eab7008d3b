/**
 * ONNX Runtime Web's WASM files, served by this app (bundled by Vite), never by a CDN.
 * transformers.js and the OCR both run on the same `onnxruntime-web/webgpu` build (asyncify WASM),
 * so one runtime is downloaded and cached.
 */
import type { Env } from 'onnxruntime-common';
import wasm from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import mjs from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';

/**
 * Points an ONNX Runtime env at the app's own copies of the WASM runtime (browsers only; Node uses
 * its native binding) and, when the page is cross-origin isolated, gives it every core: ORT's own
 * default is half of them, a single thread on a 2-core laptop.
 */
export function useBundledOrtAssets(ortEnv: Env): void {
  if (typeof self === 'undefined' || !('location' in self)) return;
  ortEnv.wasm.wasmPaths = { wasm: new URL(wasm, self.location.href).href, mjs: new URL(mjs, self.location.href).href };
  ortEnv.wasm.numThreads = wasmThreads();
}

/** Threads for ONNX Runtime's WASM: the cores there are (at most 8) when SharedArrayBuffer is allowed, else 1. */
export function wasmThreads(): number {
  if (!globalThis.crossOriginIsolated) return 1;
  return Math.max(1, Math.min(8, globalThis.navigator?.hardwareConcurrency ?? 1));
}
