/**
 * Runs the built app headless for the command-line tools (eval, ask): builds it with the headless
 * entry page, serves the build, opens it in Debian's Chromium (WebGPU on) and hands documents and
 * local model folders to the page the way a browser would fetch them.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
/** Where the headless build goes; tests point it at their shared production build. */
const OUT_DIR = resolve(ROOT, process.env.VRAG_BUILD_DIR ?? '.headless-build');


const TYPES: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.json': 'application/json',
  '.onnx': 'application/octet-stream',
  '.txt': 'text/plain',
};

export interface HeadlessApp {
  page: Page;
  /** URL under which a local file is served to the page (documents, model folders). */
  fileUrl(path: string): string;
  close(): Promise<void>;
}

/** Builds the app with the headless entry page. */
export async function buildApp(quiet: boolean): Promise<void> {
  await build({
    root: ROOT,
    configFile: resolve(ROOT, 'vite.config.ts'),
    logLevel: quiet ? 'error' : 'warn',
    build: {
      outDir: OUT_DIR,
      emptyOutDir: true,
      rollupOptions: { input: { headless: resolve(ROOT, 'eval/index.html') } },
    },
  });
}

export async function openHeadlessApp(options: { log: (line: string) => void; reuseBuild?: boolean }): Promise<HeadlessApp> {
  if (!(options.reuseBuild && existsSync(join(OUT_DIR, 'eval/index.html')))) {
    options.log('building the app…');
    await buildApp(true);
  }
  const server: PreviewServer = await preview({
    root: ROOT,
    configFile: resolve(ROOT, 'vite.config.ts'),
    logLevel: 'error',
    build: { outDir: OUT_DIR },
    preview: { port: 0, host: '127.0.0.1', strictPort: false },
  });
  const base = server.resolvedUrls!.local[0]!;
  let browser: Browser | null = null;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    const page = await browser.newPage();
    page.on('pageerror', (e) => options.log(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') options.log(`console: ${m.text()}`);
    });
    // Local files reach the page as responses from the app's origin, like files a user picks.
    await page.route(`${base}__files__/**`, async (route) => {
      const path = decodeURIComponent(new URL(route.request().url()).pathname.slice('/__files__'.length));
      if (!existsSync(path) || !statSync(path).isFile()) return route.fulfill({ status: 404, body: 'not found' });
      await route.fulfill({ status: 200, body: readFileSync(path), contentType: TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream' });
    });
    await page.goto(`${base}eval/index.html`);
    await page.waitForFunction(() => 'vragHeadless' in window);
    return {
      page,
      fileUrl: (path) => `${base}__files__${encodeURI(resolve(path))}`,
      close: async () => {
        await browser?.close();
        await new Promise<void>((done) => server.httpServer.close(() => done()));
      },
    };
  } catch (error) {
    await browser?.close();
    server.httpServer.close();
    throw error;
  }
}
