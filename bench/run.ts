/**
 * npm run bench [-- --only search,retrieval,models,prefill,agent,ingest,indexGrowth,perception,ocr]: runs the Node benchmarks and the
 * in-browser ones (headless Debian Chromium, WebGPU on) and prints ONE JSON object.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.ts';
import { generateTestModels } from '../scripts/test-models/generate.ts';

const ROOT = resolve(import.meta.dirname, '..');
const SHARED = resolve(ROOT, '../shared');
const NODE_BENCHES = ['search', 'retrieval'];
const BROWSER_BENCHES = ['models', 'prefill', 'agent', 'ingest', 'indexGrowth', 'perception', 'ocr'];
const PERCEPTION_SLIDES = ['aliyun4_10.jpg', 'slide_3_1024.jpg'];

/** The VRAG-RL demo's PIL observation path on the same slides, run with Debian's python3-pil. */
function pilReference(): Record<string, { median_ms: number }> | { error: string } {
  const out: Record<string, { median_ms: number }> = {};
  for (const name of PERCEPTION_SLIDES) {
    const run = spawnSync('/usr/bin/python3', [resolve(SHARED, 'bench/pil_observation.py'), resolve(SHARED, 'corpora/vrag-slides', name), '9'], { encoding: 'utf8' });
    if (run.status !== 0) return { error: `python3-pil reference failed: ${run.stderr.trim().split('\n').at(-1)}` };
    out[name] = JSON.parse(run.stdout.trim());
  }
  return out;
}

const onlyArg = process.argv.indexOf('--only');
const only = onlyArg >= 0 ? process.argv[onlyArg + 1]!.split(',') : [...NODE_BENCHES, ...BROWSER_BENCHES];

function nodeBench(name: string): unknown {
  const run = spawnSync(process.execPath, ['--import', 'tsx', resolve(ROOT, `bench/${name}.bench.ts`)], { cwd: ROOT, encoding: 'utf8' });
  if (run.status !== 0) return { error: run.stderr.trim().split('\n').slice(-3).join(' ') };
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!);
}

/** Marks this run's browser process so other Chromium instances on the machine are not counted. */
const MARKER = `--vrag-bench=${process.pid}`;

function readProc(pid: string, file: string): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return ''; // the process ended while being read
  }
}

/** Resident memory of the browser under test: its main process and every descendant. */
function browserRssBytes(): number {
  const pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  const children = new Map<string, string[]>();
  for (const pid of pids) {
    const parent = /^\d+ \(.*\) \S+ (\d+)/.exec(readProc(pid, 'stat'))?.[1];
    if (parent) children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const queue = pids.filter((pid) => readProc(pid, 'cmdline').split('\0').includes(MARKER));
  let total = 0;
  for (const seen = new Set<string>(); queue.length; ) {
    const pid = queue.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    const rss = /VmRSS:\s+(\d+) kB/.exec(readProc(pid, 'status'));
    total += rss ? Number(rss[1]) * 1024 : 0;
    queue.push(...(children.get(pid) ?? []));
  }
  return total;
}

async function browserBenches(names: string[]): Promise<Record<string, unknown>> {
  generateTestModels();
  const server = await createServer({
    root: ROOT,
    configFile: resolve(ROOT, 'vite.config.ts'),
    logLevel: 'error',
    server: { port: 0, host: '127.0.0.1', fs: { allow: [ROOT, SHARED] } },
    define: { __SHARED_DIR__: JSON.stringify(SHARED) },
  });
  await server.listen();
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, MARKER] });
  const peaks: Record<string, number> = {};
  let phase: string | null = null;
  const sampler = setInterval(() => {
    if (phase) peaks[phase] = Math.max(peaks[phase] ?? 0, browserRssBytes());
  }, 100);
  try {
    const page = await browser.newPage();
    await page.exposeFunction('benchPhase', (name: string | null) => {
      phase = name;
      if (name) peaks[name] = browserRssBytes();
    });
    page.on('pageerror', (e) => console.error('bench page error:', e.message));
    const url = `${server.resolvedUrls!.local[0]}bench/browser/index.html?only=${names.join(',')}`;
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as { benchDone?: boolean }).benchDone, undefined, { timeout: 20 * 60_000, polling: 500 });
    const results = (await page.evaluate(() => (window as unknown as { benchResults: Record<string, unknown> }).benchResults)) as Record<string, Record<string, unknown>>;
    for (const [name, bytes] of Object.entries(peaks)) {
      const [bench, key] = name.split(':');
      if (results[bench!] && key) results[bench!]![key] = Math.round(bytes / 2 ** 20);
    }
    return results;
  } finally {
    clearInterval(sampler);
    await browser.close();
    await server.close();
  }
}

const started = performance.now();
const output: Record<string, unknown> = { machine: { node: process.version, cores: (await import('node:os')).cpus().length } };
for (const name of only.filter((n) => NODE_BENCHES.includes(n))) output[name] = nodeBench(name);
const inBrowser = only.filter((n) => BROWSER_BENCHES.includes(n));
if (inBrowser.length) Object.assign(output, await browserBenches(inBrowser));
if (inBrowser.includes('perception')) {
  const reference = pilReference();
  const ours = output.perception as Record<string, { observationMs: number; backToBackMs: number }> | undefined;
  const ratio = (app: number | null, pil: number | null) => (app !== null && pil ? Math.round((app / pil) * 100) / 100 : null);
  output.perceptionVsPil = Object.fromEntries(
    PERCEPTION_SLIDES.map((name) => {
      const pil = 'error' in reference ? null : reference[name]!.median_ms;
      const app = ours?.[name]?.observationMs ?? null;
      const backToBack = ours?.[name]?.backToBackMs ?? null;
      return [name, { appMs: app, pilMs: pil, ratio: ratio(app, pil), backToBackRatio: ratio(backToBack, pil), ...('error' in reference ? { error: reference.error } : {}) }];
    }),
  );
}
output.totalSeconds = Math.round((performance.now() - started) / 100) / 10;
console.log(JSON.stringify(output));
