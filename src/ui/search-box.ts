/** Searching the library directly: page thumbnails with the signals that found them. */
import type { Retriever, SignalName } from '../retrieval/types.ts';
import { describeError } from '../errors.ts';
import { blobImage, field, h } from './dom.ts';
import { plural } from './format.ts';
import { pageTitle, type PageSource } from './page-source.ts';
import { describeMatches, matchedTerms, snippet } from './snippet.ts';

/** What each retrieval signal found a page by, in words. */
const SIGNAL_LABELS: Record<SignalName, string> = { bm25: 'words', 'text-dense': 'meaning of the text', 'image-dense': 'the page image' };
const SIGNAL_NAMES = new Map<string, string>(Object.entries(SIGNAL_LABELS));

export class SearchBox {
  readonly element: HTMLElement;
  private readonly input = h('input', { type: 'search', placeholder: 'Words on a page…', autocomplete: 'off' });
  private readonly results = h('ul', { 'aria-label': 'Search results', class: 'search-results' });
  private readonly summary = h('p', { class: 'hint', 'aria-live': 'polite' });
  /** Which documents a search covers, when not all of them: the same scope the question uses. */
  private readonly scopeNote = h('p', { class: 'hint search-scope', hidden: true });
  private scopeKey = '';
  private timer = 0;
  private run = 0;

  constructor(
    private readonly retriever: () => Retriever,
    private readonly pages: PageSource,
    private readonly topK: () => number,
    /** Opens a result's page; `terms` are the indexed words it matched, for the viewer to mark. */
    private readonly onOpen: (pageId: string, terms?: ReadonlySet<string>) => void,
  ) {
    this.input.addEventListener('input', () => {
      clearTimeout(this.timer);
      this.timer = window.setTimeout(() => void this.search(), 250);
    });
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        clearTimeout(this.timer);
        void this.search();
      }
    });
    this.element = h('div', { class: 'search-box', role: 'search' }, field('Search pages', this.input), this.scopeNote, this.summary, this.results);
  }

  /** The documents searched changed (the question's scope): say so and search again. */
  setScope(docIds: readonly string[], line: string): void {
    this.scopeNote.hidden = docIds.length === 0;
    this.scopeNote.textContent = docIds.length ? line : '';
    const key = docIds.join('\n');
    if (key === this.scopeKey) return;
    this.scopeKey = key;
    if (this.input.value.trim()) void this.search();
  }

  async search(): Promise<void> {
    const query = this.input.value.trim();
    const run = ++this.run;
    if (!query) {
      this.results.replaceChildren();
      this.summary.textContent = '';
      return;
    }
    try {
      const found = await this.retriever().search(query, this.topK());
      if (run !== this.run) return;
      this.summary.textContent = found.length ? `${plural(found.length, 'page')} for “${query}”` : `No page matches “${query}”.`;
      this.results.replaceChildren(
        ...found.map((r) => {
          const title = pageTitle(this.pages.label(r.pageId));
          const signals = (r.signals ?? []).map((s) => (s === 'bm25' && r.matched?.length ? describeMatches(r.matched) : (SIGNAL_NAMES.get(s) ?? s))).join(', ');
          const thumb = h('span', { class: 'thumb-img' });
          this.pages.thumbnail(r.pageId).then((blob) => thumb.replaceChildren(blobImage(blob, title, { loading: 'lazy' })), () => {});
          const passage = h('small', { class: 'snippet' });
          void this.pages.text?.(r.pageId).then((page) => {
            for (const part of snippet(page?.text ?? '', query, 160, matchedTerms(r.matched))) passage.append(part.match ? h('mark', {}, part.text) : document.createTextNode(part.text));
          }, () => {});
          const button = h(
            'button',
            { type: 'button', class: 'result', title: `Open ${title}` },
            thumb,
            h('span', { class: 'result-text' }, h('span', {}, title), passage, h('small', { class: 'muted' }, signals ? `found by ${signals}` : '')),
          );
          button.addEventListener('click', () => this.onOpen(r.pageId, matchedTerms(r.matched)));
          return h('li', {}, button);
        }),
      );
    } catch (error) {
      if (run === this.run) this.summary.textContent = `Search failed: ${describeError(error)}`;
    }
  }
}
