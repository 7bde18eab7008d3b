/** A modal dialog showing one page with the regions the agent cropped drawn on it. Escape or Close shuts it. */
import type { Rect } from '../perception/geometry.ts';
import { h } from './dom.ts';
import { pageFigure } from './page-figure.ts';
import { pageTitle, type PageSource } from './page-source.ts';

export class PageViewer {
  readonly element: HTMLDialogElement;
  private opener: HTMLElement | null = null;

  constructor(private readonly pages: PageSource) {
    this.element = h('dialog', { class: 'page-viewer' });
    this.element.addEventListener('close', () => this.opener?.focus());
    // A click on the backdrop (outside the content box) closes too.
    this.element.addEventListener('click', (e) => {
      if (e.target === this.element) this.element.close();
    });
  }

  open(pageId: string, regions: readonly Rect[] = []): void {
    const title = pageTitle(this.pages.label(pageId));
    this.opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const close = h('button', { type: 'button', class: 'secondary' }, 'Close');
    close.addEventListener('click', () => this.element.close());
    const note = regions.length
      ? `${regions.length === 1 ? 'The region' : `${regions.length} regions, coarse to fine,`} the model zoomed into ${regions.length === 1 ? 'is' : 'are'} outlined.`
      : 'The model saw this whole page.';
    this.element.setAttribute('aria-label', title);
    this.element.replaceChildren(
      h('header', { class: 'viewer-header' }, h('h2', {}, title), close),
      h('p', { class: 'muted' }, note),
      pageFigure(this.pages.image(pageId), title, regions),
    );
    if (!this.element.isConnected) document.body.append(this.element);
    if (!this.element.open) this.element.showModal();
    close.focus();
  }

  close(): void {
    if (this.element.open) this.element.close();
  }
}
