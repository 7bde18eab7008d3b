/**
 * "Export report" from the Ask panel: one answer (live, and opened again from the history) and a
 * selection of the history, as HTML read back from the downloaded file, and as a Markdown zip.
 * A real library (IndexedDB) holds the deck; the model is scripted.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import type { Policy } from '../../src/agent/types.ts';
import { unzipFiles } from '../../src/export/zip.ts';
import { startPerceptionWorker } from '../../src/perception/client.ts';
import type { RankedPage, Retriever } from '../../src/retrieval/types.ts';
import { APP_WORKERS } from '../../src/session/workers.ts';
import { pageIdOf } from '../../src/page-id.ts';
import { AskPanel } from '../../src/ui/ask-panel.ts';
import type { PageSource } from '../../src/ui/page-source.ts';
import { PageViewer } from '../../src/ui/page-viewer.ts';
import { DEFAULT_SETTINGS } from '../../src/ui/settings-store.ts';
import { fetchShared, ScriptedPolicy, scriptedRoad } from '../support/scripted.ts';
import { fileMeta, freshLibrary } from './store-fixtures.ts';
import { shoot } from './ui-support.ts';

const perception = startPerceptionWorker(APP_WORKERS.perception);
const fresh = freshLibrary('ui-report');
const store = fresh.library;
const DECK = 'travel <deck>.pdf';
const LINE = 'Online bookings: 37% of the travel market';
let pages: string[] = [];
let slideBytes: Uint8Array[] = [];

beforeAll(async () => {
  const meta = await fileMeta(DECK, 2);
  await store.beginDocument(meta);
  const slides = await Promise.all(['slide_6_1024.jpg', 'slide_7_1024.jpg'].map((s) => fetchShared(`corpora/vrag-slides/${s}`)));
  slideBytes = await Promise.all(slides.map(async (b) => new Uint8Array(await b.arrayBuffer())));
  for (const [i, image] of slides.entries()) {
    const text = i === 0 ? LINE : 'Mobile share by region';
    await store.putPage(meta.id, {
      page: { pageNumber: i + 1, width: 1024, height: 768, ocr: false },
      text: { text, lines: [{ text, box: [320, 120, 700, 160], score: 1 }] },
      blobs: { image, thumbnail: image },
    });
  }
  await store.finishDocument(meta.id);
  pages = [pageIdOf(meta.id, 1), pageIdOf(meta.id, 2)];
});
afterEach(() => document.body.replaceChildren());
afterAll(async () => {
  perception.terminate();
  await fresh.dispose();
});

/** The library's pages in ranked order for every query. */
class DeckRetriever implements Retriever {
  async search(): Promise<RankedPage[]> {
    return pages.map((pageId, i) => ({ pageId, score: 1 / (i + 1) }));
  }
  pageImage(pageId: string): Promise<Blob> {
    return store.pageImage(pageId);
  }
}

const source: PageSource = {
  label: (pageId) => ({ name: DECK, pageNumber: pages.indexOf(pageId) + 1 }),
  thumbnail: (pageId) => store.thumbnail(pageId),
  image: (pageId) => store.pageImage(pageId),
};

function mount(answer: (question: string) => string): AskPanel {
  const policy = (): Policy =>
    new ScriptedPolicy([
      '<think>Find it.</think><search>travel market share</search>',
      '<think>Zoom.</think><bbox>[300, 100, 720, 180]</bbox>',
      (request) => `<think>Read it.</think><answer>${answer(JSON.stringify(request.messages[0]))}</answer>`,
    ]);
  const panel = new AskPanel({
    pages: source,
    ...scriptedRoad({ retriever: () => new DeckRetriever(), perception, answerer: () => ({ policy: policy(), sampling: null }), support: async () => 0 }, 5),
    settings: () => ({ ...DEFAULT_SETTINGS, maxActions: 5 }),
    history: store,
    reports: store,
    viewer: new PageViewer(source),
  });
  panel.setModel('Scripted VLM');
  const host = document.createElement('main');
  host.className = 'area';
  host.append(panel.element);
  document.body.append(host);
  return panel;
}

