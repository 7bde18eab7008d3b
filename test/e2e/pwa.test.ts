/** The production build as an installable, offline-capable app with a Content-Security-Policy. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_DIR, MODEL_HOST, SHARED, startApp, waitForServiceWorker, type RunningApp } from './support/app.ts';

const SLIDE = resolve(SHARED, 'corpora/vrag-slides/slide_1_1024.jpg');

const built = (path: string) => readFileSync(resolve(BUILD_DIR, path), 'utf8');

function precacheUrls(): string[] {
  return [...built('sw.js').matchAll(/\burl"?:\s*"([^"]+)"/g)].map((m) => m[1]!);
}

/** The page's own scripts: the module index.html loads and every chunk it imports statically, transitively (not the lazy ones). */
function pageScripts(): string[] {
  const entry = /<script type="module"[^>]*\bsrc="\.\/([^"]+)"/.exec(built('index.html'))![1]!;
  const scripts = [entry];
  for (let i = 0; i < scripts.length; i++) {
    for (const match of built(scripts[i]!).matchAll(/(?:\bfrom|\bimport)\s*"\.\/([^"]+\.js)"/g)) {
      const path = `assets/${match[1]!}`;
      if (!scripts.includes(path)) scripts.push(path);
    }
  }
  return scripts;
}

/** transformers.js' `env` and ONNX Runtime's session class, as they survive minification. */
const MODEL_RUNTIME_MARKERS = ['remotePathTemplate', 'InferenceSession'];

describe('build output', () => {
  it('the page bundle holds no model runtime: under 100 kB gzip, transformers.js and ONNX Runtime only in the model workers', () => {
    const scripts = pageScripts();
    const gzipped = scripts.reduce((sum, path) => sum + gzipSync(readFileSync(resolve(BUILD_DIR, path))).length, 0);
    expect(gzipped).toBeLessThan(100_000);
    const page = scripts.map(built).join('\n');
    const workers = JSON.parse(built('workers.json')) as Record<string, string>;
    for (const marker of MODEL_RUNTIME_MARKERS) {
      expect([marker, page.includes(marker)]).toEqual([marker, false]);
      for (const worker of ['vlm', 'embed']) expect([worker, marker, built(workers[worker]!).includes(marker)]).toEqual([worker, marker, true]);
    }
  });


  it('precaches the shell and every runtime asset: ORT WASM, pdf.js worker/CMaps/fonts/codecs, OCR models', () => {
    const urls = new Set(precacheUrls());
    expect(urls).toContain('index.html');
    expect(urls).toContain('manifest.webmanifest');
    const emitted = readdirSync(resolve(BUILD_DIR, 'assets')).filter((f) => !f.endsWith('.map'));
    const missing = emitted.filter((file) => !urls.has(`assets/${file}`));
    // PaddleOCR's float recogniser serves only WebGPU OCR, which the app does not use; WASM OCR reads
    // with the 8-bit one, precached below.
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatch(/^ch_PP-OCRv4_rec_infer-.+\.onnx$/);
    const expected = [
      /^ort-wasm-simd-threaded\.asyncify-.+\.wasm$/,
      /^ort-wasm-simd-threaded\.asyncify-.+\.mjs$/,
      /^pdf\.worker\.min-.+\.mjs$/,
      /^ch_PP-OCRv4_det_infer-.+\.onnx$/,
      /^ch_PP-OCRv4_rec_int8-.+\.onnx$/,
      /^ppocr_keys_v1-.+\.txt$/,
      /^openjpeg-.+\.wasm$/,
      /^UniGB-UCS2-H-.+\.bcmap$/,
      /^FoxitSerif-.+\.pfb$/,
      /^LiberationSans-Regular-.+\.ttf$/,
    ];
    for (const pattern of expected) expect(emitted.filter((f) => pattern.test(f)), String(pattern)).toHaveLength(1);
    // Every pdf.js CMap and standard font is either its own precached file or, below Vite's 4 kB
    // inline limit, a data: URL inside a precached chunk.
    for (const dir of ['cmaps', 'standard_fonts']) {
      const source = resolve(import.meta.dirname, '../../node_modules/pdfjs-dist', dir);
      for (const file of readdirSync(source).filter((f) => /\.(bcmap|pfb|ttf)$/.test(f))) {
        const [stem, ext] = [file.slice(0, file.lastIndexOf('.')), file.slice(file.lastIndexOf('.'))];
        const own = emitted.some((f) => f.startsWith(`${stem}-`) && f.endsWith(ext) && f.length === file.length + 9);
        expect(own || statSync(resolve(source, file)).size < 4096, `${dir}/${file}`).toBe(true);
      }
    }
  });

  it('has no runtime caching rule: model downloads are left to transformers.js', () => {
    const sw = built('sw.js');
    expect(sw).not.toContain('huggingface');
    expect(sw).toContain('Cross-Origin-Embedder-Policy');
  });

  it('writes an installable manifest and links it, with theme colour and CSP, from index.html', () => {
    const manifest = JSON.parse(built('manifest.webmanifest')) as Record<string, unknown> & { icons: { sizes: string; purpose?: string; src: string }[] };
    expect(manifest).toMatchObject({ name: 'VRAG in the browser', short_name: 'VRAG', display: 'standalone', start_url: '.' });
    expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/);
    expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/);
    expect(manifest.icons.map((i) => `${i.sizes} ${i.purpose ?? 'any'}`)).toEqual(['192x192 any', '512x512 any', '512x512 maskable']);
    for (const icon of manifest.icons) expect(readFileSync(resolve(BUILD_DIR, icon.src)).subarray(1, 4).toString()).toBe('PNG');
    const html = built('index.html');
    // Relative to the page, so the build works from any folder of a static host.
    expect(html).toMatch(/<link rel="manifest" href="\.\/manifest.webmanifest">/);
    expect(html).toMatch(/<meta name="theme-color" content="#[0-9a-f]{6}"/);
    expect(html).toMatch(/http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'wasm-unsafe-eval' blob:;/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script: script-src 'self' would block it
  });
});

