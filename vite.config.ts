import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

// The app never reaches a CDN: every runtime asset (ORT WASM, workers) is bundled and served from this origin.
export default defineConfig({
  // Relative asset URLs: the build works from any folder of a static host, and a worker bundle loads its assets wherever it is served from.
  base: './',
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true },
  optimizeDeps: { include: ['comlink', 'idb', 'minisearch'], exclude: ['@huggingface/transformers', 'onnxruntime-web'] },
  plugins: [
    // Offline after the first visit: the service worker precaches the shell and every runtime asset
    // (ORT WASM, pdf.js worker/CMaps/fonts, OCR models). Model weights are cached by transformers.js
    // itself in Cache Storage, so there is deliberately no runtime caching rule for the model host.
    VitePWA({
      strategies: 'generateSW',
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
      workbox: {
        globPatterns: ['**/*.{html,js,mjs,css,wasm,onnx,txt,bcmap,pfb,ttf,png,svg,jpg,webp,woff2}'],
        // The plugin adds the manifest and its icons itself; eval/ is the headless harness page.
        globIgnores: ['eval/**', 'icons/**'],
        // ORT's WASM (~25 MB) and the OCR recogniser (~10 MB) are the largest files.
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
        navigateFallback: 'index.html',
        cleanupOutdatedCaches: true,
        // A new build takes over at once (the app keeps no state in the worker), and the first visit is controlled without a reload.
        skipWaiting: true,
        clientsClaim: true,
      },
    }),
  ],
});
