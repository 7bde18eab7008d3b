/**
 * A batch in the built app, as a user runs one (issue 29): load the scripted VLM from a folder, add
 * the slide, paste two questions with expected answers, run, reload after the first one finished,
 * resume, export the report, and open the report offline in a fresh browser context: the answer,
 * the cited page and the crops as images, no script, no request.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLIDE_SCRIPT } from '../../scripts/test-models/slide-script.ts';
import { ARTIFACTS, MODEL_HOST, ROOT, SHARED, startApp, type RunningApp } from './support/app.ts';

const SLIDE = resolve(SHARED, 'corpora/vrag-slides', SLIDE_SCRIPT.page);
const SCRIPTED_VLM = resolve(ROOT, 'test/models/generated/scripted-qwen2.5-vl');

const statuses = (page: Page) => page.locator('.batch-table tbody tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.status));

describe('a batch of questions in the app', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => app?.close());

  it('runs, survives a reload mid-batch, resumes, and exports a report that opens offline', { timeout: 900_000 }, async () => {
    const step = (what: string) => console.log(`[batch e2e ${new Date().toISOString().slice(11, 19)}] ${what}`);
    const { page, context } = app;
    await context.route(`${MODEL_HOST}/**`, (route) => route.abort('internetdisconnected'));
    await page.goto(app.base);
    await page.getByRole('heading', { name: 'Library', exact: true }).waitFor();

    await page.getByLabel('Add documents', { exact: true }).setInputFiles([SLIDE]);
    await page.getByRole('list', { name: 'Documents', exact: true }).getByRole('button', { name: `Delete ${SLIDE_SCRIPT.page}`, exact: true }).waitFor({ timeout: 400_000 });

    step('ingested');
    await page.getByRole('button', { name: 'Models and settings', exact: true }).click();
    await page.getByLabel('Load a model from a folder', { exact: true }).setInputFiles(SCRIPTED_VLM);
    const models = page.getByRole('region', { name: 'Models and settings', exact: true });
    await expect.poll(() => models.textContent(), { timeout: 180_000 }).toMatch(/Loaded scripted-qwen2\.5-vl/);
    await page.getByRole('button', { name: 'Hide models and settings', exact: true }).click();

    step('model loaded');
    await page.getByText('Batch of questions', { exact: true }).click();
    await page.getByLabel('Questions', { exact: true }).fill(`question,answer,pages\n"${SLIDE_SCRIPT.question}",13%,1\nWhich <b>row</b> is India?,14%,\nThird question?\nFourth question?\n`);
    await page.getByRole('button', { name: 'Run batch', exact: true }).click();
    await expect.poll(async () => (await statuses(page))[0], { timeout: 180_000, interval: 20 }).toBe('answered');
    // A reload in the middle: the batch is still there, the unfinished question waits for Resume.
    await page.reload();
    await page.getByText('Batch of questions', { exact: true }).click();
    await expect.poll(() => statuses(page), { timeout: 60_000 }).toContain('waiting');
    expect((await statuses(page))[0]).toBe('answered');
    await app.screenshot('batch-reloaded');
    // The model loaded last loads again by itself (from its stored folder); Resume once it has.
    await page.getByRole('button', { name: 'Models and settings', exact: true }).click();
    await expect.poll(() => models.textContent(), { timeout: 180_000 }).toMatch(/Loaded scripted-qwen2\.5-vl/);
    await page.getByRole('button', { name: 'Hide models and settings', exact: true }).click();
    step('reloaded, model loaded again');
    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await expect.poll(() => statuses(page), { timeout: 180_000 }).toEqual(['answered', 'answered', 'answered', 'answered']);
    step('batch done');
    await app.screenshot('batch-done');
    const cells = await page.locator('.batch-table tbody tr').first().locator('td').allTextContents();
    expect(cells.slice(-3)).toEqual(['13%', 'correct', 'hit']);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export report', exact: true }).click()]);
    const saved = resolve(ARTIFACTS, 'batch-report.html');
    await download.saveAs(saved);
    const html = readFileSync(saved, 'utf8');
    expect(html).not.toMatch(/<script/i);
    expect(app.requestsBeyondModelHost()).toEqual([]);

    // The report in a fresh, offline context.
    const reader = await app.browser.newContext({ offline: true });
    try {
      const view = await reader.newPage();
      const requests: string[] = [];
      view.on('request', (r) => requests.push(r.url()));
      await view.setContent(html);
      const seen = await view.evaluate(() => ({
        scripts: document.scripts.length,
        answers: [...document.querySelectorAll('section.question .answer')].map((a) => a.textContent),
        headings: [...document.querySelectorAll('section.question h2')].map((a) => a.textContent),
        pages: [...document.querySelectorAll('.shot img')].map((i) => (i as HTMLImageElement).naturalWidth),
        crops: document.querySelectorAll('.crop').length,
      }));
      expect(seen.scripts).toBe(0);
      expect(seen.answers).toEqual(Array(4).fill(SLIDE_SCRIPT.answer));
      expect(seen.headings[1]).toBe('2. Which <b>row</b> is India?');
      expect(seen.pages.length).toBe(4);
      expect(seen.pages.every((w) => w > 0)).toBe(true);
      expect(seen.crops).toBe(8);
      expect(requests.filter((u) => !u.startsWith('data:') && u !== 'about:blank')).toEqual([]);
      await view.screenshot({ path: resolve(ARTIFACTS, 'batch-report.png'), fullPage: true });
    } finally {
      await reader.close();
    }
  });
});
