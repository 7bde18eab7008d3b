import { afterEach, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { startApp, type App } from '../../src/ui/app.ts';
import { handWrittenPdf } from '../support/pdf.ts';
import { fetchShared } from '../support/scripted.ts';
import { shoot, until } from './ui-support.ts';

let app: App | null = null;
/** Long enough to press Undo in the test, short enough not to wait the app's real undo time. */
const UNDO_IN_TEST_MS = 3000;
const dbName = `ui-library-${Date.now()}-${Math.random().toString(36).slice(2)}`;

afterEach(async () => {
  app?.close();
  app = null;
  document.body.replaceChildren();
  await page.viewport(1280, 900);
  indexedDB.deleteDatabase(dbName);
});

it('adds a real slide through the file input, lists it with a thumbnail, searches it, and deletes it', { timeout: 90_000 }, async () => {
  await page.viewport(1280, 900);
  app = startApp(document.body, { libraryName: dbName, undoDeleteMs: UNDO_IN_TEST_MS });
  await app.ready;
  const library = page.getByRole('region', { name: 'Library' });
  await expect.element(library.getByRole('list', { name: 'Documents' }).getByText('No documents yet.')).toBeVisible();

  const seen = new Set<string>();
  const watch = new MutationObserver(() => document.querySelectorAll('progress').forEach((p) => seen.add(p.getAttribute('aria-label') ?? '')));
  watch.observe(document.body, { subtree: true, childList: true });
  const slide = new File([await fetchShared('corpora/vrag-slides/slide_15_1024.jpg')], 'travel-slide.jpg', { type: 'image/jpeg' });
  await userEvent.upload(page.getByLabelText('Add documents'), slide);

  const docs = library.getByRole('list', { name: 'Documents' });
  await expect.element(docs.getByRole('img', { name: 'travel-slide.jpg page 1' }), { timeout: 60_000 }).toBeVisible();
  watch.disconnect();
  expect(seen.has('travel-slide.jpg progress')).toBe(true);
  await expect.element(library.getByText(/^Added “travel-slide\.jpg” \(1 page\) in \d+ s\.$/)).toBeVisible();
  const item = docs.getByRole('listitem').element();
  expect(item.textContent).toContain('travel-slide.jpg');
  expect(item.textContent).toMatch(/1 page(?!s)/);
  expect(item.textContent).toMatch(/\d+(\.\d)? kB/);
  expect(item.querySelector('.badge')?.textContent).toBe('OCR');
  await expect.element(library.getByText(/ used of /)).toBeVisible();

  // The slide's OCR'd words find it.
  const text = (await app.library.store.allPageTexts())[0]!.text;
  const word = text.split(/\s+/).find((w) => /^[A-Za-z]{5,}$/.test(w))!;
  await userEvent.fill(page.getByLabelText('Search pages'), word);
  const results = page.getByRole('list', { name: 'Search results' });
  await expect.element(results.getByRole('img', { name: 'travel-slide.jpg page 1' })).toBeVisible();
  await expect.element(results.getByText(new RegExp(`found by the words ${word}`, 'i'))).toBeVisible();
  // A passage of the page around the word, the word highlighted.
  await expect.poll(() => results.element().querySelector('.snippet mark')?.textContent?.toLowerCase()).toContain(word.toLowerCase().slice(0, 3));
  await shoot('ui-app-library');

  await page.viewport(390, 844);
  await userEvent.click(page.getByRole('button', { name: 'Models and settings' }));
  await expect.element(page.getByRole('region', { name: 'Models and settings' })).toBeVisible();
  await shoot('ui-app-narrow-models');
  await userEvent.click(page.getByRole('button', { name: 'Hide models and settings' }));
  await shoot('ui-app-narrow');

  // Delete can be undone for a few seconds: minutes of OCR are not lost to a slip.
  await userEvent.click(docs.getByRole('button', { name: 'Delete travel-slide.jpg' }));
  await expect.element(docs.getByText('No documents yet.')).toBeVisible();
  await userEvent.click(library.getByRole('button', { name: 'Undo' }));
  await expect.element(docs.getByRole('button', { name: 'Open travel-slide.jpg' })).toBeVisible();
  expect(await app.library.listDocuments()).toHaveLength(1);
  await userEvent.click(docs.getByRole('button', { name: 'Delete travel-slide.jpg' }));
  await expect.element(docs.getByText('No documents yet.')).toBeVisible();
  await expect.poll(async () => (await app!.library.listDocuments()).length, { timeout: UNDO_IN_TEST_MS + 10_000, interval: 100 }).toBe(0);
});

it('a file that cannot be read is reported in the status area with its message', async () => {
  app = startApp(document.body, { libraryName: dbName });
  await app.ready;
  const broken = new File([new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 1, 2, 3])], 'broken.pdf', { type: 'application/pdf' });
  await userEvent.upload(page.getByLabelText('Add documents'), broken);
  const status = page.getByRole('region', { name: 'Library' }).getByRole('status');
  await until(() => /broken\.pdf/.test(status.element().textContent ?? ''), 'the failure message', 30_000);
  expect(status.element().querySelector('.error')).not.toBeNull();
});

