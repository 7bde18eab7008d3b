import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { followUpQuestion, userPrompt } from '../../src/agent/protocol.ts';
import { serializeTrajectory } from '../../src/agent/trajectory.ts';
import type { Policy, PolicyRequest, Trajectory } from '../../src/agent/types.ts';
import { unzipFiles } from '../../src/export/zip.ts';
import { startPerceptionWorker } from '../../src/perception/client.ts';
import { APP_WORKERS } from '../../src/session/workers.ts';
import { AskPanel } from '../../src/ui/ask-panel.ts';
import type { PageSource } from '../../src/ui/page-source.ts';
import { PageViewer } from '../../src/ui/page-viewer.ts';
import { DEFAULT_SETTINGS } from '../../src/ui/settings-store.ts';
import { FixedRankingRetriever, ScriptedPolicy, scriptedRoad } from '../support/scripted.ts';
import { byText, shoot, slidePages, until } from './ui-support.ts';

const perception = startPerceptionWorker(APP_WORKERS.perception);
afterAll(() => perception.terminate());

const SLIDES = ['slide_6_1024.jpg', 'slide_7_1024.jpg', 'aliyun4_4.jpg'];
const pages = slidePages(SLIDES);
const XSS = '<img src=x onerror="window.__xss=1">';

function mount(policy: () => Policy, source: PageSource = pages) {
  const viewer = new PageViewer(source);
  const panel = new AskPanel({
    pages: source,
    ...scriptedRoad({ retriever: () => new FixedRankingRetriever({ 'travel market share': SLIDES }), perception, answerer: () => ({ policy: policy(), sampling: null }), support: async () => 0 }, 5),
    settings: () => ({ ...DEFAULT_SETTINGS, maxActions: 5 }),
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
    await userEvent.fill(page.getByLabelText('Question', { exact: true }), 'What share is online?');
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
    await userEvent.fill(page.getByLabelText('Question', { exact: true }), 'What share of the travel market is online?');
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
    await userEvent.fill(page.getByLabelText('Question', { exact: true }), 'Anything?');
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
    await userEvent.fill(page.getByLabelText('Question', { exact: true }), 'What share of the travel market is online?');
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
    await userEvent.fill(page.getByLabelText('Question', { exact: true }), XSS);
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
    await userEvent.fill(page.getByLabelText('Question', { exact: true }), 'What share is online?');
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

  it('on a Mac the hint says ⌘+Enter, and the shortcut is announced as Meta+Enter', async () => {
    // What Chromium on a Mac reports (client hints first, navigator.platform in other browsers).
    Object.defineProperty(navigator, 'userAgentData', { configurable: true, value: { platform: 'macOS' } });
    try {
      mount(() => new ScriptedPolicy(['<think>Known.</think><answer>37%</answer>']));
    } finally {
      delete (navigator as { userAgentData?: unknown }).userAgentData;
    }
    await expect.element(page.getByText('⌘+Enter asks')).toBeVisible();
    await expect.element(page.getByRole('button', { name: 'Ask', exact: true })).toHaveAttribute('aria-keyshortcuts', 'Meta+Enter');
    await expect.element(page.getByLabelText('Question', { exact: true })).toHaveAttribute('aria-keyshortcuts', 'Meta+Enter');
    await userEvent.click(page.getByLabelText('Question', { exact: true }));
    await userEvent.keyboard('What share is online?');
    await userEvent.keyboard('{Meta>}{Enter}{/Meta}');
    await expect.element(page.getByRole('region', { name: 'Answer' }).getByText('37%', { exact: true })).toBeVisible();
  });

  it('an answer shows its crops and matching page lines, copies with its sources, and a follow-up carries the thread (keyboard only)', async () => {
    // The first slide's text, as the library would give it: two lines share words with the question or answer.
    const withText: PageSource = {
      ...pages,
      text: async (pageId) => (pageId === SLIDES[0] ? { text: 'Global travel\nOnline bookings reached 37% of the market\nContact our team\nTravel agents kept the offline share', ocr: false, lines: [] } : null),
    };
    const policies: ScriptedPolicy[] = [];
    const scripts = [
      ['<think>Find it.</think><search>travel market share</search>', '<think>Zoom.</think><bbox>[300, 100, 600, 400]</bbox>', '<think>It reads 37%.</think><answer>37%</answer>'],
      ['<think>From before.</think><answer>41%</answer>'],
      ['<think>Again.</think><answer>45%</answer>'],
    ];
    const { panel } = mount(() => {
      policies.push(new ScriptedPolicy(scripts[policies.length]!));
      return policies.at(-1)!;
    }, withText);
    await page.viewport(1100, 1000);
    // The keyboard shortcut is said, and announced.
    const askButton = page.getByRole('button', { name: 'Ask', exact: true });
    await expect.element(askButton).toHaveAttribute('aria-keyshortcuts', 'Control+Enter');
    await expect.element(page.getByText('Ctrl+Enter asks')).toBeVisible();
    await userEvent.click(page.getByLabelText('Question', { exact: true }));
    await userEvent.keyboard('What share of the travel market is online?');
    await userEvent.keyboard('{Control>}{Enter}{/Control}');
    const answer = page.getByRole('region', { name: 'Answer' });
    await expect.element(answer.getByText('37%', { exact: true })).toBeVisible();
    // The crop it rests on, named by page and region, and the lines of the page that share its words.
    await expect.element(answer.getByRole('list', { name: 'Regions the answer rests on' }).getByRole('img', { name: /^deck page 1, region x \d+–\d+, y \d+–\d+ px$/ })).toBeVisible();
    const lines = answer.getByRole('list', { name: 'Matching page text' });
    await expect.element(lines).toBeVisible();
    const shown = [...lines.element().querySelectorAll('li')].map((li) => li.textContent);
    expect(shown[0]).toBe('deck page 1: “Online bookings reached 37% of the market”');
    expect(shown).not.toContain('deck page 1: “Contact our team”');
    expect(shown.length).toBeLessThanOrEqual(4);
    await shoot('ui-answer-evidence');

    // Copy answer: the answer with its sources as text, and a visible confirmation.
    let copied: string | null = null;
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (text: string) => void (copied = text) } });
    try {
      (answer.getByRole('button', { name: 'Copy answer' }).element() as HTMLElement).focus();
      await userEvent.keyboard('{Enter}');
      await expect.element(answer.getByText('Copied the answer and its sources.')).toBeVisible();
    } finally {
      delete (navigator as { clipboard?: unknown }).clipboard;
    }
    expect(copied).toMatch(/^37% — deck p\. 1 \(region x \d+–\d+, y \d+–\d+ px\)$/);

    // A follow-up: the earlier question and answer go into the new question's text, the prompt byte-exact around it.
    (answer.getByRole('button', { name: 'Follow-up question' }).element() as HTMLElement).focus();
    await userEvent.keyboard('{Enter}');
    const thread = page.getByRole('region', { name: 'Thread' });
    await expect.element(thread).toBeVisible();
    expect(thread.element().textContent).toContain('What share of the travel market is online?');
    expect(document.activeElement).toBe(panel.question);
    await userEvent.keyboard('And in 2024?');
    await userEvent.keyboard('{Control>}{Enter}{/Control}');
    await expect.element(answer.getByText('41%', { exact: true })).toBeVisible();
    const firstTurn = (policy: ScriptedPolicy) => policy.requests[0]!.messages[0]!.content.find((p) => p.type === 'text')!;
    const asked = followUpQuestion([{ question: 'What share of the travel market is online?', answer: '37%' }], 'And in 2024?');
    expect(asked).toBe('Earlier: Q: What share of the travel market is online? A: 37%\nNow: And in 2024?');
    expect(firstTurn(policies[1]!)).toEqual({ type: 'text', text: userPrompt(asked) });

    // Asking again while the thread is open follows it up too; the thread shows both earlier turns.
    // ⌘+Enter (Meta) asks too, on any platform.
    await userEvent.fill(page.getByLabelText('Question', { exact: true }), 'And 2025?');
    panel.question.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', metaKey: true, bubbles: true, cancelable: true }));
    await expect.element(answer.getByText('45%', { exact: true })).toBeVisible();
    expect((firstTurn(policies[2]!) as { text: string }).text).toContain('Earlier: Q: What share of the travel market is online? A: 37% Q: And in 2024? A: 41%\nNow: And 2025?');
    expect(thread.element().querySelectorAll('li')).toHaveLength(2);

    // "New question" ends the thread.
    await userEvent.click(thread.getByRole('button', { name: 'New question' }));
    await expect.element(thread).not.toBeInTheDocument();
    expect(document.activeElement).toBe(panel.question);
    expect(panel.question.value).toBe('');
  });
});
