/**
 * The production app in Debian's Chromium, as a user gets it: `vite build` of index.html (with the
 * service worker), served by `vite preview` on 127.0.0.1 at a random port. Every request the page,
 * its workers and its service worker make is recorded, as are console errors and CSP violations.
 */
import { createReadStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';
import { PRODUCTION_BUILD } from '../../support/production-build.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../../scripts/chromium.ts';

export const ROOT = resolve(import.meta.dirname, '../../..');
export { PRODUCTION_BUILD as BUILD_DIR } from '../../support/production-build.ts';
export const ARTIFACTS = resolve(ROOT, 'test/artifacts');
export const SHARED = resolve(ROOT, '../shared');

/** The default model host in the settings; the app probes it at start-up to tell the user whether models can be downloaded. */
export const MODEL_HOST = 'https://huggingface.co';

export interface RunningApp {
  base: string;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Every request URL seen so far (page, dedicated workers, service worker), in order. */
  requests: string[];
  /** Console errors, uncaught page errors and CSP violation reports. */
  problems: string[];
  /** Requests whose origin is not the app's own. */
  foreignRequests(): string[];
  /** Foreign requests to anywhere but the configured model host (the only other origin the app may reach). */
  requestsBeyondModelHost(): string[];
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export interface StartOptions {
  viewport?: { width: number; height: number };
  /** Serve the build as a plain static host does: files only, no COOP/COEP headers (the service worker must add them). */
  plainStaticHost?: boolean;
}

export async function startApp(options: StartOptions = {}): Promise<RunningApp> {
  const server = options.plainStaticHost ? await serveStatic(PRODUCTION_BUILD) : await previewServer();
  const base = server.base;
  const origin = new URL(base).origin;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 900 }, acceptDownloads: true });
  const requests: string[] = [];
  const problems: string[] = [];
  const seen = new Set<unknown>();
  const record = (request: { url(): string }) => {
    if (seen.has(request)) return;
    seen.add(request);
    requests.push(request.url());
  };
  context.on('request', record);
  context.on('serviceworker', (worker) => worker.on('console', (m) => m.type() === 'error' && problems.push(`service worker: ${m.text()}`)));
  const page = await context.newPage();
  page.on('request', record);
  page.on('worker', (worker) => worker.on('console', (m) => m.type() === 'error' && problems.push(`worker: ${m.text()}`)));
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content.Security.Policy/i.test(m.text())) problems.push(`console: ${m.text()} (${m.location().url})`);
  });
  const foreign = () =>
    requests.filter((url) => {
      const parsed = new URL(url);
      // data: and blob: URLs never leave the device.
      return parsed.protocol !== 'data:' && parsed.protocol !== 'blob:' && parsed.origin !== origin;
    });
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    base,
    browser,
    context,
    page,
    requests,
    problems,
    foreignRequests: foreign,
    requestsBeyondModelHost: () => foreign().filter((url) => new URL(url).origin !== MODEL_HOST),
    screenshot: async (name) => {
      const path = resolve(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/** Waits until the service worker has precached everything and controls the page. */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 60_000 });
}

async function previewServer(): Promise<{ base: string; close(): Promise<void> }> {
  const server: PreviewServer = await preview({
    root: ROOT,
    configFile: resolve(ROOT, 'vite.config.ts'),
    logLevel: 'error',
    build: { outDir: PRODUCTION_BUILD },
    preview: { port: 0, host: '127.0.0.1', strictPort: false },
  });
  return { base: server.resolvedUrls!.local[0]!, close: () => new Promise<void>((done) => server.httpServer.close(() => done())) };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
  '.webmanifest': 'application/manifest+json', '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.png': 'image/png',
};

/** A static file server that sends nothing but the file and its type, like many static hosts. */
async function serveStatic(root: string): Promise<{ base: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    let path = normalize(join(root, pathname));
    if (existsSync(path) && statSync(path).isDirectory()) path = join(path, 'index.html');
    if (!path.startsWith(root) || !existsSync(path)) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
    createReadStream(path).pipe(response);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}/`, close: () => new Promise<void>((done) => server.close(() => done())) };
}
