/** The answer region: the answer (or "No answer found", or the error) and the pages it cites. */
import { citations } from '../agent/citations.ts';
import type { EpisodeOutcome, Trajectory } from '../agent/types.ts';
import type { Region } from '../perception/geometry.ts';
import { h, replaceChildren, uid } from './dom.ts';
import { pageTitle, type PageSource } from './page-source.ts';

export class AnswerView {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;

  constructor(
    private readonly pages: PageSource,
    private readonly onOpenPage: (pageId: string, regions: Region[]) => void,
  ) {
    const headingId = uid('answer');
    this.body = h('div', { class: 'answer-body' }, h('p', { class: 'muted' }, 'The answer and the pages it rests on appear here.'));
    this.element = h('section', { class: 'answer', 'aria-labelledby': headingId }, h('h3', { id: headingId }, 'Answer'), this.body);
  }

  clear(text = 'Working…'): void {
    this.body.replaceChildren(h('p', { class: 'muted' }, text));
  }

  message(text: string, kind: 'error' | 'info' = 'error'): void {
    this.body.replaceChildren(h('p', { class: `${kind} transient` }, text));
  }

  /** Removes a message (e.g. "no model loaded") once it no longer holds; an answer stays. */
  clearMessage(): void {
    if (this.body.querySelector('.transient')) this.body.replaceChildren(h('p', { class: 'muted' }, 'The answer and the pages it rests on appear here.'));
  }

  show(outcome: EpisodeOutcome, trajectory: Pick<Trajectory, 'images'>, extra?: string): void {
    const lead =
      outcome.status === 'answered'
        ? h('p', { class: 'answer-text' }, outcome.answer ?? '')
        : h('p', { class: outcome.status === 'error' ? 'error' : 'no-answer' }, outcome.status === 'no-answer' ? 'No answer found' : (outcome.message ?? 'Stopped.'));
    const detail = outcome.status === 'no-answer' && outcome.message ? h('p', { class: 'muted' }, outcome.message) : null;
    const cited = citations(trajectory);
    const list = cited.length
      ? h(
          'ul',
          { class: 'citations', 'aria-label': 'Cited pages' },
          ...cited.map((c) => {
            const title = pageTitle(this.pages.label(c.pageId));
            const button = h('button', { type: 'button', class: 'citation' }, `Open ${title}`);
            button.addEventListener('click', () => this.onOpenPage(c.pageId, c.regions));
            const note = c.regions.length ? ` — ${c.regions.length === 1 ? '1 zoomed region' : `${c.regions.length} zoomed regions`}` : '';
            return h('li', {}, button, h('span', { class: 'muted' }, note));
          }),
        )
      : null;
    replaceChildren(this.body, lead, detail, extra ? h('p', { class: 'muted' }, extra) : null, cited.length ? h('p', { class: 'cited-heading' }, 'Pages looked at') : null, list);
  }
}
