import { defineConfig } from 'vite';

// The app never reaches a CDN: every runtime asset (ORT WASM, workers) is bundled and served from this origin.
export default defineConfig({
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true },
  optimizeDeps: { include: ['comlink', 'idb', 'minisearch'], exclude: ['@huggingface/transformers', 'onnxruntime-web'] },
});
