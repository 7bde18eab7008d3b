/**
 * The built app driven as a user drives it, only through the accessible names of the UI contract:
 * add a PDF and slide images, search, load the scripted test VLM from a folder, ask, open the cited
 * page with the crops drawn on it, export the trajectory, reload, and search offline. No request
 * may leave the origin meanwhile.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, MODEL_HOST, ROOT, SHARED, startApp, waitForServiceWorker, type RunningApp } from './support/app.ts';
import { handWrittenTextPdf } from './support/pdf.ts';
import { SLIDE_SCRIPT } from '../../scripts/test-models/slide-script.ts';

const PDF = resolve(SHARED, 'corpora/mmlongbench-dev/2023.acl-long.386.pdf');
const SLIDES = ['slide_1_1024.jpg', 'slide_3_1024.jpg'].map((f) => resolve(SHARED, 'corpora/vrag-slides', f));
const SCRIPTED_VLM = resolve(ROOT, 'test/models/generated/scripted-qwen2.5-vl');
const NAMES = ['2023.acl-long.386.pdf', 'slide_1_1024.jpg', 'slide_3_1024.jpg'];

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
    // The hub is unreachable here (as it is without internet). The first run says a model is needed
    // and how to get one, without asking the model host anything: no request leaves the page unasked.
    await context.route(`${MODEL_HOST}/**`, (route) => route.abort('internetdisconnected'));
    await page.goto(app.base);
    await page.getByRole('heading', { name: 'Library', exact: true }).waitFor();
    const needed = page.getByRole('note', { name: 'A model is needed' });
    await expect.poll(() => needed.count(), { timeout: 20_000 }).toBe(1);
    expect(app.foreignRequests()).toEqual([]);
    const startup = app.requests.length;

    // Ingest: a real PDF and two slide images through the file picker.
    await page.getByLabel('Add documents', { exact: true }).setInputFiles([PDF, ...SLIDES]);
    // Two slide images: offered as one deck; here each stays its own document.
    await page.getByRole('group', { name: /2 page images: keep them together/ }).getByRole('button', { name: 'Separate documents' }).click();
    await waitForLibrary(page, NAMES);
    const list = documents(page);
    await expect.poll(() => list.getByRole('listitem').count()).toBe(3);
    await expect.poll(() => list.textContent()).toMatch(/\d+ pages/);
    for (const name of NAMES) await expectThumbnail(page, `${name} page 1`);
    await expect.poll(() => region(page, 'Library').textContent()).toMatch(/ used of /);

    await search(page, 'language model');
    await expectThumbnail(page, `${NAMES[0]} page 1`);
    await app.screenshot('library');

    // A model from a folder (webkitdirectory upload), in the Models and settings panel, which the
    // first-run notice opens.
    await needed.getByRole('button', { name: 'Load a model from a folder', exact: true }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Models and settings', exact: true }).getAttribute('aria-expanded')).toBe('true');
    // The cursor is on the step the notice names, not on a download that cannot work offline.
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).toBe('file');
    await page.getByLabel('Load a model from a folder', { exact: true }).setInputFiles(SCRIPTED_VLM);
    const models = region(page, 'Models and settings');
    // This machine's only WebGPU adapter is SwiftShader, a software renderer: automatic picks WASM.
    await expect.poll(() => models.textContent(), { timeout: 180_000 }).toMatch(/Loaded scripted-qwen2\.5-vl on WASM \(f32\)/);
    await expect.poll(() => page.getByRole('list', { name: 'Models on this device', exact: true }).textContent()).toContain('scripted-qwen2.5-vl');
    await app.screenshot('models');
    expect(await needed.count()).toBe(0);

    // Ask: the scripted model searches, crops the table twice and answers.
    await page.getByLabel('Question', { exact: true }).fill(SLIDE_SCRIPT.question);
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    const answer = region(page, 'Answer');
    await expect.poll(() => answer.textContent(), { timeout: 180_000 }).toContain(SLIDE_SCRIPT.answer);
    const trace = page.getByRole('log', { name: 'Reasoning trace', exact: true });
    await expect.poll(() => trace.textContent()).toContain(SLIDE_SCRIPT.query);
    await app.screenshot('trace');

    const ingestAndAsk = app.foreignRequests().filter((url) => app.requests.indexOf(url) >= startup);
    expect(ingestAndAsk).toEqual([]);

    // The answer cites the slide; the citation opens it with both crops outlined, coarse to fine.
    await answer.getByRole('button', { name: 'Open slide_3_1024.jpg page 1', exact: true }).click();
    const viewer = page.getByRole('dialog', { name: 'slide_3_1024.jpg page 1' });
    await viewer.waitFor();
    await expect.poll(() => viewer.getByRole('img').first().evaluate((el) => (el as HTMLImageElement).naturalWidth ?? 1)).toBeGreaterThan(0);
    await expect.poll(() => viewer.textContent()).toContain('2 regions, coarse to fine, the model zoomed into are outlined.');
    expect(await viewer.locator('.region').count()).toBe(2);
    await app.screenshot('page-viewer');
    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'hidden' });

    // Export the trajectory.
    await page.getByText('Advanced: save, load or train on a run').click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export trajectory (JSON)', exact: true }).click()]);
    const saved = resolve(ARTIFACTS, 'trajectory.json');
    await download.saveAs(saved);
    const trajectory = JSON.parse(readFileSync(saved, 'utf8')) as { question?: string; turns?: { action: { kind: string } | null }[]; outcome?: unknown };
    expect(trajectory.question).toBe(SLIDE_SCRIPT.question);
    expect(trajectory.turns!.map((t) => t.action?.kind)).toEqual(['search', 'bbox', 'bbox', 'answer']);
    expect(trajectory.outcome).toEqual({ status: 'answered', answer: SLIDE_SCRIPT.answer });

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
