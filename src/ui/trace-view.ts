/**
 * The live reasoning trace: one entry per turn with the streamed model output, the thought, the
 * search and its result thumbnails, crops (the page with the crop chain next to the zoomed crop),
 * invalid-action notes, and how the episode ended. Everything is set as text.
 */
import type { AgentEvent, EpisodeOutcome, ImageRecord } from '../agent/types.ts';
import type { Region } from '../perception/geometry.ts';
import { h, uid } from './dom.ts';
import { pageFigure, pendingImage, thumbnailButton } from './page-figure.ts';
import { pageTitle, type PageSource } from './page-source.ts';

export class TraceView {
  readonly element: HTMLElement;
  readonly log: HTMLElement;
  private turns = new Map<number, { entry: HTMLElement; stream: HTMLElement; details: HTMLDetailsElement }>();
  private crops = new Map<string, Region[]>();
  private empty: HTMLElement;
  private lastInvalid: { problem: string; index: number; first: number; count: number; note: HTMLElement } | null = null;
  /** Keep the newest step in view, until the reader scrolls up to read an earlier one. */
  private follow = true;

  constructor(
    private readonly pages: PageSource,
    private readonly onOpenPage: (pageId: string, regions: Region[]) => void = () => {},
  ) {
    const headingId = uid('trace');
    this.empty = h('p', { class: 'muted empty' }, 'Ask a question: each step the model takes appears here as it happens.');
    this.log = h('div', { role: 'log', 'aria-labelledby': headingId, 'aria-live': 'polite', class: 'trace-log' }, this.empty);
    this.element = h('div', { class: 'trace' }, h('h3', { id: headingId }, 'Reasoning trace'), this.log);
    this.log.addEventListener('scroll', () => {
      this.follow = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 32;
    }, { passive: true });
    new MutationObserver(() => {
      if (this.follow) this.log.scrollTop = this.log.scrollHeight;
    }).observe(this.log, { childList: true, subtree: true, characterData: true });
  }

  reset(): void {
    this.follow = true;
    this.lastInvalid = null;
    this.turns.clear();
    this.crops.clear();
    this.log.replaceChildren();
  }

  /** A line between samples (best-of-N) or a replay heading. */
  note(text: string): void {
    this.turns.clear();
    this.crops.clear();
    this.log.append(h('p', { class: 'trace-note' }, text));
  }

  handle(event: AgentEvent): void {
    switch (event.type) {
      case 'turn':
        this.turn(event.index);
        return;
      case 'token': {
        const turn = this.turn(event.index);
        turn.stream.append(event.text);
        return;
      }
      case 'thought':
        this.closeStream(event.index);
        this.add(event.index, h('p', { class: 'thought' }, h('strong', {}, 'Thought '), event.text));
        return;
      case 'action':
        this.closeStream(event.index);
        return;
      case 'search':
        this.add(event.index, h('p', { class: 'query' }, h('strong', {}, 'Search '), `“${event.query}”`));
        return;
      case 'results':
        this.add(event.index, this.results(event.search.results.map((r) => r.pageId), event.search.shownPageId));
        return;
      case 'image':
        if (event.image.kind === 'crop') this.add(event.index, this.crop(event.image, event.source));
        return;
      case 'invalid': {
        this.closeStream(event.index);
        // A model stuck on the same mistake gets one red note, not one per step.
        const repeat = this.lastInvalid?.problem === event.problem && this.lastInvalid.index === event.index - 1;
        if (repeat) {
          this.lastInvalid!.index = event.index;
          this.lastInvalid!.count++;
          this.lastInvalid!.note.lastChild!.textContent = ` — ${event.problem} (${this.lastInvalid!.count} steps in a row)`;
          this.turn(event.index).details.open = false;
          this.add(event.index, h('p', { class: 'muted' }, `The same invalid action as step ${this.lastInvalid!.first + 1}.`));
          return;
        }
        const note = h('p', { class: 'invalid', role: 'note' }, h('strong', {}, 'Invalid action'), h('span', {}, ` — ${event.problem}`));
        this.lastInvalid = { problem: event.problem, index: event.index, first: event.index, count: 1, note };
        this.add(event.index, note);
        return;
      }
      case 'observation':
        if (event.observation.kind === 'text') this.add(event.index, h('p', { class: 'observation muted' }, `Told the model: ${event.observation.text}`));
        return;
      case 'answer':
        this.add(event.index, h('p', { class: 'answer-line' }, h('strong', {}, 'Answer '), event.text));
        return;
      case 'error':
        // The message is in the Answer box and the end line; here only the step it stopped.
        this.dropEmptyOutputs();
        return;
      case 'end':
        this.dropEmptyOutputs();
        this.log.append(h('p', { class: `end end-${event.outcome.status}` }, endText(event.outcome)));
        return;
    }
  }