/** Files the app saves, read back: the blob behind each clicked `a[download]` link (the click itself goes nowhere). */
function captureDownloads(): { files: Blob[]; names: string[]; stop: () => void } {
  const files: Blob[] = [];
  const names: string[] = [];
  const blobs = new Map<string, Blob>();
  const create = URL.createObjectURL.bind(URL);
  URL.createObjectURL = (blob: Blob) => {
    const url = create(blob);
    blobs.set(url, blob);
    return url;
  };
  const keep = (e: MouseEvent) => {
    const a = e.target as HTMLElement;
    if (!(a instanceof HTMLAnchorElement) || !a.hasAttribute('download')) return;
    e.preventDefault();
    files.push(blobs.get(a.href)!);
    names.push(a.download);
  };
  document.addEventListener('click', keep, true);
  return { files, names, stop: () => ((URL.createObjectURL = create), document.removeEventListener('click', keep, true)) };
}

async function ask(question: string, answer: string): Promise<void> {
  await userEvent.fill(page.getByLabelText('Question', { exact: true }), question);
  await userEvent.keyboard('{Control>}{Enter}{/Control}');
  await expect.element(page.getByRole('region', { name: 'Answer' }).getByText(answer, { exact: true })).toBeVisible();
}

const answerRegion = () => page.getByRole('region', { name: 'Answer' });
const parse = async (blob: Blob) => new DOMParser().parseFromString(await blob.text(), 'text/html');
const bytesOf = (dataUrl: string) => Uint8Array.from(atob(dataUrl.split(',')[1]!), (c) => c.charCodeAt(0));
const Q1 = 'What share of the travel market is online?';
const Q2 = 'Which region books most on mobile?';

