/**
 * Runs the built app headless for the command-line tools (eval, ask): builds it with the headless
 * entry page, serves the build, opens it in Debian's Chromium (WebGPU on) and hands documents and
 * local model folders to the page the way a browser would fetch them.
 *
 * The browser always runs on a profile on disk: a folder the user names (`--profile`, kept, so a
 * library ingested once is found by the next run), or a temporary one deleted at close. Chromium's
 * in-memory contexts refuse writes past about 1.5 GB ("Browser storage is full" a few thousand
 * pages into a corpus); a profile on disk has the disk's quota.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium.ts';
import { UsageError } from './args.ts';

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
  '.md': 'text/markdown',
  '.markdown': 'text/markdown',
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

/** The file that marks a folder as a profile of these tools and holds its port. */
export const PROFILE_FILE = 'vrag-headless.json';
/** Ports a new profile picks from: below Linux's ephemeral range, so outgoing connections rarely hold them. */
const PORT_RANGE = [20000, 32000] as const;

function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const probe = createServer()
      .once('error', () => done(false))
      .once('listening', () => probe.close(() => done(true)));
    probe.listen(port, '127.0.0.1');
  });
}

function readPort(file: string): unknown {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { port?: unknown } | null)?.port;
  } catch {
    return undefined;
  }
}

/**
 * The port a profile's app is served on, chosen when the profile is made and kept in it: browser
 * storage belongs to an origin (host and port), so the library is found again only at the same
 * address. A folder that is neither new, empty nor a profile is refused rather than filled with
 * Chromium's files.
 */
export async function profilePort(dir: string): Promise<number> {
  const file = join(dir, PROFILE_FILE);
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UsageError(`--profile ${dir} is a file; name a folder (new, or one an earlier run used).`);
  if (existsSync(file)) {
    const port = readPort(file);
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1024 || port > 65535) {
      throw new UsageError(`${file} is damaged (no valid "port"). Delete the folder ${dir} to start a new profile (its stored library is lost).`);
    }
    return port;
  }
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new UsageError(`--profile ${dir} is not empty and holds no ${PROFILE_FILE}, so it is not a profile of eval or ask. Name a new or empty folder, or one an earlier run used.`);
  }
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = PORT_RANGE[0] + Math.floor(Math.random() * (PORT_RANGE[1] - PORT_RANGE[0]));
    if (!(await portIsFree(port))) continue;
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, `${JSON.stringify({ port, note: 'The headless app of npm run eval/ask is served on this port so that its stored library (IndexedDB, per origin) is found again.' }, null, 2)}\n`);
    return port;
  }
  throw new Error(`No free port between ${PORT_RANGE[0]} and ${PORT_RANGE[1]} for the profile ${dir}.`);
}

export interface HeadlessOptions {
  log: (line: string) => void;
  reuseBuild?: boolean;
  /** A profile folder to keep the browser's storage (the library, cached models) in between runs. */
  profile?: string;
}

export async function openHeadlessApp(options: HeadlessOptions): Promise<HeadlessApp> {
  if (!(options.reuseBuild && existsSync(join(OUT_DIR, 'eval/index.html')))) {
    options.log('building the app…');
    await buildApp(true);
  }
  const profile = options.profile ? resolve(options.profile) : null;
  const port = profile ? await profilePort(profile) : 0;
  const server: PreviewServer = await preview({
    root: ROOT,
    configFile: resolve(ROOT, 'vite.config.ts'),
    logLevel: 'error',
    build: { outDir: OUT_DIR },
    preview: { port, host: '127.0.0.1', strictPort: profile !== null },
  }).catch((error: unknown) => {
    if (!profile) throw error;
    throw new UsageError(
      `The profile ${profile} keeps its library at http://127.0.0.1:${port}/ (browser storage belongs to that address), and port ${port} is in use: ` +
        `is another eval or ask run using this profile? Wait for it to end, or stop the program holding port ${port}. (${error instanceof Error ? error.message : String(error)})`,
    );
  });
  const base = server.resolvedUrls!.local[0]!;
  const userDataDir = profile ?? mkdtempSync(join(tmpdir(), 'vrag-headless-profile-'));
  const removeTemporary = () => {
    try {
      if (!profile) rmSync(userDataDir, { recursive: true, force: true });
    } catch {
      // Best effort: a temporary folder left behind is the system's to clean.
    }
  };
  process.once('exit', removeTemporary);
  let context: BrowserContext | null = null;
  try {
    if (profile) options.log(`browser profile: ${profile} (the library is kept there; the app is served at ${base})`);
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => options.log(`page error: ${e.message}`));
    page.on('console', (m) => {
      // The installable app's manifest means nothing here (a profile on disk makes Chromium read it and complain).
      if (m.type() === 'error' && !m.text().startsWith('Manifest:')) options.log(`console: ${m.text()}`);
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
        await context?.close();
        removeTemporary();
        await new Promise<void>((done) => server.httpServer.close(() => done()));
      },
    };
  } catch (error) {
    await context?.close();
    removeTemporary();
    server.httpServer.close();
    throw error;
  }
}
