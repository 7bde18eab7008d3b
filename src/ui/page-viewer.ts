/**
 * A modal dialog showing one page: opened from an answer or the trace it outlines the regions the
 * model zoomed into; opened from the library or a search it is a page browser (previous / next,
 * zoom, and the text the app extracted or read by OCR). Escape or Close shuts it.
 */
import type { Rect } from '../perception/geometry.ts';
import { pageIdOf, parsePageId } from '../store/index.ts';
import { h, svg } from './dom.ts';
import { pageFigure, thumbnailButton } from './page-figure.ts';
import { pageTitle, type PageSource } from './page-source.ts';

/** Pages shown either side of the current one in the thumbnail strip. */
const STRIP_RADIUS = 4;

/** Draws (or, with none, removes) the text line boxes over a page figure. */
function outlineLines(figure: HTMLElement, lines: readonly Rect[]): void {
  const overlay = figure.querySelector('svg.regions')!;
  overlay.querySelectorAll('.line-box').forEach((r) => r.remove());
  for (const r of lines) overlay.append(svg('rect', { x: r.x, y: r.y, width: r.width, height: r.height, class: 'line-box', 'vector-effect': 'non-scaling-stroke' }));
}

export interface ViewerOptions {
  /** A sentence under the title (e.g. why this page is shown). */
  note?: string;
}

export class PageViewer {
  readonly element: HTMLDialogElement;
  private opener: HTMLElement | null = null;
  private zoomed = false;

  constructor(private readonly pages: PageSource) {
    this.element = h('dialog', { class: 'page-viewer' });
    // The browser may already have put focus back (and the user moved on) before 'close' fires; only an
    // orphaned focus is handed to the opener.
    this.element.addEventListener('close', () => {
      const active = document.activeElement;
      if (!active || active === document.body || this.element.contains(active)) this.opener?.focus();
    });
    // A click on the backdrop (outside the content box) closes too.
    this.element.addEventListener('click', (e) => {
      if (e.target === this.element) this.element.close();
    });
    this.element.addEventListener('keydown', (e) => {
      if (e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLInputElement) return;
      if (e.key === 'ArrowRight') this.element.querySelector<HTMLButtonElement>('button.next-page:not(:disabled)')?.click();
      if (e.key === 'ArrowLeft') this.element.querySelector<HTMLButtonElement>('button.previous-page:not(:disabled)')?.click();
    });
  }

  open(pageId: string, regions: readonly Rect[] = [], options: ViewerOptions = {}): void {
    if (!this.element.open) this.opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const title = pageTitle(this.pages.label(pageId));
    const close = h('button', { type: 'button', class: 'secondary' }, 'Close');
    close.addEventListener('click', () => this.element.close());
    const note =
      options.note ??
      (regions.length ? `${regions.length === 1 ? 'The region' : `${regions.length} regions, coarse to fine,`} the model zoomed into ${regions.length === 1 ? 'is' : 'are'} outlined.` : '');
    const figure = pageFigure(this.pages.image(pageId), title, regions);
    figure.classList.toggle('zoomed', this.zoomed);
    const zoom = h('button', { type: 'button', class: 'secondary small', 'aria-pressed': String(this.zoomed) }, 'Zoom to full size');
    zoom.addEventListener('click', () => {
      this.zoomed = !this.zoomed;
      zoom.setAttribute('aria-pressed', String(this.zoomed));
      figure.classList.toggle('zoomed', this.zoomed);
    });
    this.element.setAttribute('aria-label', title);
    this.element.replaceChildren(
      h('header', { class: 'viewer-header' }, h('h2', {}, title), h('div', { class: 'actions' }, ...this.pager(pageId, options), zoom, close)),
      ...(note ? [h('p', { class: 'muted' }, note)] : []),
      this.strip(pageId, options),
      h('div', { class: 'viewer-scroll' }, figure),
      this.textPanel(pageId, figure),
    );
    if (!this.element.isConnected) document.body.append(this.element);
    if (!this.element.open) this.element.showModal();
    close.focus();
  }

  close(): void {
    if (this.element.open) this.element.close();
  }

  /** Previous / next page of the same document, with "page n of m". */
  private pager(pageId: string, options: ViewerOptions): HTMLElement[] {
    const count = this.pages.pageCount?.(pageId);
    if (!count || count < 2) return [];
    const { docId, pageNumber } = parsePageId(pageId);
    const go = (n: number) => this.open(pageIdOf(docId, n), [], options.note ? {} : options);
    const previous = h('button', { type: 'button', class: 'secondary small previous-page', disabled: pageNumber <= 1, 'aria-label': 'Previous page' }, '‹ Previous');
    const next = h('button', { type: 'button', class: 'secondary small next-page', disabled: pageNumber >= count, 'aria-label': 'Next page' }, 'Next ›');
    previous.addEventListener('click', () => go(pageNumber - 1));
    next.addEventListener('click', () => go(pageNumber + 1));
    return [previous, h('span', { class: 'muted page-count', 'aria-live': 'polite' }, `page ${pageNumber} of ${count}`), next];
  }

  /** Thumbnails of the pages around this one (a window, so a 300-page report stays light). */
  private strip(pageId: string, options: ViewerOptions): HTMLElement {
    const count = this.pages.pageCount?.(pageId);
    if (!count || count < 2) return h('div', {});
    const { docId, pageNumber } = parsePageId(pageId);
    const first = Math.max(1, Math.min(pageNumber - STRIP_RADIUS, count - 2 * STRIP_RADIUS));
    const last = Math.min(count, first + 2 * STRIP_RADIUS);
    const list = h('ol', { class: 'page-strip', 'aria-label': 'Pages of this document' });
    for (let n = first; n <= last; n++) {
      const id = pageIdOf(docId, n);
      const button = thumbnailButton(this.pages.thumbnail(id), '', String(n), { class: 'thumb', 'aria-label': `Page ${n}`, ...(n === pageNumber ? { 'aria-current': 'page' } : {}) });
      button.addEventListener('click', () => this.open(id, [], options.note ? {} : options));
      list.append(h('li', {}, button));
    }
    return list;
  }

  /** The page's text as the app has it, so a word the OCR missed can be noticed, and where each line was found. */
  private textPanel(pageId: string, figure: HTMLElement): HTMLElement {
    const body = h('pre', { class: 'page-text' }, 'Reading…');
    const summary = h('summary', {}, 'Text on this page');
    const showLines = h('input', { type: 'checkbox', disabled: true });
    const panel = h('details', { class: 'page-text-panel' }, summary, h('label', { class: 'check' }, showLines, ' Outline each line of text on the page'), body);
    if (!this.pages.text) return h('div', {});
    void this.pages.text(pageId).then(
      (text) => {
        summary.textContent = text?.ocr ? 'Text on this page (read by OCR)' : 'Text on this page';
        body.textContent = text?.text.trim() ? text.text : 'No text was found on this page.';
        showLines.disabled = !text?.lines.length;
        showLines.addEventListener('change', () => outlineLines(figure, showLines.checked ? (text?.lines ?? []) : []));
      },
      () => (body.textContent = 'The text of this page could not be read.'),
    );
    return panel;
  }
}