describe('in Chromium', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => app?.close());

  it('loads under its CSP without violations, installs the service worker and works offline', async () => {
    const { page, context } = app;
    await page.goto(app.base);
    await waitForServiceWorker(page);
    // vite preview sends COOP/COEP: isolated from the first load.
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
    const policies = await page.$$eval('meta[http-equiv="Content-Security-Policy"]', (metas) => metas.map((m) => (m as HTMLMetaElement).content));
    expect(policies[0]).toContain("object-src 'none'");

    await context.setOffline(true);
    await page.reload();
    await expect.poll(() => page.title()).toBe('VRAG in the browser');
    expect(await page.locator('main').count()).toBe(1);
    // Runtime assets come from the precache while offline.
    const ort = precacheUrls().find((u) => u.endsWith('.wasm') && u.includes('ort-wasm'))!;
    const status = await page.evaluate(async (url) => {
      const response = await fetch(url);
      return { status: response.status, bytes: (await response.arrayBuffer()).byteLength };
    }, `${app.base}${ort}`);
    expect(status.status).toBe(200);
    expect(status.bytes).toBeGreaterThan(1_000_000);
    await context.setOffline(false);
    expect(app.problems.filter((p) => !p.includes(MODEL_HOST))).toEqual([]);
    expect(app.requestsBeyondModelHost()).toEqual([]);
  });
});

describe('cross-origin isolation', () => {
  const isolated = (page: RunningApp['page']) => page.evaluate(() => globalThis.crossOriginIsolated);

  it('on a static host without those headers, the service worker adds them: isolated online and offline, where OCR still reads a slide', async () => {
    const app = await startApp({ plainStaticHost: true });
    try {
      await app.page.goto(app.base);
      await waitForServiceWorker(app.page);
      // The first visit reloads itself once the service worker controls it.
      await expect.poll(() => isolated(app.page).catch(() => false), { timeout: 60_000 }).toBe(true);
      const threads = await app.page.evaluate(() => typeof SharedArrayBuffer === 'function');
      expect(threads).toBe(true);
      await app.context.setOffline(true);
      await app.page.reload();
      await expect.poll(() => app.page.title()).toBe('VRAG in the browser');
      expect(await isolated(app.page)).toBe(true);
      // Offline, a slide image is read by the OCR workers the ingest worker starts, all from the precache.
      await app.page.getByLabel('Add documents', { exact: true }).setInputFiles(SLIDE);
      const documents = app.page.getByRole('list', { name: 'Documents', exact: true });
      await documents.getByRole('button', { name: 'Delete slide_1_1024.jpg', exact: true }).waitFor({ timeout: 120_000 });
      await expect.poll(() => documents.getByTitle('1 page read with OCR', { exact: true }).count()).toBe(1);
      const box = app.page.getByLabel('Search pages', { exact: true });
      await box.fill('superconsumers');
      await box.press('Enter');
      const results = app.page.getByRole('list', { name: 'Search results', exact: true });
      await expect.poll(() => results.textContent(), { timeout: 60_000 }).toContain('slide_1_1024.jpg');
      await app.context.setOffline(false);
      expect(app.problems.filter((p) => !p.includes(MODEL_HOST))).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
