/** The page viewer on a long document, driven as a person does: page number, keys, thumbnails, zoom, marked words, copy. */
import { afterEach, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { analyze } from '../../src/retrieval/text/analyze.ts';
import { pageIdOf } from '../../src/store/index.ts';
import { startApp, type App } from '../../src/ui/app.ts';
import { LibraryPages } from '../../src/ui/page-source.ts';
import { PageViewer } from '../../src/ui/page-viewer.ts';
import { handWrittenPdf } from '../support/pdf.ts';
import { shoot } from './ui-support.ts';

let app: App | null = null;
const dbName = `ui-viewer-${Date.now()}-${Math.random().toString(36).slice(2)}`;
const FONT = '/F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>';
const TEXT = 'BT /F1 14 Tf 16 250 Td (Quarterly revenue grew) Tj 0 -40 Td (Costs fell in the spring) Tj ET';

afterEach(async () => {
  app?.close();
  app = null;
  document.body.replaceChildren();
  await page.viewport(1280, 900);
  indexedDB.deleteDatabase(dbName);
});

/** Pages stored 800 px tall instead of 2000: the 60-page ingest takes seconds, not a minute, on a busy 2-core machine. */
function smallPages(app: App): void {
  (app.library as unknown as { parts: { ingestOptions?: object } }).parts.ingestOptions = { maxImageSide: 800, thumbnailSide: 128 };
}

const pdf = (name: string, pages: number) => new File([handWrittenPdf(pages, { content: TEXT, fonts: FONT })], name, { type: 'application/pdf' });
const inView = (child: Element, parent: Element) => {
  const c = child.getBoundingClientRect();
  const p = parent.getBoundingClientRect();
  return c.left >= p.left - 1 && c.right <= p.right + 1;
};

it('browses a 60-page document: page number, Home/End/PageUp/PageDown, the whole-document strip, zoom steps, reset for another document, copy', { timeout: 90_000 }, async () => {
  await page.viewport(1000, 800);
  app = startApp(document.body, { libraryName: dbName });
  await app.ready;
  smallPages(app);
  await userEvent.upload(page.getByLabelText('Add documents'), [pdf('long.pdf', 60), pdf('short.pdf', 3)]);
  const library = page.getByRole('region', { name: 'Library' });
  await expect.element(library.getByRole('button', { name: 'Open short.pdf' }), { timeout: 60_000 }).toBeVisible();
  await expect.element(library.getByRole('button', { name: 'Open long.pdf' }), { timeout: 60_000 }).toBeVisible();

  await userEvent.click(library.getByRole('button', { name: 'Open long.pdf' }));
  const viewer = (n: number) => page.getByRole('dialog', { name: `long.pdf page ${n}` });
  await expect.element(viewer(1)).toBeVisible();
  const dialog = viewer(1).element() as HTMLDialogElement;
  const open = page.getByRole('dialog');
  const number = open.getByRole('spinbutton', { name: 'Page', exact: true });
  await expect.element(number).toHaveValue(1);
  await expect.element(open.getByText('of 60', { exact: true })).toBeVisible();

  // Every page is in the strip, but only the thumbnails in view are fetched.
  const strip = open.getByRole('list', { name: 'Pages of this document' });
  expect(strip.getByRole('button').elements()).toHaveLength(60);
  await expect.poll(() => strip.element().querySelectorAll('img').length).toBeGreaterThan(3);
  expect(strip.element().querySelectorAll('img').length).toBeLessThan(40);

  // Type a page number and press Enter.
  await userEvent.clear(number);
  await userEvent.type(number, '42{Enter}');
  await expect.element(viewer(42)).toBeVisible();
  const current = strip.getByRole('button', { name: 'Page 42', exact: true });
  await expect.element(current).toHaveAttribute('aria-current', 'page');
  await expect.poll(() => inView(current.element(), strip.element())).toBe(true);
  await expect.poll(() => strip.getByRole('button', { name: 'Page 42', exact: true }).element().querySelector('img')).not.toBeNull();
  await shoot('ui-viewer-page-42');

  // The keys, from the page image: End, Home, PageDown, PageUp and the arrows.
  await userEvent.click(page.getByRole('region', { name: 'Page image' }));
  expect(document.activeElement?.getAttribute('aria-label')).toBe('Page image');
  await userEvent.keyboard('{End}');
  await expect.element(viewer(60)).toBeVisible();
  await expect.element(number).toHaveValue(60);
  await expect.element(open.getByRole('button', { name: 'Next page' })).toBeDisabled();
  await expect.poll(() => inView(strip.getByRole('button', { name: 'Page 60' }).element(), strip.element())).toBe(true);
  await userEvent.keyboard('{Home}');
  await expect.element(viewer(1)).toBeVisible();
  await expect.element(open.getByRole('button', { name: 'Previous page' })).toBeDisabled();
  await userEvent.keyboard('{PageDown}{PageDown}');
  await expect.element(viewer(3)).toBeVisible();
  await userEvent.keyboard('{PageUp}');
  await expect.element(viewer(2)).toBeVisible();
  await userEvent.keyboard('{ArrowRight}');
  await expect.element(viewer(3)).toBeVisible();
  await userEvent.keyboard('{ArrowLeft}');
  await expect.element(viewer(2)).toBeVisible();
  // A thumbnail goes to its page.
  await userEvent.click(strip.getByRole('button', { name: 'Page 5', exact: true }));
  await expect.element(viewer(5)).toBeVisible();

  // Zoom steps: one pressed at a time, the page larger than the window scrolls inside it.
  const zoom = open.getByRole('group', { name: 'Zoom' });
  const scroller = page.getByRole('region', { name: 'Page image' }).element() as HTMLElement;
  await expect.element(zoom.getByRole('button', { name: 'Fit width' })).toHaveAttribute('aria-pressed', 'true');
  expect(scroller.scrollWidth).toBeLessThanOrEqual(scroller.clientWidth + 1);
  // The page's image element is made once its blob is read: wait for it before measuring it.
  await expect.element(page.getByRole('img', { name: 'long.pdf page 5' })).toBeInTheDocument();
  const img = page.getByRole('img', { name: 'long.pdf page 5' }).element() as HTMLImageElement;
  await expect.poll(() => img.naturalWidth).toBeGreaterThan(0);
  const fitted = img.getBoundingClientRect().width;
  expect(fitted).toBeGreaterThan(scroller.clientWidth * 0.9);
  await userEvent.click(zoom.getByRole('button', { name: '200 %' }));
  await expect.element(zoom.getByRole('button', { name: '200 %' })).toHaveAttribute('aria-pressed', 'true');
  await expect.element(zoom.getByRole('button', { name: 'Fit width' })).toHaveAttribute('aria-pressed', 'false');
  await expect.poll(() => Math.round(img.getBoundingClientRect().width)).toBe(img.naturalWidth * 2);
  expect(scroller.scrollWidth).toBeGreaterThan(scroller.clientWidth);
  await shoot('ui-viewer-200');
  await userEvent.click(zoom.getByRole('button', { name: '100 %' }));
  await expect.poll(() => Math.round(img.getBoundingClientRect().width)).toBe(img.naturalWidth);
  // The zoom stays while paging through the document.
  await userEvent.click(open.getByRole('button', { name: 'Next page' }));
  await expect.element(viewer(6)).toBeVisible();
  await expect.element(zoom.getByRole('button', { name: '100 %' })).toHaveAttribute('aria-pressed', 'true');
  await userEvent.click(zoom.getByRole('button', { name: 'Fit width' }));
  await expect.element(zoom.getByRole('button', { name: 'Fit width' })).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => scroller.scrollWidth <= scroller.clientWidth + 1).toBe(true);

  // The text: selectable, and copied with one button (or selected for Ctrl+C where copying is refused).
  await userEvent.click(open.getByText('Text on this page'));
  const text = open.getByText('Quarterly revenue grew');
  await expect.element(text).toBeVisible();
  expect(getComputedStyle(text.element()).userSelect).not.toBe('none');
  const copied: string[] = [];
  const clipboard = Object.getOwnPropertyDescriptor(Navigator.prototype, 'clipboard');
  try {
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (t: string) => void copied.push(t) } });
    await userEvent.click(open.getByRole('button', { name: 'Copy text' }));
    await expect.element(page.getByText('Copied the text of this page.')).toBeVisible();
    expect(copied[0]).toContain('Quarterly revenue grew');
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: () => Promise.reject(new DOMException('denied', 'NotAllowedError')) } });
    await userEvent.click(open.getByRole('button', { name: 'Copy text' }));
    await expect.element(page.getByText(/did not let the app copy: the text is selected/)).toBeVisible();
    expect(getSelection()?.toString()).toContain('Quarterly revenue grew');
  } finally {
    delete (navigator as { clipboard?: unknown }).clipboard;
    if (clipboard && !navigator.clipboard) Object.defineProperty(Navigator.prototype, 'clipboard', clipboard);
  }

  // Zoomed in, then another document: it opens at fit width (the zoom belongs to the document).
  await userEvent.click(zoom.getByRole('button', { name: '200 %' }));
  await userEvent.keyboard('{Escape}');
  await expect.poll(() => dialog.open).toBe(false);
  await userEvent.click(library.getByRole('button', { name: 'Open short.pdf' }));
  await expect.element(page.getByRole('dialog', { name: 'short.pdf page 1' })).toBeVisible();
  await expect.element(zoom.getByRole('button', { name: 'Fit width' })).toHaveAttribute('aria-pressed', 'true');
  await expect.element(zoom.getByRole('button', { name: '200 %' })).toHaveAttribute('aria-pressed', 'false');
  await expect.element(open.getByText('of 3', { exact: true })).toBeVisible();
  expect(strip.getByRole('button').elements()).toHaveLength(3);
  await userEvent.keyboard('{Escape}');
});

