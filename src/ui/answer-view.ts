/**
 * The answer region: the answer (or "No answer found", or the error), the evidence it rests on
 * (the zoomed crops and the lines of page text that share words with it), the pages it cites, and
 * a copy button for the answer with its sources as plain text.
 */
import { citations, type Citation } from '../agent/citations.ts';
import type { EpisodeOutcome, ImageRecord, Trajectory } from '../agent/types.ts';
import type { Region } from '../perception/geometry.ts';
import { h, replaceChildren, uid } from './dom.ts';
import { pendingImage } from './page-figure.ts';
import { pageTitle, type PageLabel, type PageSource } from './page-source.ts';
import { cutRegion } from './replay.ts';

/** Crops and lines shown under an answer: a few, the evidence at a glance, not the whole trace. */
const MAX_CROPS = 4;
const MAX_LINES = 4;
const LINES_PER_PAGE = 2;
const PAGES_READ = 3;

export interface ShowOptions {
  /** A line under the answer (best-of-N's choice). */
  extra?: string;
  /** The question as the user typed it (a follow-up without its earlier turns), to match page lines. */
  question?: string;
  /** The crops' pixels when the run is live; otherwise they are cut again from the page image. */
  sources?: ReadonlyMap<string, { source: Promise<Blob> }>;
  /** Buttons shown next to "Copy answer" (the follow-up controls). */
  actions?: HTMLElement[];
}

export class AnswerView {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  /** Each show() counts; page text arriving for an older answer is dropped. */
  private shown = 0;

  constructor(
    private readonly pages: PageSource,
    private readonly onOpenPage: (pageId: string, regions: Region[]) => void,
  ) {
    const headingId = uid('answer');
    this.body = h('div', { class: 'answer-body' }, h('p', { class: 'muted' }, 'The answer and the pages it rests on appear here.'));
    this.element = h('section', { class: 'answer', 'aria-labelledby': headingId }, h('h3', { id: headingId }, 'Answer'), this.body);
  }

  clear(text = 'Working…'): void {
    this.shown++;
    this.body.replaceChildren(h('p', { class: 'muted' }, text));
  }

  message(text: string, kind: 'error' | 'info' = 'error'): void {
    this.shown++;
    this.body.replaceChildren(h('p', { class: `${kind} transient` }, text));
  }

  /** Removes a message (e.g. "no model loaded") once it no longer holds; an answer stays. */
  clearMessage(): void {
    if (this.body.querySelector('.transient')) this.body.replaceChildren(h('p', { class: 'muted' }, 'The answer and the pages it rests on appear here.'));
  }

  show(outcome: EpisodeOutcome, trajectory: Pick<Trajectory, 'images' | 'question'>, options: ShowOptions = {}): void {
    const run = ++this.shown;
    const answered = outcome.status === 'answered';
    const lead = answered
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
    const evidence = answered ? this.evidence(trajectory, cited, outcome.answer ?? '', options, run) : null;
    const tools = answered || options.actions?.length ? this.tools(answered ? copyText(outcome.answer ?? '', cited, (id) => this.pages.label(id)) : null, options.actions ?? []) : null;
    replaceChildren(
      this.body,
      lead,
      detail,
      options.extra ? h('p', { class: 'muted' }, options.extra) : null,
      tools,
      evidence,
      cited.length ? h('p', { class: 'cited-heading' }, 'Pages looked at') : null,
      list,
    );
  }

  /** "Copy answer" with its confirmation, and the follow-up controls. */
  private tools(text: string | null, actions: HTMLElement[]): HTMLElement {
    const confirmation = h('span', { class: 'copy-status', role: 'status' });
    const copy = text === null ? null : h('button', { type: 'button', class: 'secondary small' }, 'Copy answer');
    copy?.addEventListener('click', async () => {
      const ok = await copyToClipboard(text!);
      confirmation.textContent = ok ? 'Copied the answer and its sources.' : 'Could not copy: select the answer and copy it by hand.';
      confirmation.classList.toggle('error', !ok);
    });
    return h('div', { class: 'answer-tools' }, copy, ...actions, confirmation);
  }

