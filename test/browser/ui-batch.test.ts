import { afterAll, afterEach, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import type { Policy } from '../../src/agent/types.ts';
import { startPerceptionWorker } from '../../src/perception/client.ts';
import type { RankedPage, Retriever } from '../../src/retrieval/types.ts';
import { AppError } from '../../src/errors.ts';
import { APP_WORKERS } from '../../src/session/workers.ts';
import { loadBatch } from '../../src/report/batch-store.ts';
import type { DocumentRecord } from '../../src/store/index.ts';
import { BatchPanel } from '../../src/ui/batch-panel.ts';
import { fetchShared, ScriptedPolicy, scriptedRoad } from '../support/scripted.ts';
import { freshLibrary } from './store-fixtures.ts';

const perception = startPerceptionWorker(APP_WORKERS.perception);
afterAll(() => perception.terminate());
const fresh = freshLibrary('ui-batch');
afterEach(() => document.body.replaceChildren());
afterAll(() => fresh.dispose());

const EVIL = '<img src=x onerror="window.pwned=1">Online share 37%';
const deck = { id: 'deck', name: 'travel <deck>.pdf' } as DocumentRecord;

/** One page, `deck:1` (slide 6), found by every query. */
class OnePage implements Retriever {
  async search(): Promise<RankedPage[]> {
    return [{ pageId: 'deck:1', score: 1 }];
  }
  pageImage(): Promise<Blob> {
    return fetchShared('corpora/vrag-slides/slide_6_1024.jpg');
  }
}

const store = {
  listDocuments: async () => [deck],
  pageImage: () => fetchShared('corpora/vrag-slides/slide_6_1024.jpg'),
  getPageText: async () => ({ pageId: 'deck:1' as const, docId: 'deck', text: EVIL, lines: [{ text: EVIL, box: [100, 100, 500, 140] as [number, number, number, number], score: 1 }] }),
  loadValue: <T,>(key: string) => fresh.library.loadValue<T>(key),
  saveValue: (key: string, value: unknown) => fresh.library.saveValue(key, value),
  deleteValue: (key: string) => fresh.library.deleteValue(key),
};

/** Answers each question with a search, one crop and '37%'; a question holding `hangOn` waits for Stop instead of answering. */
let hangOn: string | null = null;
function policy(): Policy {
  return new ScriptedPolicy([
    '<think>Find it.</think><search>online share</search>',
    '<think>Zoom.</think><bbox>[60, 60, 420, 160]</bbox>',
    (request) =>
      hangOn && JSON.stringify(request.messages[0]).includes(hangOn)
        ? new Promise<string>((_, reject) => request.signal.addEventListener('abort', () => reject(new DOMException('stopped', 'AbortError')), { once: true }))
        : '<think>Read it.</think><answer>37%</answer>',
  ]);
}

function mount(answerer: () => { policy: Policy; sampling: null } = () => ({ policy: policy(), sampling: null })): BatchPanel {
  const { ask } = scriptedRoad({ retriever: () => new OnePage(), perception, answerer, support: async () => 0 }, 5);
  const panel = new BatchPanel({ ask, store });
  panel.setDocuments([deck]);
  document.body.append(panel.element);
  return panel;
}

const rows = () => [...document.querySelectorAll('.batch-table tbody tr')] as HTMLTableRowElement[];
const statuses = () => rows().map((r) => r.dataset.status);

it('batch: runs a list with expected answers, stops, resumes after a reload, exports the report and the CSV', { timeout: 90_000 }, async () => {
  const downloads: Blob[] = [];
  const create = URL.createObjectURL.bind(URL);
  URL.createObjectURL = (blob: Blob) => (downloads.push(blob), create(blob));
  const keep = (e: MouseEvent) => (e.target as HTMLElement).matches('a[download]') && e.preventDefault();
  document.addEventListener('click', keep, true);
  try {
    const first = mount();
    await first.ready;
    await userEvent.fill(page.getByLabelText('Questions'), 'question,answer,pages\nWhat share is online?,37%,1\n"Which share, offline?",63%,travel <deck>.pdf:1\n');
    // The second question's episode waits: Stop ends it, and it stays unanswered.
    hangOn = 'offline';
    const stored = () => loadBatch(store);
    await userEvent.click(page.getByRole('button', { name: 'Run batch' }));
    await expect.poll(statuses, { timeout: 30_000 }).toEqual(['answered', 'running']);
    // The first finished; the second is running: stop it.
    expect(document.querySelector('.batch-status')?.textContent).toMatch(/Question 2 of 2… About .* left\./);
    await userEvent.click(page.getByRole('button', { name: 'Stop' }));
    await expect.poll(() => document.querySelector('.batch-status')?.textContent).toMatch(/Stopped: 1 of 2 questions done/);
    expect(statuses()).toEqual(['answered', 'waiting']);
    expect((await stored())!.rows[1]).toBeNull();
    expect(rows()[0]!.textContent).toContain('37%');
    expect(rows()[0]!.textContent).toContain('travel <deck>.pdf p. 1');
    expect([...rows()[0]!.cells].slice(-3).map((c) => c.textContent)).toEqual(['37%', 'correct', 'hit']);

    hangOn = null;
    // "Reload": a new panel on the same store shows the batch and resumes it.
    document.body.replaceChildren();
    const second = mount();
    await second.ready;
    expect(statuses()).toEqual(['answered', 'waiting']);
    expect(document.querySelector('.batch-status')?.textContent).toMatch(/1 of 2 questions done\. Resume/);
    await userEvent.click(page.getByRole('button', { name: 'Resume' }));
    await expect.poll(statuses, { timeout: 30_000 }).toEqual(['answered', 'answered']);
    expect([...rows()[1]!.cells].slice(-3).map((c) => c.textContent)).toEqual(['63%', 'wrong', 'hit']);
    expect((await stored())!.state).toBe('done');

    // CSV.
    await userEvent.click(page.getByRole('button', { name: 'Export CSV' }));
    await expect.poll(() => downloads.length).toBe(1);
    const csv = await downloads[0]!.text();
    expect(csv.split('\r\n')[0]).toBe('question,answer,pages,time_s,status,expected,verdict,retrieval_hit');
    expect(csv).toContain('"Which share, offline?",37%,travel <deck>.pdf p. 1,');

    // The report: self-contained, the page and the crop as images, document text as text.
    await userEvent.click(page.getByRole('button', { name: 'Export report' }));
    await expect.poll(() => downloads.length).toBe(2);
    const html = await downloads[1]!.text();
    expect(html).not.toMatch(/<script/i);
    const doc = new DOMParser().parseFromString(html, 'text/html');
    expect(doc.querySelectorAll('section.question')).toHaveLength(2);
    expect(doc.querySelector('.answer')!.textContent).toBe('37%');
    expect([...doc.querySelectorAll('section.question img')].map((i) => i.getAttribute('alt'))).toContain('travel <deck>.pdf p. 1');
    expect([...doc.querySelectorAll('img')].every((i) => i.getAttribute('src')!.startsWith('data:image/'))).toBe(true);
    expect(doc.querySelectorAll('.shot rect').length).toBe(2);
    expect(doc.querySelectorAll('.crop svg').length).toBe(2);
    expect(doc.querySelector('blockquote')!.textContent).toBe(EVIL);
    expect(doc.querySelector('blockquote img')).toBeNull();

    await userEvent.click(page.getByRole('button', { name: 'Export Markdown (zip)' }));
    await expect.poll(() => downloads.length).toBe(3);
    expect(downloads[2]!.type).toBe('application/zip');
  } finally {
    URL.createObjectURL = create;
    document.removeEventListener('click', keep, true);
  }
});

it('batch: without a model it stops at the first question and says so, instead of failing every row', async () => {
  const panel = mount(() => {
    throw new AppError('model-missing', 'No model is loaded yet.');
  });
  await panel.ready;
  await userEvent.fill(page.getByLabelText('Questions'), 'One?\nTwo?');
  await userEvent.click(page.getByRole('button', { name: 'Run batch' }));
  await expect.poll(() => document.querySelector('.batch-status')?.textContent).toBe('No model is loaded yet. The batch waits: Resume once a model is loaded.');
  expect(statuses()).toEqual(['waiting', 'waiting']);
  await expect.element(page.getByRole('button', { name: 'Resume' })).toBeVisible();
});