it('a file dropped anywhere on the page is added to the library, and the browser does not open it', async () => {
  app = startApp(document.body, { libraryName: dbName });
  await app.ready;
  const text = 'BT /F1 18 Tf 20 200 Td (Dropped on the question) Tj ET';
  const pdf = new File([handWrittenPdf(1, { content: text, fonts: '/F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>' })], 'dropped.pdf', { type: 'application/pdf' });
  const transfer = new DataTransfer();
  transfer.items.add(pdf);
  const target = page.getByLabelText('Question', { exact: true }).element();
  const over = new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true });
  expect(target.dispatchEvent(over)).toBe(false); // taken: the browser's default (open the file) is cancelled
  expect(document.querySelector('.library-area')?.classList.contains('dragging')).toBe(true);
  const drop = new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true });
  expect(target.dispatchEvent(drop)).toBe(false);
  await expect.element(page.getByRole('region', { name: 'Library' }).getByRole('button', { name: 'Open dropped.pdf' }), { timeout: 30_000 }).toBeVisible();
  expect(document.querySelector('.library-area')?.classList.contains('dragging')).toBe(false);
});

it('plain-text and Markdown files are offered by the file picker and become documents', async () => {
  app = startApp(document.body, { libraryName: dbName });
  await app.ready;
  const input = page.getByLabelText('Add documents').element() as HTMLInputElement;
  expect(input.accept.split(',')).toEqual(expect.arrayContaining(['.txt', '.md', '.markdown']));
  const notes = new File(['Meeting notes\n\nThe kiosk opens in May.'], 'notes.txt', { type: 'text/plain' });
  const readme = new File(['# Readme\n\nThe **kiosk** manual.'], 'readme.md', { type: '' });
  await userEvent.upload(page.getByLabelText('Add documents'), [notes, readme]);
  const library = page.getByRole('region', { name: 'Library' });
  await expect.element(library.getByRole('button', { name: 'Open notes.txt' }), { timeout: 30_000 }).toBeVisible();
  await expect.element(library.getByRole('button', { name: 'Open readme.md' }), { timeout: 30_000 }).toBeVisible();
});

