import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { serializeTrajectory } from '../../src/agent/trajectory.ts';
import type { Policy, PolicyRequest, Trajectory } from '../../src/agent/types.ts';
import { unzipFiles } from '../../src/export/zip.ts';
import { startPerceptionWorker } from '../../src/perception/client.ts';
import { APP_WORKERS } from '../../src/session/workers.ts';
import { AskPanel } from '../../src/ui/ask-panel.ts';
import { PageViewer } from '../../src/ui/page-viewer.ts';
import { DEFAULT_SETTINGS } from '../../src/ui/settings-store.ts';
import { FixedRankingRetriever, ScriptedPolicy } from '../support/scripted.ts';
import { byText, shoot, slidePages, until } from './ui-support.ts';

const perception = startPerceptionWorker(APP_WORKERS.perception);
afterAll(() => perception.terminate());

const SLIDES = ['slide_6_1024.jpg', 'slide_7_1024.jpg', 'aliyun4_4.jpg'];
const pages = slidePages(SLIDES);
const XSS = '<img src=x onerror="window.__xss=1">';

function mount(policy: () => Policy) {
  const viewer = new PageViewer(pages);
  const panel = new AskPanel({
    pages,
    retriever: () => new FixedRankingRetriever({ 'travel market share': SLIDES }),
    perception,
    policies: () => ({ policy: policy(), sampling: null }),
    settings: () => ({ ...DEFAULT_SETTINGS, maxActions: 5 }),
    support: async () => 0,
    viewer,
  });
  const host = document.createElement('main');
  host.className = 'area';
  host.append(panel.element);
  document.body.append(host);
  return { panel, viewer, host };
}

const log = () => page.getByRole('log', { name: 'Reasoning trace' });

afterEach(() => {
  document.body.replaceChildren();
});

