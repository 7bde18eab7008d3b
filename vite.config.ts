import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { ISOLATION_HEADERS } from './src/pwa/isolation.ts';

// The app never reaches a CDN: every runtime asset (ORT WASM, workers) is bundled and served from this origin.
export default defineConfig({
  // Relative asset URLs: the build works from any folder of a static host, and a worker bundle loads its assets wherever it is served from.
  base: './',
  worker: { format: 'es' },
  // Cross-origin isolated everywhere (SharedArrayBuffer, so ONNX Runtime's WASM runs on several threads).
  server: { headers: { ...ISOLATION_HEADERS } },
  preview: { headers: { ...ISOLATION_HEADERS } },
  build: { target: 'es2022', sourcemap: true },
  optimizeDeps: { include: ['comlink', 'idb'], exclude: ['@huggingface/transformers', 'onnxruntime-web'] },
  plugins: [
    // Offline after the first visit, and cross-origin isolated on any static host: src/pwa/sw.ts.
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/pwa',
      filename: 'sw.ts',
      registerType: 'autoUpdate',
      injectRegister: false, // src/pwa/register.ts registers it, in production builds only
      includeAssets: ['icons/icon.svg', 'icons/apple-touch-icon-180.png'],
      manifest: {
        name: 'VRAG in the browser',
        short_name: 'VRAG',
        description: 'Ask questions about your documents. A vision-language model searches, zooms and answers entirely inside this tab.',
        start_url: '.',
        scope: '.',
        display: 'standalone',
        theme_color: '#1f3a5f',
        background_color: '#ffffff',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: 'icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      injectManifest: {
        globPatterns: ['**/*.{html,js,mjs,css,wasm,onnx,txt,bcmap,pfb,ttf,png,svg,jpg,webp,woff2}'],
        // The plugin adds the manifest and its icons itself; eval/ is the headless harness page.
        // PaddleOCR's float recogniser serves only WebGPU OCR, which the app does not use: WASM OCR
        // reads with the 8-bit one (src/ingest/ocr-model), so 11 MB are not installed for nothing.
        globIgnores: ['eval/**', 'icons/**', '**/ch_PP-OCRv4_rec_infer-*.onnx'],
        // ORT's WASM (~25 MB) and the OCR models (~5 MB each) are the largest files.
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
      },
    }),
  ],
});