it('marks the words a search matched on the page image and in its text; desktop and phone screenshots', { timeout: 60_000 }, async () => {
  await page.viewport(1280, 900);
  app = startApp(document.body, { libraryName: dbName });
  await app.ready;
  smallPages(app);
  await userEvent.upload(page.getByLabelText('Add documents'), pdf('report.pdf', 6));
  await expect.element(page.getByRole('region', { name: 'Library' }).getByRole('button', { name: 'Open report.pdf' }), { timeout: 60_000 }).toBeVisible();
  const [doc] = await app.library.listDocuments();
  const pages = new LibraryPages(app.library);
  await pages.refresh();
  const viewer = new PageViewer(pages);
  // What a search result carries: the indexed terms its words matched ("revenues" would match too).
  viewer.open(pageIdOf(doc!.id, 4), [], { terms: analyze('revenue') });
  const dialog = page.getByRole('dialog', { name: 'report.pdf page 4' });
  await expect.element(dialog).toBeVisible();
  await expect.element(dialog.getByText('The word your search matched is marked on this page.')).toBeVisible();
  const marks = () => viewer.element.querySelectorAll('svg.regions .match-box');
  await expect.poll(() => marks().length).toBe(1);
  // The mark sits on "revenue", inside the first line's box, not over the whole line.
  const text = await pages.text(pageIdOf(doc!.id, 4));
  const line = text!.lines.find((l) => l.text.includes('revenue'))!;
  const mark = marks()[0]!;
  const x = Number(mark.getAttribute('x'));
  const width = Number(mark.getAttribute('width'));
  expect(x).toBeGreaterThan(line.box.x);
  expect(x + width).toBeLessThan(line.box.x + line.box.width);
  expect(width).toBeLessThan(line.box.width / 2);
  await userEvent.click(dialog.getByText('Text on this page'));
  await expect.element(dialog.getByText('revenue', { exact: true })).toBeVisible();
  expect(viewer.element.querySelector('.page-text mark')?.textContent).toBe('revenue');
  // Paging on keeps the search's words marked.
  await userEvent.keyboard('{PageDown}');
  await expect.element(page.getByRole('dialog', { name: 'report.pdf page 5' })).toBeVisible();
  await expect.poll(() => marks().length).toBe(1);
  await shoot('ui-viewer-marked-desktop');

  await page.viewport(390, 844);
  await userEvent.click(page.getByRole('group', { name: 'Zoom' }).getByRole('button', { name: '200 %' }));
  await shoot('ui-viewer-marked-phone-200');
  await userEvent.click(page.getByRole('group', { name: 'Zoom' }).getByRole('button', { name: 'Fit width' }));
  await shoot('ui-viewer-marked-phone');
  // Without terms nothing is marked.
  viewer.open(pageIdOf(doc!.id, 2));
  await expect.element(page.getByRole('dialog', { name: 'report.pdf page 2' })).toBeVisible();
  expect(marks()).toHaveLength(0);
  viewer.close();
});
