/**
 * A modal dialog showing one page: opened from an answer or the trace it outlines the regions the
 * model zoomed into; opened from the library or a search it is a page browser for documents of any
 * length: previous / next, a page-number box, Home / End / PageUp / PageDown and the arrow keys, a
 * strip of every page's thumbnail (fetched as they scroll into view), zoom steps (fit width,
 * 100 %, 200 % of the page image's pixels) with the page panned inside the dialog, the words a
 * search matched marked on the page, and the page's text to read, select and copy. The zoom is kept
 * while paging through a document and goes back to fit width when another document opens. Escape
 * or Close shuts it.
 */
import type { Rect } from '../perception/geometry.ts';
import { analyze } from '../retrieval/text/analyze.ts';
import { pageIdOf, parsePageId } from '../store/index.ts';
import { h, svg, uid } from './dom.ts';
import { lazyThumbnailButton, pageFigure } from './page-figure.ts';
import { pageTitle, type PageSource, type PageTextView, type TextLineView } from './page-source.ts';

export type Zoom = 'fit' | 1 | 2;

const ZOOMS: readonly { zoom: Zoom; label: string; title: string }[] = [
  { zoom: 'fit', label: 'Fit width', title: 'The page as wide as this window' },
  { zoom: 1, label: '100 %', title: 'One screen pixel for each pixel of the page image' },
  { zoom: 2, label: '200 %', title: 'Twice the size of the page image' },
];

