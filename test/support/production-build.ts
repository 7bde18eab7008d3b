/**
 * One production build of the app for every test that needs minified code: the e2e tests (the
 * app), the command-line tests (the headless page) and the browser tests of the model workers,
 * which start the built worker bundles instead of the dev server's. Built once per test run.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'vite';

export const ROOT = resolve(import.meta.dirname, '../..');
// VRAG_TEST_BUILD_DIR lets two test runs on one machine keep their builds apart.
export const PRODUCTION_BUILD = resolve(ROOT, process.env.VRAG_TEST_BUILD_DIR ?? 'test/artifacts/prod-build');
const STAMP = resolve(PRODUCTION_BUILD, '.built-by');

/** Worker entry name (e.g. 'vlm') -> the built bundle's path in the build folder. */
export type WorkerBundles = Record<string, string>;

let building: Promise<void> | null = null;

/** Several projects' global setups ask for it; the first one in this test run (this process) builds. */
export function buildForTests(): Promise<void> {
  if (existsSync(STAMP) && readFileSync(STAMP, 'utf8') === String(process.pid)) return Promise.resolve();
  building ??= buildNow();
  return building;
}

async function buildNow(): Promise<void> {
  // Vitest sets NODE_ENV=test, which would make the build a development one (import.meta.env.PROD false).
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      root: ROOT,
      mode: 'production',
      configFile: resolve(ROOT, 'vite.config.ts'),
      logLevel: 'error',
      build: {
        outDir: PRODUCTION_BUILD,
        emptyOutDir: true,
        rollupOptions: { input: { main: resolve(ROOT, 'index.html'), headless: resolve(ROOT, 'eval/index.html') } },
      },
    });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  const bundles: WorkerBundles = {};
  for (const file of readdirSync(resolve(PRODUCTION_BUILD, 'assets'))) {
    const match = /^(\w+)\.worker-[\w-]+\.js$/.exec(file);
    if (match) bundles[match[1]!] = `assets/${file}`;
  }
  writeFileSync(resolve(PRODUCTION_BUILD, 'workers.json'), JSON.stringify(bundles, null, 2));
  writeFileSync(STAMP, String(process.pid));
}