describe('asking through the Ask panel (scripted policy, real perception worker)', () => {
  it('keeps the newest step in view until the reader scrolls up, and says an error once', async () => {
    let release!: () => void;
    const gate = new Promise<void>((done) => (release = done));
    const rambling = `<think>${'I look at every part of the page once more. '.repeat(25)}</think> Still looking.`;
    mount(() => new ScriptedPolicy([rambling, rambling, rambling, rambling, async () => (await gate, Promise.reject(new Error('The model server went away.')))]));
    await page.viewport(800, 600);
    await userEvent.fill(page.getByLabelText('Question'), 'What share is online?');
    await userEvent.click(page.getByRole('button', { name: 'Ask' }));
    const trace = log().element() as HTMLElement;
    await until(() => trace.querySelectorAll('article.turn').length === 5, 'five steps');
    const atBottom = () => trace.scrollTop + trace.clientHeight >= trace.scrollHeight - 2;
    expect(trace.scrollHeight).toBeGreaterThan(trace.clientHeight * 2);
    await until(atBottom, 'the trace following the newest step');
    // The reader scrolls up to an earlier step: what comes next does not pull the view away.
    trace.scrollTop = 0;
    await until(() => trace.scrollTop === 0 && !atBottom(), 'scrolled up');
    await new Promise((done) => setTimeout(done, 50)); // the scroll event lands
    release();
    await expect.element(page.getByText('Stopped by the error shown under Answer.')).toBeInTheDocument();
    expect(trace.scrollTop).toBe(0);
    // The error is said once, under Answer; the step it stopped shows no empty model output.
    const ask = document.querySelector('.ask')!.textContent!;
    expect(ask.split('The model server went away.').length - 1).toBe(1);
    expect(page.getByRole('region', { name: 'Answer' }).element().textContent).toContain('The model server went away.');
    expect(trace.querySelector('article.turn:last-of-type .model-output')).toBeNull();

    // Exporting this unanswered run for training asks first.
    let downloads = 0;
    const realClick = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = () => void downloads++;
    try {
      await userEvent.click(page.getByText('Advanced: save, load or train on a run'));
      await userEvent.click(page.getByRole('button', { name: 'Export for training (VRAG SFT)' }));
      await expect.element(page.getByText(/ended without an answer; as training data it teaches a model to give up/)).toBeVisible();
      expect(downloads).toBe(0);
      await userEvent.click(page.getByRole('button', { name: 'Export anyway' }));
      await until(() => downloads === 1, 'the export after confirming');
    } finally {
      HTMLAnchorElement.prototype.click = realClick;
    }
  });

  it('renders thoughts, a search with thumbnails, a crop drawn on its page, an invalid action, and a cited answer that opens the viewer', async () => {
    const { panel } = mount(
      () =>
        new ScriptedPolicy([
          '<think>I need the market slide.</think>\n<search>travel market share</search>',
          '<think>The chart is on the right.</think>\n<bbox>[300, 100, 2000, 400]</bbox>',
          '<think>Hmm.</think> I will just talk.',
          '<think>It reads 37%.</think>\n<answer>37%</answer>',
        ]),
    );
    await page.viewport(1100, 1000);
    await userEvent.fill(page.getByLabelText('Question'), 'What share of the travel market is online?');
    await userEvent.click(page.getByRole('button', { name: 'Ask' }));
    const answer = page.getByRole('region', { name: 'Answer' });
    await expect.element(answer.getByText('37%', { exact: true })).toBeVisible();

    const trace = log().element();
    expect(trace.textContent).toContain('I need the market slide.');
    expect(trace.textContent).toContain('“travel market share”');
    // The search results as thumbnails, named after their pages.
    await expect.element(log().getByRole('img', { name: 'deck page 1' }).first()).toBeVisible();
    await expect.element(log().getByRole('img', { name: 'deck page 2' })).toBeVisible();
    // The crop: the zoomed image next to its page with the crop drawn as a box.
    await expect.element(log().getByRole('img', { name: 'Crop 1 of deck page 1' })).toBeVisible();
    const crop = trace.querySelector('.crop')!;
    const rect = crop.querySelector('svg rect')!;
    expect(Number(rect.getAttribute('width'))).toBeGreaterThan(100);
    await until(() => crop.querySelector('svg')!.getAttribute('viewBox') === '0 0 1024 768', 'the page figure sized to the page');
    // The box ran past the right edge: cut there, as the reference does, and said so.
    expect(crop.querySelector('.crop-figure figcaption')!.textContent).toContain('the box went past the image edge');
    // The invalid action is shown, honestly.
    expect(byText(trace, '.invalid', 'Invalid action')).toBeDefined();
    expect(panel.stopButton.disabled).toBe(true);
    await shoot('ui-ask-trace');

    // The citation opens the page viewer with the cropped region drawn on the page.
    await userEvent.click(answer.getByRole('button', { name: 'Open deck page 1' }));
    const dialog = page.getByRole('dialog', { name: 'deck page 1' });
    await expect.element(dialog).toBeVisible();
    await expect.element(dialog.getByRole('img', { name: 'deck page 1' })).toBeVisible();
    const regions = dialog.element().querySelectorAll('svg rect');
    expect(regions).toHaveLength(1);
    expect(regions[0]!.getAttribute('x')).toBe(rect.getAttribute('x'));
    await shoot('ui-page-viewer');
    await userEvent.keyboard('{Escape}');
    await expect.element(dialog).not.toBeInTheDocument();
  });

  it('Stop ends a running episode at once', async () => {
    let started = 0;
    const stuck: Policy = {
      name: 'stuck',
      vision: new ScriptedPolicy([]).vision,
      reply: (request: PolicyRequest) => {
        started++;
        request.onToken('<think>thinking very slowly');
        return new Promise<string>(() => {});
      },
    };
    const { panel } = mount(() => stuck);
    await userEvent.fill(page.getByLabelText('Question'), 'Anything?');
    await userEvent.click(page.getByRole('button', { name: 'Ask' }));
    await expect.element(page.getByRole('button', { name: 'Stop' })).toBeEnabled();
    await expect.element(log().getByText('thinking very slowly')).toBeVisible();
    await userEvent.click(page.getByRole('button', { name: 'Stop' }));
    await expect.element(page.getByRole('region', { name: 'Answer' }).getByText('Stopped before an answer was found.')).toBeVisible();
    expect(panel.askButton.disabled).toBe(false);
    expect(panel.stopButton.disabled).toBe(true);
    expect(started).toBe(1);
  });

  it('a model stuck on the same invalid action gets one red note that counts the steps', async () => {
    mount(() => new ScriptedPolicy(['I will just talk.', 'I will just talk.', 'I will just talk.', '<think>ok</think><answer>37%</answer>']));
    await userEvent.fill(page.getByLabelText('Question'), 'What share of the travel market is online?');
    await userEvent.click(page.getByRole('button', { name: 'Ask' }));
    await expect.element(page.getByRole('region', { name: 'Answer' }).getByText('37%', { exact: true })).toBeVisible();
    const log = page.getByRole('log', { name: 'Reasoning trace' }).element();
    const notes = log.querySelectorAll('.invalid');
    expect(notes).toHaveLength(1);
    expect(notes[0]!.textContent).toMatch(/\(3 steps in a row\)$/);
    expect([...log.querySelectorAll('p.muted')].filter((p) => p.textContent === 'The same invalid action as step 1.')).toHaveLength(2);
  });

  it('model text with markup stays text: no element is created and no script runs', async () => {
    mount(() => new ScriptedPolicy([`<think>${XSS}</think><search>travel market share</search>`, `<think>ok ${XSS}</think><answer>${XSS}</answer>`]));
    await userEvent.fill(page.getByLabelText('Question'), XSS);
    await userEvent.click(page.getByRole('button', { name: 'Ask' }));
    const answer = page.getByRole('region', { name: 'Answer' });
    await expect.element(answer.getByText(XSS, { exact: true })).toBeVisible();
    expect(log().element().textContent).toContain(XSS);
    await new Promise((r) => setTimeout(r, 100));
    expect(document.querySelectorAll('img[src="x"]')).toHaveLength(0);
    expect((window as unknown as { __xss?: number }).__xss).toBeUndefined();
  });

  it('a trajectory exported as JSON imports and replays step by step', async () => {
    const { panel } = mount(
      () =>
        new ScriptedPolicy([
          '<think>Search first.</think><search>travel market share</search>',
          '<think>Zoom.</think><bbox>[300, 100, 600, 400]</bbox>',
          '<think>Done.</think><answer>37%</answer>',
        ]),
    );
    await userEvent.fill(page.getByLabelText('Question'), 'What share is online?');
    await userEvent.click(page.getByRole('button', { name: 'Ask' }));
    await expect.element(page.getByRole('region', { name: 'Answer' }).getByText('37%', { exact: true })).toBeVisible();

    // Capture the exported files from the download links.
    const downloads = new Map<string, Blob>();
    const realClick = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      const name = this.download;
      void fetch(this.href).then(async (r) => downloads.set(name, await r.blob()));
    };
    try {
      await userEvent.click(page.getByText('Advanced: save, load or train on a run'));
      await userEvent.click(page.getByRole('button', { name: 'Export trajectory (JSON)' }));
      await userEvent.click(page.getByRole('button', { name: 'Export for training (VRAG SFT)' }));
      await until(() => downloads.size === 2, 'both exports');
    } finally {
      HTMLAnchorElement.prototype.click = realClick;
    }
    const json = [...downloads].find(([name]) => name.endsWith('.json'))![1];
    const exported: Trajectory = JSON.parse(await json.text());
    expect(exported.turns.map((t) => t.action?.kind)).toEqual(['search', 'bbox', 'answer']);
    // The training export: data.json with the SFT conversation and the two images it shows.
    const zip = [...downloads].find(([name]) => name.endsWith('.zip'))![1];
    const entries = await unzipFiles(zip);
    expect(entries.map((e) => e.path).sort()).toEqual(['data.json', 'images/1-img1.jpg', 'images/1-img2.png']);
    const [example] = JSON.parse(new TextDecoder().decode(entries.find((e) => e.path === 'data.json')!.data));
    expect(example.images).toEqual(['images/1-img1.jpg', 'images/1-img2.png']);
    expect(example.messages.at(-1)).toEqual({ role: 'assistant', content: exported.turns[2]!.kept });

    panel.question.value = '';
    const file = new File([serializeTrajectory(exported)], 'episode.json', { type: 'application/json' });
    await userEvent.upload(page.getByLabelText('Import trajectory'), file);
    await expect.element(page.getByText('step 1 of 3')).toBeVisible();
    expect(panel.question.value).toBe('What share is online?');
    const trace = log().element();
    expect(trace.textContent).toContain('Search first.');
    expect(trace.textContent).not.toContain('Zoom.');
    await userEvent.click(page.getByRole('button', { name: 'Next step' }));
    await expect.element(log().getByRole('img', { name: 'Crop 1 of deck page 1' })).toBeVisible();
    await userEvent.click(page.getByRole('button', { name: 'Next step' }));
    await expect.element(page.getByText('step 3 of 3')).toBeVisible();
    await expect.element(page.getByRole('region', { name: 'Answer' }).getByText('37%', { exact: true })).toBeVisible();
    expect(page.getByRole('button', { name: 'Next step' }).element()).toHaveProperty('disabled', true);
    await userEvent.click(page.getByRole('button', { name: 'Previous step' }));
    await expect.element(page.getByText('step 2 of 3')).toBeVisible();
  });
});
