import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright';
import { describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.ts';
import { SLIDE_SCRIPT } from '../../scripts/test-models/slide-script.ts';
import { unzipFiles } from '../../src/export/zip.ts';
import { parseCsv } from '../../src/report/batch.ts';
import { runCli, SCRIPTED_VLM, SHARED } from './run.ts';

const SLIDES = `${SHARED}/corpora/vrag-slides`;
/** OCR of the slide alone takes minutes on a busy 2-core machine: a longer leash than runCli's. */
const BATCH_LIMIT_MS = 540_000;

const runBatchCli = (args: string[]) => runCli('ask', args, BATCH_LIMIT_MS);

describe('npm run ask -- --questions', () => {
  it('runs a batch through the headless app and writes a self-contained report, the CSV and the Markdown zip', { timeout: BATCH_LIMIT_MS + 30_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vrag-batch-'));
    const questions = join(dir, 'questions.csv');
    const second = 'Which <b>country</b> grows fastest, "by CAGR"?';
    writeFileSync(questions, `question,answer,pages\n"${SLIDE_SCRIPT.question}",13%,${SLIDE_SCRIPT.page}:1\n"${second.replace(/"/g, '""')}",14%,slide_6_1024.jpg:1\n`);
    const [report, csv, markdown] = ['report.html', 'answers.csv', 'report.zip'].map((f) => join(dir, f)) as [string, string, string];
    const { code, stdout, stderr } = await runBatchCli([
      '--docs', `${SLIDES}/${SLIDE_SCRIPT.page}`, '--docs', `${SLIDES}/slide_6_1024.jpg`,
      '--model', SCRIPTED_VLM, '--device', 'wasm', '--max-new-tokens', '96',
      '--questions', questions, '--report', report, '--csv', csv, '--markdown', markdown,
    ]);
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(stdout).toMatch(/\[1\/2\] answered: 13\.0% \(.* s, correct, about \d+ s left\)/);
    expect(stdout).toMatch(/\[2\/2\] answered: 13\.0% \(.* s, wrong\)/);
    expect(stdout).toContain(`wrote ${report}`);

    // The CSV: one row per question, graded by the rules, with the retrieval hit.
    const rows = parseCsv(readFileSync(csv, 'utf8')).filter((r) => r.length > 1);
    expect(rows[0]).toEqual(['question', 'answer', 'pages', 'time_s', 'status', 'expected', 'verdict', 'retrieval_hit']);
    expect(rows[1]).toEqual([SLIDE_SCRIPT.question, '13.0%', `${SLIDE_SCRIPT.page} p. 1`, expect.stringMatching(/^\d+\.\d$/), 'answered', '13%', 'correct', 'hit']);
    expect(rows[2]!.slice(0, 2)).toEqual([second, '13.0%']);
    expect(rows[2]!.slice(4)).toEqual(['answered', '14%', 'wrong', 'miss']);

    // The report opens offline in a fresh browser: the answer, the cited page and the crops as decoded images, no script, no request.
    const html = readFileSync(report, 'utf8');
    expect(html).not.toMatch(/<script/i);
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    try {
      const context = await browser.newContext({ offline: true });
      const page = await context.newPage();
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(report).href);
      const seen = await page.evaluate(() => ({
        scripts: document.scripts.length,
        sections: [...document.querySelectorAll('section.question')].map((s) => ({
          heading: s.querySelector('h2')!.textContent,
          answer: s.querySelector('.answer')!.textContent,
          images: [...s.querySelectorAll('img')].map((img) => ({ alt: img.alt, width: img.naturalWidth, data: img.src.startsWith('data:image/') })),
          rects: s.querySelectorAll('.shot rect').length,
          trace: s.querySelector('details ol.trace')?.children.length ?? 0,
        })),
      }));
      expect(seen.scripts).toBe(0);
      expect(seen.sections).toHaveLength(2);
      const [first, other] = seen.sections as [(typeof seen.sections)[number], (typeof seen.sections)[number]];
      expect(first.heading).toBe(`1. ${SLIDE_SCRIPT.question}`);
      expect(other.heading).toBe(`2. ${second}`);
      expect(first.answer).toBe(SLIDE_SCRIPT.answer);
      expect(first.images.map((i) => i.alt)).toEqual([`${SLIDE_SCRIPT.page} p. 1`, `${SLIDE_SCRIPT.page} p. 1, zoom 1`, `${SLIDE_SCRIPT.page} p. 1, zoom 2`]);
      expect(first.images.every((i) => i.data && i.width > 0)).toBe(true);
      expect(first.images[0]!.width).toBe(SLIDE_SCRIPT.pageSize.width);
      expect(first.rects).toBe(2);
      expect(first.trace).toBe(4);
      expect(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'))).toEqual([]);
    } finally {
      await browser.close();
    }

    // Markdown with its images.
    const files = await unzipFiles(new Blob([readFileSync(markdown)]));
    const md = new TextDecoder().decode(files.find((f) => f.path === 'report.md')!.data);
    expect(md).toContain('**Answer:** 13\\.0%');
    const images = files.filter((f) => f.path.startsWith('images/'));
    expect(images.length).toBeGreaterThanOrEqual(3);
    for (const image of images) expect(md).toContain(`](${image.path})`);
  });

  it('refuses a question list with no question, before starting the browser', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vrag-batch-'));
    writeFileSync(join(dir, 'q.txt'), '\n# nothing\n');
    const { code, stderr } = await runCli('ask', ['--docs', `${SLIDES}/${SLIDE_SCRIPT.page}`, '--questions', join(dir, 'q.txt'), '--report', join(dir, 'r.html')]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/q\.txt: The question list holds no question\./);
  });
});
