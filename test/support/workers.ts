/**
 * Which code the model workers run in a browser test: the dev server's modules, or the production
 * build's minified bundles (test/support/production-build.ts), where class and function names are
 * gone. The model worker tests run on the production bundle (what users get); the UI tests run the
 * dev modules, and the RPC tests both.
 */
import type { WorkerFactory } from '../../src/rpc/spawn.ts';
import { APP_WORKERS, type WorkerName } from '../../src/session/workers.ts';

export type Bundle = 'dev' | 'production';

export const BUNDLES: readonly Bundle[] = ['dev', 'production'];

const BUILD = '/__production__/';
let bundles: Promise<Record<string, string>> | null = null;

/** A worker factory for `name` ('vlm', 'embed', ...): the app's own (dev modules), or the production build's bundle. */
export async function workerFactory(name: WorkerName, bundle: Bundle): Promise<WorkerFactory> {
  if (bundle === 'dev') return APP_WORKERS[name];
  bundles ??= fetch(`${BUILD}workers.json`).then((r) => {
    if (!r.ok) throw new Error('The production build for tests is missing (test/support/production-build.ts).');
    return r.json();
  });
  const path = (await bundles)[name];
  if (!path) throw new Error(`The production build has no ${name} worker.`);
  return () => new Worker(`${BUILD}${path}`, { type: 'module' });
}
