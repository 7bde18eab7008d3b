/**
 * The built app driven as a user drives it, only through the accessible names of the UI contract:
 * add a PDF and slide images, search, load the tiny test model from a folder, ask, open a page,
 * export the trajectory, reload, and search offline. No request may leave the origin meanwhile.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, MODEL_HOST, ROOT, SHARED, startApp, waitForServiceWorker, type RunningApp } from './support/app.ts';
import { handWrittenTextPdf } from './support/pdf.ts';

const PDF = resolve(SHARED, 'corpora/mmlongbench-dev/2023.acl-long.386.pdf');
const SLIDES = ['slide_1_1024.jpg', 'slide_2_1024.jpg'].map((f) => resolve(SHARED, 'corpora/vrag-slides', f));
const TINY_VLM = resolve(ROOT, 'test/models/generated/tiny-qwen2-vl');
const NAMES = ['2023.acl-long.386.pdf', 'slide_1_1024.jpg', 'slide_2_1024.jpg'];

const region = (page: Page, name: string) => page.getByRole('region', { name, exact: true });
const documents = (page: Page) => page.getByRole('list', { name: 'Documents', exact: true });
const searchResults = (page: Page) => page.getByRole('list', { name: 'Search results', exact: true });

async function waitForLibrary(page: Page, names: string[]): Promise<void> {
  for (const name of names) await documents(page).getByRole('button', { name: `Delete ${name}`, exact: true }).waitFor({ timeout: 240_000 });
}

/** Every thumbnail with this alt text has decoded pixels. */
async function expectThumbnail(page: Page, alt: string): Promise<void> {
  const img = page.getByRole('img', { name: alt, exact: true }).first();
  await img.waitFor();
  await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
}

async function search(page: Page, query: string): Promise<void> {
  const box = page.getByLabel('Search pages', { exact: true });
  await box.fill(query);
  await box.press('Enter');
  await searchResults(page).getByRole('listitem').first().waitFor({ timeout: 60_000 });
}