it('exports the answer on screen as HTML (question, answer, the cited page and its crop as data images) and as a Markdown zip', { timeout: 60_000 }, async () => {
  const downloads = captureDownloads();
  try {
    await page.viewport(1000, 900);
    mount(() => '37%');
    await ask(Q1, '37%');
    await shoot('ui-report-answer');
    await userEvent.click(answerRegion().getByRole('button', { name: 'Export report (HTML)' }));
    await expect.poll(() => downloads.files.length).toBe(1);
    await expect.element(answerRegion().getByText(/Report saved as vrag-report-.*\.html\./)).toBeVisible();
    expect(downloads.names[0]).toMatch(/^vrag-report-.*\.html$/);
    const html = await downloads.files[0]!.text();
    expect(html).not.toMatch(/<script/i);
    const doc = new DOMParser().parseFromString(html, 'text/html');
    expect(doc.querySelectorAll('section.question')).toHaveLength(1);
    expect(doc.querySelector('section.question h2')!.textContent).toBe(`1. ${Q1}`);
    expect(doc.querySelector('.answer')!.textContent).toBe('37%');
    // The cited page embedded as its own bytes; the crop as the episode's own pixels.
    const shot = doc.querySelector<HTMLImageElement>(`.shot img[alt="${DECK} p. 1"]`)!;
    expect(shot.getAttribute('src')).toMatch(/^data:image\/jpeg;base64,/);
    expect(bytesOf(shot.getAttribute('src')!)).toEqual(slideBytes[0]);
    const crop = doc.querySelector<HTMLImageElement>(`.crop img[alt="${DECK} p. 1, zoom 1"]`)!;
    expect(crop.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    const pixels = await createImageBitmap(new Blob([bytesOf(crop.getAttribute('src')!)]));
    // The crop's own pixels: the size its caption gives, smaller than the page.
    const [, w, hgt] = /Zoom 1: (\d+)×(\d+) px/.exec(doc.querySelector('.crop figcaption')!.textContent!)!;
    expect([pixels.width, pixels.height]).toEqual([Number(w), Number(hgt)]);
    expect(pixels.width).toBeLessThan(1024);
    expect(doc.querySelector('blockquote')!.textContent).toBe(LINE);

    // Markdown: report.md with the question and answer, and the images it links.
    answerRegion().getByRole('button', { name: 'Export report (Markdown zip)' }).element().focus();
    await userEvent.keyboard('{Enter}');
    await expect.poll(() => downloads.files.length).toBe(2);
    expect(downloads.names[1]).toMatch(/^vrag-report-.*\.zip$/);
    const files = await unzipFiles(downloads.files[1]!);
    const markdown = new TextDecoder().decode(files.find((f) => f.path === 'report.md')!.data);
    expect(markdown).toContain(Q1);
    expect(markdown).toContain('37%');
    const images = files.filter((f) => f.path.startsWith('images/'));
    expect(images.length).toBeGreaterThanOrEqual(2);
    expect(images.some((f) => f.data.length === slideBytes[0]!.length && f.data.every((b, i) => b === slideBytes[0]![i]))).toBe(true);
    for (const image of images) expect(markdown).toContain(image.path);
  } finally {
    downloads.stop();
  }
});

it('exports a selection of the history as one report; an entry opened from the history exports too', { timeout: 90_000 }, async () => {
  const downloads = captureDownloads();
  try {
    await store.clearRuns();
    await page.viewport(1000, 900);
    mount((prompt) => (prompt.includes('mobile') ? 'Asia' : '37%'));
    const exportHtml = page.getByRole('button', { name: 'Export selected (HTML)' });
    await ask(Q1, '37%');
    await ask(Q2, 'Asia');
    await ask('Unrelated question?', '37%');
    const history = page.getByRole('list', { name: 'History' });
    await expect.poll(() => history.element().querySelectorAll(':scope > li').length).toBe(3);
    // Nothing ticked: nothing to export.
    await expect.element(exportHtml).toBeDisabled();
    await expect.element(page.getByText('Tick questions to export them as one report:')).toBeVisible();
    await userEvent.click(page.getByRole('checkbox', { name: `Select “${Q1}” for a report` }));
    // By keyboard: focus the box, Space ticks it.
    page.getByRole('checkbox', { name: `Select “${Q2}” for a report` }).element().focus();
    await userEvent.keyboard(' ');
    await expect.element(page.getByText('2 questions selected:')).toBeVisible();
    await expect.element(exportHtml).toBeEnabled();
    await shoot('ui-report-history');
    await userEvent.click(exportHtml);
    await expect.poll(() => downloads.files.length).toBe(1);
    const doc = await parse(downloads.files[0]!);
    expect(doc.querySelector('h1')!.textContent).toBe('2 questions from the history');
    expect([...doc.querySelectorAll('section.question h2')].map((e) => e.textContent)).toEqual([`1. ${Q1}`, `2. ${Q2}`]);
    expect([...doc.querySelectorAll('section.question .answer')].map((e) => e.textContent)).toEqual(['37%', 'Asia']);
    expect(doc.body.textContent).not.toContain('Unrelated question?');
    // History runs keep no pixels: the page is embedded, the crop is its region of that image.
    const shots = [...doc.querySelectorAll<HTMLImageElement>('section.question .shot img')];
    expect(shots.length).toBeGreaterThanOrEqual(2);
    expect(shots.every((img) => img.getAttribute('src')!.startsWith('data:image/jpeg;base64,'))).toBe(true);
    expect(bytesOf(shots[0]!.getAttribute('src')!)).toEqual(slideBytes[0]);
    expect(doc.querySelector('.crop svg image')!.getAttribute('href')).toMatch(/^data:image\/jpeg;base64,/);

    // Removing a ticked entry takes it out of the selection; Undo puts it back unticked.
    const q2Entry = [...history.element().querySelectorAll<HTMLElement>(':scope > li')].find((li) => li.textContent!.includes(Q2))!;
    await userEvent.click(q2Entry.querySelector<HTMLButtonElement>('button[aria-label="Remove from history"]')!);
    await expect.element(page.getByText('1 question selected:')).toBeVisible();
    await userEvent.click(page.getByRole('button', { name: 'Undo' }));
    await expect.poll(() => history.element().querySelectorAll(':scope > li').length).toBe(3);
    await expect.element(page.getByRole('checkbox', { name: `Select “${Q2}” for a report` })).not.toBeChecked();
    await expect.element(page.getByRole('checkbox', { name: `Select “${Q1}” for a report` })).toBeChecked();

    // An entry opened from the history: its answer exports, crops cut from the stored page.
    await userEvent.click(history.getByRole('button', { name: new RegExp(Q2.replace('?', '\\?')) }));
    await expect.element(answerRegion().getByText('Asia', { exact: true })).toBeVisible();
    await userEvent.click(answerRegion().getByRole('button', { name: 'Export report (HTML)' }));
    await expect.poll(() => downloads.files.length).toBe(2);
    const one = await parse(downloads.files[1]!);
    expect(one.querySelector('section.question h2')!.textContent).toBe(`1. ${Q2}`);
    expect(one.querySelector('.answer')!.textContent).toBe('Asia');
    expect(bytesOf(one.querySelector('.shot img')!.getAttribute('src')!)).toEqual(slideBytes[0]);
  } finally {
    downloads.stop();
  }
});