/** A word as the search index splits text (letters and digits, inner dots, commas, apostrophes and hyphens kept). */
const WORD = /[\p{L}\p{N}](?:[\p{L}\p{N}.,'’‐‑-]*[\p{L}\p{N}])?/gu;

export interface ViewerOptions {
  /** A sentence under the title (e.g. why this page is shown). */
  note?: string;
  /**
   * The indexed terms a search matched (`matchedTerms(result.matched)` from ./snippet.ts): the
   * words that index to them are marked on the page image and in its text, on every page of the
   * document while it stays open.
   */
  terms?: Iterable<string>;
}

interface Showing {
  pageId: string;
  docId: string | null;
  pageNumber: number;
  /** Pages in the document; 0 where the source cannot page (a crop's page in the trace). */
  count: number;
}

let measurer: OffscreenCanvasRenderingContext2D | null | undefined;
/** How wide a run of text is in a sans-serif face (proportions only); its length in characters where canvas is missing. */
function textWidth(text: string): number {
  if (measurer === undefined) {
    measurer = typeof OffscreenCanvas === 'undefined' ? null : new OffscreenCanvas(1, 1).getContext('2d');
    if (measurer) measurer.font = '100px sans-serif';
  }
  return measurer ? measurer.measureText(text).width : text.length;
}

/** Where each word of a line lies: its own box when the reader gave one, else its share of the line's width as set in type. */
function wordBoxes(line: TextLineView): { text: string; box: Rect }[] {
  if (line.words?.length) return line.words;
  const total = textWidth(line.text) || 1;
  return [...line.text.matchAll(WORD)].map((m) => {
    const start = textWidth(line.text.slice(0, m.index)) / total;
    const end = textWidth(line.text.slice(0, m.index + m[0].length)) / total;
    return { text: m[0], box: { x: line.box.x + line.box.width * start, y: line.box.y, width: line.box.width * (end - start), height: line.box.height } };
  });
}

export class PageViewer {
  readonly element: HTMLDialogElement;
  private opener: HTMLElement | null = null;
  private showing: Showing | null = null;
  private regions: readonly Rect[] = [];
  private terms: ReadonlySet<string> | null = null;
  private zoom: Zoom = 'fit';
  /** The document the zoom belongs to: another document opens at fit width. */
  private zoomDoc: string | null = null;

  private readonly heading = h('h2', {});
  private readonly note = h('p', { class: 'muted viewer-note' });
  private readonly previous = h('button', { type: 'button', class: 'secondary small previous-page', 'aria-label': 'Previous page', title: 'Previous page (← or Page Up)' }, '‹ Previous');
  private readonly next = h('button', { type: 'button', class: 'secondary small next-page', 'aria-label': 'Next page', title: 'Next page (→ or Page Down)' }, 'Next ›');
  private readonly pageInput = h('input', { type: 'number', min: 1, step: 1, inputmode: 'numeric', enterkeyhint: 'go', class: 'page-input', id: uid('page-number') });
  private readonly pageTotal = h('span', { class: 'page-total', id: uid('page-total') });
  /** Says the page reached by a key or a thumbnail ("Page 12 of 231"), for screen readers. */
  private readonly announce = h('span', { class: 'visually-hidden page-count', 'aria-live': 'polite' });
  private readonly pager: HTMLElement;
  private readonly zoomButtons = new Map<Zoom, HTMLButtonElement>();
  private readonly scroller = h('div', { class: 'viewer-scroll', tabindex: 0, role: 'region', 'aria-label': 'Page image' });
  private figure: HTMLElement | null = null;
  private strip: HTMLOListElement | null = null;
  private stripDoc: string | null = null;
  private stripObserver: IntersectionObserver | null = null;
  private thumbs: HTMLButtonElement[] = [];

  private readonly textSummary = h('summary', {}, 'Text on this page');
  private readonly textBody = h('pre', { class: 'page-text', tabindex: 0 });
  private readonly showLines = h('input', { type: 'checkbox', disabled: true });
  private readonly copyButton = h('button', { type: 'button', class: 'secondary small copy-text', disabled: true }, 'Copy text');
  private readonly copyStatus = h('span', { class: 'hint viewer-copy-status', role: 'status' });
  private readonly matchesLine = h('p', { class: 'hint viewer-matches', hidden: true });
  private pageText: PageTextView | null = null;

  constructor(private readonly pages: PageSource) {
    this.element = h('dialog', { class: 'page-viewer' });
    this.listenToDialog();
    const close = h('button', { type: 'button', class: 'secondary viewer-close' }, 'Close');
    close.addEventListener('click', () => this.element.close());
    this.pager = this.pagerControls();
    const steps = this.zoomSteps();
    this.panByDragging();
    this.element.append(
      h('header', { class: 'viewer-header' }, this.heading, close),
      this.note,
      h('div', { class: 'viewer-toolbar' }, this.pager, steps),
      this.matchesLine,
      this.scroller,
      this.textPanel(),
    );
  }

  /** Focus back to the opener on close, a click on the backdrop to close, and the dialog's keys. */
  private listenToDialog(): void {
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
    this.element.addEventListener('keydown', (e) => this.onKey(e));
  }

  /** Previous / next, the page-number box (Enter or a change jumps) and the page count. */
  private pagerControls(): HTMLElement {
    this.previous.addEventListener('click', () => this.goTo((this.showing?.pageNumber ?? 1) - 1));
    this.next.addEventListener('click', () => this.goTo((this.showing?.pageNumber ?? 0) + 1));
    this.pageInput.setAttribute('aria-describedby', this.pageTotal.id);
    this.pageInput.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter') return;
      e.preventDefault();
      this.jump();
    });
    this.pageInput.addEventListener('change', () => this.jump());
    return h(
      'div',
      { class: 'pager' },
      this.previous,
      h('span', { class: 'page-jump' }, h('label', { for: this.pageInput.id }, 'Page'), this.pageInput, this.pageTotal),
      this.next,
      this.announce,
    );
  }

  /** A button for each zoom step. */
  private zoomSteps(): HTMLElement {
    const steps = h('div', { class: 'zoom-steps', role: 'group', 'aria-label': 'Zoom' });
    for (const { zoom, label, title } of ZOOMS) {
      const button = h('button', { type: 'button', class: 'secondary small', 'aria-pressed': 'false', title }, label);
      button.addEventListener('click', () => this.setZoom(zoom));
      this.zoomButtons.set(zoom, button);
      steps.append(button);
    }
    return steps;
  }

  /** The page's text to read and copy, its lines outlined on the page on request; hidden for a source without page text (a trace's pages). */
  private textPanel(): HTMLElement {
    this.copyButton.addEventListener('click', () => void this.copyText());
    this.showLines.addEventListener('change', () => this.drawOverlay());
    return h(
      'details',
      { class: 'page-text-panel', hidden: !this.pages.text },
      this.textSummary,
      h('div', { class: 'page-text-tools' }, this.copyButton, h('label', { class: 'check' }, this.showLines, ' Outline each line of text on the page'), this.copyStatus),
      this.textBody,
    );
  }

  /**
   * Shows `pageId`. `regions` (page-image pixels) are outlined, coarse to fine; `options.terms`, the
   * indexed terms a search matched, mark the words that match them.
   */
  open(pageId: string, regions: readonly Rect[] = [], options: ViewerOptions = {}): void {
    if (!this.element.open) this.opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const docId = this.docOf(pageId);
    if (docId !== this.zoomDoc) {
      this.zoom = 'fit';
      this.zoomDoc = docId;
    }
    this.terms = options.terms ? new Set(options.terms) : null;
    const note =
      options.note ??
      (regions.length ? `${regions.length === 1 ? 'The region' : `${regions.length} regions, coarse to fine,`} the model zoomed into ${regions.length === 1 ? 'is' : 'are'} outlined.` : '');
    this.show(pageId, regions, note);
    if (!this.element.isConnected) document.body.append(this.element);
    if (!this.element.open) this.element.showModal();
    this.element.querySelector<HTMLButtonElement>('.viewer-close')!.focus();
  }

  close(): void {
    if (this.element.open) this.element.close();
  }

  /** The zoom step in force. */
  get zoomLevel(): Zoom {
    return this.zoom;
  }

  private docOf(pageId: string): string | null {
    try {
      return parsePageId(pageId).docId;
    } catch {
      return null;
    }
  }

  private show(pageId: string, regions: readonly Rect[], note: string): void {
    const docId = this.docOf(pageId);
    const pageNumber = docId ? parsePageId(pageId).pageNumber : 1;
    const count = docId ? (this.pages.pageCount?.(pageId) ?? 0) : 0;
    this.showing = { pageId, docId, pageNumber, count };
    this.regions = regions;
    const title = pageTitle(this.pages.label(pageId));
    this.heading.textContent = title;
    this.element.setAttribute('aria-label', title);
    this.note.textContent = note;
    this.note.hidden = !note;

    const pages = count >= 2;
    this.pager.hidden = !pages;
    if (pages) {
      this.previous.disabled = pageNumber <= 1;
      this.next.disabled = pageNumber >= count;
      this.pageInput.max = String(count);
      this.pageInput.value = String(pageNumber);
      this.pageTotal.textContent = `of ${count}`;
      this.announce.textContent = `Page ${pageNumber} of ${count}`;
    }
    this.updateStrip(pages ? docId : null, count, pageNumber);

    this.figure = pageFigure(this.pages.image(pageId), title, regions);
    // Sized once the image's pixels are known (the zoom steps are multiples of them).
    this.figure.addEventListener('load', () => {
      this.applyZoom(false);
      this.scrollToFirstMatch();
    }, true);
    this.scroller.replaceChildren(this.figure);
    this.scroller.scrollTop = 0;
    this.applyZoom(false);
    this.loadText(pageId);
  }

  /** Another page of the document on show: the zoom, the marked terms and the text panel stay. */
  private goTo(pageNumber: number): void {
    const showing = this.showing;
    if (!showing?.docId || showing.count < 2) return;
    const n = Math.min(showing.count, Math.max(1, Math.round(pageNumber)));
    if (n === showing.pageNumber) {
      this.pageInput.value = String(n);
      return;
    }
    const thumbFocused = this.thumbs.includes(document.activeElement as HTMLButtonElement);
    this.show(pageIdOf(showing.docId, n), [], '');
    if (thumbFocused) this.thumbs[n - 1]?.focus();
    // A button that just became disabled (Previous on page 1) drops focus: keep it in the dialog.
    const active = document.activeElement;
    if (!active || !this.element.contains(active) || (active as HTMLButtonElement).disabled) this.pageInput.focus();
  }

  private jump(): void {
    const n = Number.parseInt(this.pageInput.value, 10);
    if (Number.isFinite(n)) this.goTo(n);
    else if (this.showing) this.pageInput.value = String(this.showing.pageNumber);
  }

  private onKey(e: KeyboardEvent): void {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const target = e.target;
    if (target instanceof HTMLTextAreaElement || target instanceof HTMLInputElement || target instanceof HTMLSelectElement) return;
    const showing = this.showing;
    // A page wider than the window pans with ← → while it has focus, as any scrolling area does.
    const panning = target === this.scroller && this.scroller.scrollWidth > this.scroller.clientWidth + 1;
    const page = showing?.pageNumber ?? 1;
    const moves: Record<string, number> = { PageDown: page + 1, PageUp: page - 1, Home: 1, End: showing?.count ?? 1 };
    if (!panning) Object.assign(moves, { ArrowRight: page + 1, ArrowLeft: page - 1 });
    if (e.key in moves && showing && showing.count >= 2) {
      e.preventDefault();
      this.goTo(moves[e.key]!);
      return;
    }
    const step = ZOOMS.findIndex((z) => z.zoom === this.zoom);
    if (e.key === '+' || e.key === '=') this.setZoom(ZOOMS[Math.min(ZOOMS.length - 1, step + 1)]!.zoom);
    if (e.key === '-') this.setZoom(ZOOMS[Math.max(0, step - 1)]!.zoom);
  }

  private setZoom(zoom: Zoom): void {
    this.zoom = zoom;
    this.applyZoom(true);
  }

  /** Sizes the page for the zoom step (keeping the middle of what is seen in the middle) and says which step is on. */
  private applyZoom(keepCentre: boolean): void {
    for (const [zoom, button] of this.zoomButtons) button.setAttribute('aria-pressed', String(zoom === this.zoom));
    const frame = this.figure?.querySelector<HTMLElement>('.page-frame');
    if (!frame) return;
    const s = this.scroller;
    const cx = s.scrollWidth ? (s.scrollLeft + s.clientWidth / 2) / s.scrollWidth : 0.5;
    const cy = s.scrollHeight ? (s.scrollTop + s.clientHeight / 2) / s.scrollHeight : 0;
    const img = frame.querySelector('img');
    this.figure!.dataset.zoom = String(this.zoom);
    frame.style.width = this.zoom === 'fit' || !img?.naturalWidth ? '' : `${img.naturalWidth * this.zoom}px`;
    if (keepCentre) {
      s.scrollLeft = cx * s.scrollWidth - s.clientWidth / 2;
      s.scrollTop = cy * s.scrollHeight - s.clientHeight / 2;
    }
    s.classList.toggle('pannable', this.zoom !== 'fit');
  }

  /** Drag the page with the mouse to pan it when it is larger than the window. */
  private panByDragging(): void {
    const s = this.scroller;
    let drag: { x: number; y: number; left: number; top: number } | null = null;
    s.addEventListener('pointerdown', (e) => {
      if (e.button !== 0 || e.pointerType !== 'mouse' || (s.scrollWidth <= s.clientWidth && s.scrollHeight <= s.clientHeight)) return;
      // Taking the pointer's default away would keep focus out of the page: give it here, for the keys.
      s.focus({ preventScroll: true });
      drag = { x: e.clientX, y: e.clientY, left: s.scrollLeft, top: s.scrollTop };
      s.setPointerCapture(e.pointerId);
      s.classList.add('panning');
      e.preventDefault();
    });
    s.addEventListener('pointermove', (e) => {
      if (!drag) return;
      s.scrollLeft = drag.left - (e.clientX - drag.x);
      s.scrollTop = drag.top - (e.clientY - drag.y);
    });
    const end = () => {
      drag = null;
      s.classList.remove('panning');
    };
    s.addEventListener('pointerup', end);
    s.addEventListener('pointercancel', end);
  }

  /** Every page of the document as a thumbnail, fetched when it scrolls into view; the current one marked and in view. */
  private updateStrip(docId: string | null, count: number, pageNumber: number): void {
    if (!docId) {
      this.strip?.remove();
      this.stripObserver?.disconnect();
      this.strip = null;
      this.stripDoc = null;
      this.thumbs = [];
      return;
    }
    if (docId !== this.stripDoc || this.thumbs.length !== count) {
      this.stripObserver?.disconnect();
      const list = h('ol', { class: 'page-strip', 'aria-label': 'Pages of this document' });
      const loaders = new Map<Element, () => void>();
      const observer = new IntersectionObserver(
        (entries) => {
          for (const entry of entries) {
            if (!entry.isIntersecting) continue;
            loaders.get(entry.target)?.();
            observer.unobserve(entry.target);
          }
        },
        { root: list, rootMargin: '0px 50%' },
      );
      this.thumbs = [];
      for (let n = 1; n <= count; n++) {
        const id = pageIdOf(docId, n);
        const { button, load } = lazyThumbnailButton(() => this.pages.thumbnail(id), String(n), { class: 'thumb', 'aria-label': `Page ${n}`, tabindex: '-1' });
        button.addEventListener('click', () => this.goTo(n));
        loaders.set(button, load);
        observer.observe(button);
        this.thumbs.push(button);
        list.append(h('li', {}, button));
      }
      if (this.strip) this.strip.replaceWith(list);
      else this.scroller.before(list);
      this.strip = list;
      this.stripDoc = docId;
      this.stripObserver = observer;
    }
    this.thumbs.forEach((button, i) => {
      const current = i + 1 === pageNumber;
      if (current) button.setAttribute('aria-current', 'page');
      else button.removeAttribute('aria-current');
      // One Tab stop for the strip: the current page (← → and the page keys move it).
      button.tabIndex = current ? 0 : -1;
    });
    const current = this.thumbs[pageNumber - 1];
    const strip = this.strip!;
    const keepInView = () => {
      if (!current) return;
      const left = current.offsetLeft - strip.offsetLeft;
      if (left < strip.scrollLeft || left + current.offsetWidth > strip.scrollLeft + strip.clientWidth) strip.scrollLeft = left - (strip.clientWidth - current.offsetWidth) / 2;
    };
    keepInView();
    // The first time, the dialog is laid out only once it opens.
    if (!strip.clientWidth) requestAnimationFrame(keepInView);
  }

  private loadText(pageId: string): void {
    this.pageText = null;
    this.textSummary.textContent = 'Text on this page';
    this.textBody.textContent = this.pages.text ? 'Reading…' : 'This page has no text here.';
    this.copyButton.disabled = true;
    this.showLines.disabled = true;
    this.copyStatus.textContent = '';
    this.matchesLine.hidden = true;
    this.drawOverlay();
    if (!this.pages.text) return;
    void this.pages.text(pageId).then(
      (text) => {
        if (this.showing?.pageId !== pageId) return;
        this.pageText = text;
        this.textSummary.textContent = text?.ocr ? 'Text on this page (read by OCR)' : 'Text on this page';
        const hasText = !!text?.text.trim();
        this.copyButton.disabled = !hasText;
        this.showLines.disabled = !text?.lines.length;
        this.textBody.replaceChildren(...(hasText ? this.markedText(text!.text) : ['No text was found on this page.']));
        this.drawOverlay();
        this.scrollToFirstMatch();
      },
      () => {
        if (this.showing?.pageId === pageId) this.textBody.textContent = 'The text of this page could not be read.';
      },
    );
  }

  private isMatch(word: string): boolean {
    const terms = this.terms;
    return !!terms && analyze(word).some((t) => terms.has(t));
  }

  /** The page text with the words the search matched in <mark>. */
  private markedText(text: string): (Node | string)[] {
    if (!this.terms?.size) return [text];
    const parts: (Node | string)[] = [];
    let at = 0;
    for (const m of text.matchAll(WORD)) {
      if (!this.isMatch(m[0])) continue;
      if (m.index > at) parts.push(text.slice(at, m.index));
      parts.push(h('mark', {}, m[0]));
      at = m.index + m[0].length;
    }
    if (at < text.length) parts.push(text.slice(at));
    return parts;
  }

  /** The boxes drawn over the page: the regions (drawn by pageFigure), each line on request, the matched words. */
  private drawOverlay(): void {
    const overlay = this.figure?.querySelector('svg.regions');
    if (!overlay) return;
    overlay.querySelectorAll('.line-box, .match-box').forEach((r) => r.remove());
    const lines = this.pageText?.lines ?? [];
    const box = (r: Rect, cls: string) => svg('rect', { x: r.x, y: r.y, width: r.width, height: r.height, class: cls, 'vector-effect': 'non-scaling-stroke' });
    if (this.showLines.checked) for (const line of lines) overlay.append(box(line.box, 'line-box'));
    if (!this.terms?.size) return;
    let marked = 0;
    for (const line of lines) {
      for (const word of wordBoxes(line)) {
        if (!this.isMatch(word.text)) continue;
        overlay.append(box(word.box, 'match-box'));
        marked++;
      }
    }
    this.matchesLine.hidden = false;
    this.matchesLine.textContent = marked
      ? `${marked === 1 ? 'The word' : `${marked} words`} your search matched ${marked === 1 ? 'is' : 'are'} marked on this page.`
      : 'The words your search matched are not on this page.';
  }

  /** With marked words, the first one is brought into view. */
  private scrollToFirstMatch(): void {
    const first = this.figure?.querySelector<SVGRectElement>('.match-box');
    const img = this.figure?.querySelector('img');
    if (!first || !img?.naturalHeight || !img.clientHeight) return;
    const scale = img.clientHeight / img.naturalHeight;
    const s = this.scroller;
    const y = Number(first.getAttribute('y')) * scale;
    const x = Number(first.getAttribute('x')) * scale;
    if (y < s.scrollTop || y > s.scrollTop + s.clientHeight - 20) s.scrollTop = y - s.clientHeight / 3;
    if (x < s.scrollLeft || x > s.scrollLeft + s.clientWidth - 20) s.scrollLeft = x - s.clientWidth / 3;
  }

  /** Copies the page text; where the browser refuses, the text is selected for Ctrl+C instead. */
  private async copyText(): Promise<void> {
    const text = this.pageText?.text ?? '';
    if (!text.trim()) return;
    try {
      if (!navigator.clipboard?.writeText) throw new Error('no clipboard');
      await navigator.clipboard.writeText(text);
      this.copyStatus.textContent = 'Copied the text of this page.';
    } catch {
      const selection = getSelection();
      selection?.selectAllChildren(this.textBody);
      this.textBody.focus();
      const mac = /Mac|iPhone|iPad/.test(navigator.platform);
      this.copyStatus.textContent = `This browser did not let the app copy: the text is selected, press ${mac ? '⌘C' : 'Ctrl+C'} to copy it.`;
    }
  }
}