it('a document opens in a page browser: previous and next, the page text, and search above the list', async () => {
  app = startApp(document.body, { libraryName: dbName });
  await app.ready;
  const text = 'BT /F1 18 Tf 20 200 Td (Quarterly revenue grew) Tj ET';
  const pdf = new File([handWrittenPdf(3, { content: text, fonts: '/F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>' })], 'report.pdf', { type: 'application/pdf' });
  await userEvent.upload(page.getByLabelText('Add documents'), pdf);
  const library = page.getByRole('region', { name: 'Library' });
  await userEvent.click(library.getByRole('button', { name: 'Open report.pdf' }), { timeout: 30_000 });
  const viewer = page.getByRole('dialog', { name: 'report.pdf page 1' });
  await expect.element(viewer).toBeVisible();
  await expect.element(viewer.getByText('page 1 of 3')).toBeVisible();
  expect(viewer.element().textContent).not.toContain('The model saw');
  await userEvent.click(viewer.getByRole('button', { name: 'Next page' }));
  const second = page.getByRole('dialog', { name: 'report.pdf page 2' });
  await expect.element(second.getByText('page 2 of 3')).toBeVisible();
  await userEvent.click(second.getByText('Text on this page'));
  await expect.element(second.getByText('Quarterly revenue grew')).toBeVisible();
  // Where the app found that text: its line box drawn over the page.
  await userEvent.click(second.getByLabelText('Outline each line of text on the page'));
  await expect.poll(() => second.element().querySelectorAll('svg.regions .line-box').length).toBeGreaterThan(0);
  await shoot('ui-page-browser');
  // The strip of page thumbnails, the current one marked; a click goes to that page.
  const strip = second.getByRole('list', { name: 'Pages of this document' });
  expect(strip.getByRole('button', { name: 'Page 2' }).element().getAttribute('aria-current')).toBe('page');
  await userEvent.click(strip.getByRole('button', { name: 'Page 3' }));
  await expect.element(page.getByRole('dialog', { name: 'report.pdf page 3' }).getByText('page 3 of 3')).toBeVisible();
  await userEvent.keyboard('{Escape}');
  // Closing the viewer gives focus back to the document that opened it.
  await expect.poll(() => document.activeElement?.getAttribute('aria-label')).toBe('Open report.pdf');
  // The search box comes before the document list (and every Delete button) in tab order.
  const search = page.getByLabelText('Search pages').element();
  const firstDelete = library.getByRole('button', { name: 'Delete report.pdf' }).element();
  expect(search.compareDocumentPosition(firstDelete) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  expect(document.querySelector('a.skip-link')?.textContent).toBe('Skip to the question');
  // One Tab stop per document: Ask, Rename and Delete are reached with the arrow keys.
  expect((library.getByRole('button', { name: 'Delete report.pdf' }).element() as HTMLElement).tabIndex).toBe(-1);
  (library.getByRole('button', { name: 'Open report.pdf' }).element() as HTMLElement).focus();
  await userEvent.keyboard('{ArrowRight}{ArrowRight}{ArrowRight}');
  expect(document.activeElement?.getAttribute('aria-label')).toBe('Delete report.pdf');
  await userEvent.keyboard('{ArrowLeft}');
  expect(document.activeElement?.getAttribute('aria-label')).toBe('Rename report.pdf');
  await userEvent.keyboard('{ArrowLeft}');
  expect(document.activeElement?.getAttribute('aria-label')).toBe('Ask about report.pdf');
  await userEvent.keyboard('{ArrowLeft}');
  expect(document.activeElement?.getAttribute('aria-label')).toBe('Open report.pdf');

  // Renaming from the keyboard: F2 on the row, a new name and Enter; an empty name is refused and the old one kept.
  await userEvent.keyboard('{F2}');
  const nameBox = library.getByLabelText('New name for report.pdf');
  await expect.element(nameBox).toHaveFocus();
  await userEvent.keyboard('{Control>}a{/Control}{Backspace}{Enter}');
  await expect.element(library.getByText(/needs a name/)).toBeVisible();
  await userEvent.fill(nameBox, 'Quarterly report <b>2024</b>');
  await userEvent.keyboard('{Enter}');
  await expect.element(library.getByRole('button', { name: 'Open Quarterly report <b>2024</b>' })).toHaveFocus();
  expect(library.element().querySelector('b')).toBeNull();
  await userEvent.keyboard('{F2}{Escape}');
  await expect.element(library.getByRole('button', { name: 'Open Quarterly report <b>2024</b>' })).toHaveFocus();
});

it('images added together can be one document, a deck with its pages in file-name order', { timeout: 90_000 }, async () => {
  app = startApp(document.body, { libraryName: dbName });
  await app.ready;
  // Three small slides of different widths, picked out of order; the names sort as people read them.
  const slide = async (name: string, width: number) => {
    const canvas = new OffscreenCanvas(width, 120);
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, width, 120);
    return new File([await canvas.convertToBlob({ type: 'image/png' })], name, { type: 'image/png' });
  };
  const files = [await slide('deck_10.png', 330), await slide('deck_2.png', 310), await slide('deck_9.png', 320)];
  const library = page.getByRole('region', { name: 'Library' });
  await userEvent.upload(page.getByLabelText('Add documents'), files);
  const choice = library.getByRole('group', { name: /3 page images: keep them together as one document/ });
  await expect.element(choice).toBeVisible();
  await shoot('ui-deck-choice');
  const lines = new Set<string>();
  const watch = new MutationObserver(() => document.querySelectorAll('.progress-text').forEach((t) => lines.add(t.textContent ?? '')));
  watch.observe(document.body, { subtree: true, childList: true, characterData: true });
  await userEvent.click(choice.getByRole('button', { name: 'One document' }));
  const docs = library.getByRole('list', { name: 'Documents' });
  await expect.element(docs.getByRole('button', { name: 'Open deck (3 images)' }), { timeout: 60_000 }).toBeVisible();
  watch.disconnect();
  // One progress line for the deck, its OCR counted in pages with the time left once a page is read.
  expect([...lines].some((l) => /^Reading text \(OCR\) page 1 of 3$/.test(l))).toBe(true);
  expect([...lines].some((l) => /^Reading text \(OCR\) page [23] of 3 · about \d+ s left$/.test(l)), [...lines].join(' | ')).toBe(true);
  expect(docs.element().querySelectorAll('li.document')).toHaveLength(1);
  await expect.element(library.getByText(/^Added “deck \(3 images\)” \(3 pages\) in \d+ s\.$/)).toBeVisible();
  const [deck] = await app.library.listDocuments();
  expect((await app.library.store.getPages(deck!.id)).sort((a, b) => a.pageNumber - b.pageNumber).map((p) => p.width)).toEqual([310, 320, 330]);

  // The same images again are the same deck.
  await userEvent.upload(page.getByLabelText('Add documents'), files);
  await userEvent.click(library.getByRole('button', { name: 'One document' }));
  await expect.element(library.getByText('“deck (3 images)” is already in the library.')).toBeVisible();
  expect(await app.library.listDocuments()).toHaveLength(1);
});
