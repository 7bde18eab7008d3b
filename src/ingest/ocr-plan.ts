/** How OCR uses a machine's cores (pure). */

export interface OcrPlan {
  /** OCR workers, each with its own ONNX Runtime reading whole pages. */
  workers: number;
  /** ONNX Runtime's WASM threads in each. */
  threads: number;
}

/** More workers would hold more copies of the models for pages the renderer cannot feed fast enough. */
export const MAX_OCR_WORKERS = 3;
const MAX_THREADS_PER_WORKER = 4;

/**
 * Pages are read side by side, one worker per core up to three: the models' small convolutions
 * split poorly across threads, so on two cores two single-threaded workers added image-only
 * documents 1.1-1.3x faster than one worker with two threads. Cores beyond the workers become
 * threads, which need SharedArrayBuffer (cross-origin isolation). WebGPU runs one worker: the GPU
 * is shared anyway. A number of workers asked for is kept, with the cores shared between them.
 */
export function ocrPlan(cores: number, crossOriginIsolated: boolean, backend: 'wasm' | 'webgpu', asked: 'auto' | number = 'auto'): OcrPlan {
  const available = Math.max(1, Math.floor(cores) || 1);
  const workers = backend === 'webgpu' ? 1 : asked === 'auto' ? Math.min(MAX_OCR_WORKERS, available) : Math.max(1, Math.floor(asked) || 1);
  const threads = crossOriginIsolated ? Math.min(MAX_THREADS_PER_WORKER, Math.max(1, Math.floor(available / workers))) : 1;
  return { workers, threads };
}