describe('the app in Chromium, as a user uses it', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => app?.close());

  it('ingests, searches, loads a model from a folder, asks, cites, exports, survives a reload and works offline', async () => {
    const { page, context } = app;
    // The hub is unreachable here (as it is without internet): the first run says so and how to load a folder.
    await context.route(`${MODEL_HOST}/**`, (route) => route.abort('internetdisconnected'));
    await page.goto(app.base);
    await page.getByRole('heading', { name: 'Library', exact: true }).waitFor();
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'No model could be downloaded' }).count(), { timeout: 20_000 }).toBe(1);
    const startup = app.requests.length;

    // Ingest: a real PDF and two slide images through the file picker.
    await page.getByLabel('Add documents', { exact: true }).setInputFiles([PDF, ...SLIDES]);
    await waitForLibrary(page, NAMES);
    const list = documents(page);
    await expect.poll(() => list.getByRole('listitem').count()).toBe(3);
    await expect.poll(() => list.textContent()).toMatch(/\d+ pages/);
    for (const name of NAMES) await expectThumbnail(page, `${name} page 1`);
    await expect.poll(() => region(page, 'Library').textContent()).toMatch(/ used of /);

    await search(page, 'language model');
    await expectThumbnail(page, `${NAMES[0]} page 1`);
    await app.screenshot('library');

    // A model from a folder (webkitdirectory upload), in the Models and settings panel.
    await page.getByRole('button', { name: 'Models and settings', exact: true }).click();
    // A short episode: the tiny model is random, so its replies only need to reach the loop's end.
    await page.getByLabel('Max actions', { exact: true }).fill('3');
    await page.getByLabel('Max new tokens', { exact: true }).fill('16');
    await page.getByRole('button', { name: 'Save settings', exact: true }).click();
    await page.getByLabel('Load a model from a folder', { exact: true }).setInputFiles(TINY_VLM);
    const models = region(page, 'Models and settings');
    await expect.poll(() => models.textContent(), { timeout: 180_000 }).toMatch(/Loaded .+ on (WebGPU|WASM) \((f16|f32)\)/);
    await expect.poll(() => page.getByRole('list', { name: 'Models on this device', exact: true }).textContent()).toContain('tiny-qwen2-vl');
    await app.screenshot('models');
    expect(await page.getByRole('alert').filter({ hasText: 'No model could be downloaded' }).count()).toBe(0);

    // Ask: the random model's trace runs to an end.
    await page.getByLabel('Question', { exact: true }).fill('What is the main contribution of the paper?');
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    const answer = region(page, 'Answer');
    await expect.poll(() => page.getByRole('button', { name: 'Stop', exact: true }).isEnabled(), { timeout: 180_000 }).toBe(false);
    // Greedy decoding of the random model is deterministic: it never produces a valid <answer>.
    await expect.poll(() => answer.textContent(), { timeout: 180_000 }).toContain('No answer found');
    const trace = page.getByRole('log', { name: 'Reasoning trace', exact: true });
    expect((await trace.textContent())!.length).toBeGreaterThan(0);
    await app.screenshot('trace');

    const ingestAndAsk = app.foreignRequests().filter((url) => app.requests.indexOf(url) >= startup);
    expect(ingestAndAsk).toEqual([]);

    // A citation when the model showed a page; else a search result. Both open the page viewer.
    const citation = answer.getByRole('button', { name: /^Open .+ page \d+$/ });
    if ((await citation.count()) > 0) await citation.first().click();
    else await searchResults(page).getByRole('button').first().click();
    const viewer = page.getByRole('dialog', { name: /page \d+$/ });
    await viewer.waitFor();
    await expect.poll(() => viewer.getByRole('img').first().evaluate((el) => (el as HTMLImageElement).naturalWidth ?? 1)).toBeGreaterThan(0);
    await app.screenshot('page-viewer');
    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'hidden' });

    // Export the trajectory.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export trajectory (JSON)', exact: true }).click()]);
    const saved = resolve(ARTIFACTS, 'trajectory.json');
    await download.saveAs(saved);
    const trajectory = JSON.parse(readFileSync(saved, 'utf8')) as { question?: string; turns?: unknown[] };
    expect(trajectory.question).toBe('What is the main contribution of the paper?');
    expect(trajectory.turns!.length).toBeGreaterThan(0);

    // The library is still there after a reload…
    await page.reload();
    await waitForLibrary(page, NAMES);
    // …and offline, once the service worker has everything.
    await waitForServiceWorker(page);
    await context.setOffline(true);
    await page.reload();
    await waitForLibrary(page, NAMES);
    await search(page, 'language model');
    await context.setOffline(false);

    await page.setViewportSize({ width: 390, height: 844 });
    await app.screenshot('narrow-390');
    // Over the whole session, only the model host's availability probe left the origin (and failed: no internet here).
    expect(app.requestsBeyondModelHost()).toEqual([]);
    expect(app.problems.filter((p) => !p.includes(MODEL_HOST))).toEqual([]);
  });

  it('shows text and names from documents inert: no markup from a PDF reaches the DOM', async () => {
    const { page } = app;
    await page.goto(app.base);
    await page.getByRole('heading', { name: 'Library', exact: true }).waitFor();
    const name = '<img src=x onerror="window.__xss=2">.pdf';
    const pdf = handWrittenTextPdf(['xsscanary <img src=x onerror="window.__xss=1">', '<script>window.__xss=3</script> xsscanary']);
    writeFileSync(resolve(ARTIFACTS, 'xss.pdf'), pdf);
    await page.getByLabel('Add documents', { exact: true }).setInputFiles({ name, mimeType: 'application/pdf', buffer: pdf });
    await waitForLibrary(page, [name]);
    await search(page, 'xsscanary onerror');
    await expect.poll(() => searchResults(page).textContent()).toContain(name);
    await page.waitForTimeout(500); // an injected onerror handler would have fired by now
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('img[src="x"], script:not([src])').count()).toBe(0);
  });
});