  /** The crops the answer rests on, and the lines of the cited pages that share words with it (filled in as the text arrives). */
  private evidence(trajectory: Pick<Trajectory, 'images' | 'question'>, cited: Citation[], answer: string, options: ShowOptions, run: number): HTMLElement | null {
    const crops = trajectory.images.filter((i) => i.kind === 'crop').slice(-MAX_CROPS);
    const lines = h('ul', { class: 'evidence-lines', 'aria-label': 'Matching page text' });
    const linesBlock = h('div', { class: 'evidence-text', hidden: true }, h('p', { class: 'cited-heading' }, 'Matching text on the pages'), lines);
    const pageText = this.pages.text?.bind(this.pages);
    if (pageText && cited.length) {
      const words = wordsOf(`${options.question ?? trajectory.question} ${answer}`);
      const answerWords = wordsOf(answer);
      void Promise.all(cited.slice(0, PAGES_READ).map((c) => pageText(c.pageId).catch(() => null))).then((texts) => {
        if (run !== this.shown) return;
        const found = texts.flatMap((text, i) => (text ? matchingLines(text.text, words, answerWords).map((line) => ({ ...line, pageId: cited[i]!.pageId })) : []));
        const best = found.sort((a, b) => b.score - a.score).slice(0, MAX_LINES);
        if (!best.length) return;
        lines.replaceChildren(
          ...best.map((line) => h('li', {}, h('span', { class: 'evidence-page' }, `${pageTitle(this.pages.label(line.pageId))}: `), `“${line.text}”`)),
        );
        linesBlock.hidden = false;
      });
    }
    if (!crops.length && !pageText) return null;
    const figures = crops.length
      ? h(
          'ul',
          { class: 'evidence-crops', 'aria-label': 'Regions the answer rests on' },
          ...crops.map((image) => {
            const alt = `${pageTitle(this.pages.label(image.pageId))}, region ${regionText(image.region)}`;
            const source = options.sources?.get(image.id)?.source ?? this.pages.image(image.pageId).then((page) => cutRegion(page, image));
            return h('li', {}, h('figure', { class: 'evidence-crop' }, pendingImage(source, alt), h('figcaption', {}, alt)));
          }),
        )
      : null;
    return h('div', { class: 'evidence' }, figures ? h('p', { class: 'cited-heading' }, 'Evidence') : null, figures, linesBlock);
  }
}

/** "x 244–984, y 44–400 px": where a region lies on its page. */
export function regionText(r: Region): string {
  const x = Math.round(r.x);
  const y = Math.round(r.y);
  return `x ${x}–${x + Math.round(r.width)}, y ${y}–${y + Math.round(r.height)} px`;
}

/** The answer with its sources as one line of plain text: "37% — deck p. 1 (region x 244–984, y 44–400 px); deck p. 2". */
export function copyText(answer: string, cited: readonly Citation[], label: (pageId: string) => PageLabel): string {
  const sources = cited.map((c) => {
    const { name, pageNumber } = label(c.pageId);
    const finest = c.regions.at(-1);
    return `${name} p. ${pageNumber}${finest ? ` (region ${regionText(finest)})` : ''}`;
  });
  return sources.length ? `${answer} — ${sources.join('; ')}` : answer;
}

async function copyToClipboard(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard permission (an insecure origin, a denied prompt): the older copy command.
    const area = h('textarea', { class: 'visually-hidden', readonly: true });
    area.value = text;
    document.body.append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}

const STOP_WORDS = new Set(
  'the and for are was were what which who whom whose when where why how that this these those with from into onto than then there their they them its it\'s has have had does did not but all any can could would should will shall may might about over under per of on in to by at as is be an a or our your you we he she his her'.split(' '),
);

/** The words worth matching: lower case, no stop words, numbers (and percentages) kept whatever their length. */
export function wordsOf(text: string): Set<string> {
  const words = new Set<string>();
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}.,%]*[\p{L}\p{N}%]|[\p{L}\p{N}]/gu) ?? []) {
    if (/\d/.test(word) || (word.length >= 3 && !STOP_WORDS.has(word))) words.add(word);
  }
  return words;
}

/** The page's lines that share words with the question or answer (answer words count double), best first. */
function matchingLines(text: string, words: Set<string>, answerWords: Set<string>): { text: string; score: number }[] {
  const scored = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const shared = [...wordsOf(line)].filter((w) => words.has(w));
      return { text: line.length > 220 ? `${line.slice(0, 219)}…` : line, score: shared.reduce((sum, w) => sum + (answerWords.has(w) ? 2 : 1), 0) };
    })
    .filter((line) => line.score > 0);
  return scored.sort((a, b) => b.score - a.score).slice(0, LINES_PER_PAGE);
}