  private turn(index: number) {
    let turn = this.turns.get(index);
    if (turn) return turn;
    this.empty.remove();
    const stream = h('pre', { class: 'stream' });
    const details = h('details', { open: true, class: 'model-output' }, h('summary', {}, 'Model output'), stream);
    const entry = h('article', { class: 'turn', 'aria-label': `Step ${index + 1}` }, h('h4', {}, `Step ${index + 1}`), details);
    this.log.append(entry);
    turn = { entry, stream, details };
    this.turns.set(index, turn);
    return turn;
  }

  private add(index: number, node: HTMLElement): void {
    this.turn(index).entry.append(node);
  }

  /** A step that ended before the model wrote anything has no output to show. */
  private dropEmptyOutputs(): void {
    for (const turn of this.turns.values()) if (!turn.stream.textContent) turn.details.remove();
  }

  private closeStream(index: number): void {
    const turn = this.turn(index);
    if (turn.stream.textContent) turn.details.open = false;
  }

  private results(pageIds: string[], shown: string | null): HTMLElement {
    if (pageIds.length === 0) return h('p', { class: 'muted' }, 'No pages matched.');
    const list = h('ul', { class: 'thumbs', 'aria-label': 'Pages found' });
    for (const pageId of pageIds) {
      const title = pageTitle(this.pages.label(pageId));
      const caption = pageId === shown ? `${title} (shown)` : title;
      const button = thumbnailButton(this.pages.thumbnail(pageId), title, caption, { class: `thumb${pageId === shown ? ' shown' : ''}`, title: `Open ${title}` });
      button.addEventListener('click', () => this.onOpenPage(pageId, this.crops.get(pageId) ?? []));
      list.append(h('li', {}, button));
    }
    return list;
  }

  private crop(image: ImageRecord, source: Promise<Blob>): HTMLElement {
    const chain = [...(this.crops.get(image.pageId) ?? []), image.region];
    this.crops.set(image.pageId, chain);
    const title = pageTitle(this.pages.label(image.pageId));
    const label = `Crop ${chain.length} of ${title}`;
    const r = image.region;
    const where = `${Math.round(r.width)}×${Math.round(r.height)} px at (${Math.round(r.x)}, ${Math.round(r.y)})`;
    return h(
      'div',
      { class: 'crop' },
      pageFigure(this.pages.image(image.pageId), title, chain, `${title}, crop chain`),
      h('figure', { class: 'crop-figure' }, pendingImage(source, label), h('figcaption', {}, `${label}: ${where}`, image.pastEdge ? h('span', { class: 'muted' }, ' — the box went past the image edge, so the crop stops there') : '')),
    );
  }
}

export function endText(outcome: EpisodeOutcome): string {
  switch (outcome.status) {
    case 'answered':
      return 'Answered.';
    case 'no-answer':
      return 'Ended without an answer.';
    case 'cancelled':
      return outcome.message ?? 'Stopped.';
    case 'error':
      return 'Stopped by the error shown under Answer.';
  }
}
