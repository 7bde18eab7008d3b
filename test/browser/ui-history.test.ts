import { afterAll, afterEach, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import type { Policy } from '../../src/agent/types.ts';
import { startPerceptionWorker } from '../../src/perception/client.ts';
import { APP_WORKERS } from '../../src/session/workers.ts';
import { AskPanel } from '../../src/ui/ask-panel.ts';
import { PageViewer } from '../../src/ui/page-viewer.ts';
import { DEFAULT_SETTINGS } from '../../src/ui/settings-store.ts';
import { FixedRankingRetriever, ScriptedPolicy, scriptedRoad } from '../support/scripted.ts';
import { freshLibrary } from './store-fixtures.ts';
import { shoot, slidePages } from './ui-support.ts';

const perception = startPerceptionWorker(APP_WORKERS.perception);
afterAll(() => perception.terminate());

const SLIDES = ['slide_6_1024.jpg', 'slide_7_1024.jpg'];
const pages = slidePages(SLIDES);
const QUESTION = 'What share of the travel market is online?';
const MODEL = 'Scripted VLM on WASM (1 MB)';

const fresh = freshLibrary('ui-history');
afterEach(() => document.body.replaceChildren());
afterAll(() => fresh.dispose());

function mount(answers: string[]) {
  let asked = 0;
  const policy = (): Policy => new ScriptedPolicy(['<think>Find it.</think><search>travel market share</search>', `<think>Read it.</think><answer>${answers[Math.min(asked++, answers.length - 1)]}</answer>`]);
  const panel = new AskPanel({
    pages,
    ...scriptedRoad({ retriever: () => new FixedRankingRetriever({ 'travel market share': SLIDES }), perception, answerer: () => ({ policy: policy(), sampling: null }), support: async () => 0 }, 4),
    settings: () => ({ ...DEFAULT_SETTINGS, maxActions: 4 }),
    history: fresh.library,
    undoRemoveMs: 5000,
    viewer: new PageViewer(pages),
  });
  panel.setModel(MODEL);
  const host = document.createElement('main');
  host.className = 'area';
  host.append(panel.element);
  document.body.append(host);
  return panel;
}

const history = () => page.getByRole('list', { name: 'History' });
const entries = () => [...history().element().querySelectorAll(':scope > li')] as HTMLElement[];

async function ask(question: string, answer: string): Promise<void> {
  await userEvent.fill(page.getByLabelText('Question', { exact: true }), question);
  await userEvent.keyboard('{Control>}{Enter}{/Control}');
  await expect.element(page.getByRole('region', { name: 'Answer' }).getByText(answer, { exact: true })).toBeVisible();
}

it('history: the answering model on each entry, repeats as one entry, follow-ups with their thread, remove with undo, clear after asking, one scroll area', { timeout: 60_000 }, async () => {
  // An entry from before models were recorded still loads.
  const old = Date.now() - 60_000;
  const trajectory = JSON.stringify({ format: 'vrag-browser-trajectory', version: 2, question: 'An older question?', policy: 'scripted', vision: { convention: 'absolute', pixelBounds: { minPixels: 200704, maxPixels: 401408 }, canCrop: true }, config: { maxActions: 4, searchTopK: 10, cropPadding: 56 }, startedAt: old, totalMs: 1, turns: [], images: [], outcome: { status: 'no-answer' } });
  await fresh.library.saveRun({ id: 'run-old', question: 'An older question?', startedAt: old, status: 'no-answer', trajectory });
  await page.viewport(1000, 900);
  const panel = mount(['37%', '37%', '41%']);
  await expect.poll(() => entries().length).toBe(1);
  expect(entries()[0]!.textContent).toContain('Model not recorded');

  // The same question twice, same documents and model: one entry, the newest, marked.
  await ask(QUESTION, '37%');
  await ask(QUESTION, '37%');
  await expect.poll(() => entries().length).toBe(2);
  // The list is redrawn once the second run is saved: wait for that, not for the first redraw.
  await expect.poll(() => entries()[0]?.textContent ?? '').toContain(`Answered by ${MODEL} · asked 2 times`);
  const repeated = entries()[0]!;
  expect(repeated.textContent).toContain(QUESTION);

  // A follow-up is kept with its thread; opening it brings the thread back.
  await userEvent.click(page.getByRole('button', { name: 'Follow-up question' }));
  await userEvent.keyboard('And in 2024?');
  await userEvent.keyboard('{Control>}{Enter}{/Control}');
  await expect.element(page.getByRole('region', { name: 'Answer' }).getByText('41%', { exact: true })).toBeVisible();
  await expect.poll(() => entries().length).toBe(3);
  expect(entries()[0]!.textContent).toContain(`Follow-up to “${QUESTION}”`);
  await userEvent.click(page.getByRole('region', { name: 'Thread' }).getByRole('button', { name: 'New question' }));
  await userEvent.click(history().getByRole('button', { name: /And in 2024\?/ }));
  await expect.element(page.getByRole('region', { name: 'Thread' })).toBeVisible();
  expect(page.getByRole('region', { name: 'Thread' }).element().textContent).toContain(QUESTION);
  expect(panel.question.value).toBe('And in 2024?');
  await shoot('ui-history');

  // One scroll area: the history grows with the page, it is no scroll box of its own nor inside the trace's.
  expect(getComputedStyle(history().element()).overflowY).toBe('visible');
  expect(history().element().closest('.trace-log')).toBeNull();

  // Remove an entry (every copy of it): gone at once, Undo brings it back.
  const removeButton = (li: HTMLElement) => li.querySelector<HTMLButtonElement>('button[aria-label="Remove from history"]')!;
  const repeatedEntry = entries().find((li) => li.textContent!.startsWith(QUESTION))!;
  removeButton(repeatedEntry).focus();
  await userEvent.keyboard('{Enter}');
  await expect.element(page.getByText(`Removed “${QUESTION}” from the history.`)).toBeVisible();
  await expect.poll(() => entries().length).toBe(2);
  expect((await fresh.library.listRuns()).filter((r) => r.question === QUESTION)).toHaveLength(0);
  await userEvent.click(page.getByRole('button', { name: 'Undo' }));
  await expect.poll(() => entries().length).toBe(3);
  expect((await fresh.library.listRuns()).filter((r) => r.question === QUESTION)).toHaveLength(2);

  // Clear history asks first; Cancel keeps everything.
  await userEvent.click(page.getByRole('button', { name: 'Clear history' }));
  await expect.element(page.getByText(/Remove all 4 questions from the history on this device\?/)).toBeVisible();
  expect(document.activeElement?.textContent).toBe('Cancel');
  await userEvent.keyboard('{Enter}');
  expect(entries()).toHaveLength(3);
  await userEvent.click(page.getByRole('button', { name: 'Clear history' }));
  await userEvent.click(page.getByRole('button', { name: 'Remove all' }));
  await expect.element(page.getByText('The history is cleared.')).toBeVisible();
  await expect.element(history().getByText('Questions you ask are kept here, on this device.')).toBeVisible();
  expect(await fresh.library.listRuns()).toHaveLength(0);
  await expect.element(page.getByRole('button', { name: 'Clear history' })).not.toBeInTheDocument();
});
