/**
 * Earlier questions and their answers, kept in IndexedDB: the list under the answer, newest first.
 * Choosing one replays it step by step from the stored pages, with the documents it searched (and,
 * for a follow-up, its thread). The same question asked again of the same documents and model is
 * one entry (the newest, marked with how often it was asked). An entry can be removed (with Undo
 * for a few seconds) and the whole history cleared (after asking). Ticked entries export as one
 * report (HTML or Markdown zip); with none ticked the export buttons are disabled.
 */
import type { EarlierTurn } from '../agent/protocol.ts';
import { serializeTrajectory } from '../agent/trajectory.ts';
import type { Trajectory } from '../agent/types.ts';
import { describeError } from '../errors.ts';
import { parseTrajectory } from '../schemas/trajectory.ts';
import type { DocumentStore, RunRecord } from '../store/index.ts';
import { h } from './dom.ts';
import { historyReport, reportButtons, reportFileName, type ReportFormat, type ReportStore } from './report-export.ts';
import { ALL_DOCUMENTS, type Scope } from './scope-control.ts';

/** Where runs are kept; without deleteRuns and clearRuns (a read-only store) entries cannot be removed. */
export type HistoryStore = Pick<DocumentStore, 'saveRun' | 'listRuns'> & Partial<Pick<DocumentStore, 'deleteRuns' | 'clearRuns'>>;

/** What an entry brings back besides its trajectory: the question as typed, and its thread. */
export interface HistoryEntry {
  question: string;
  earlier: EarlierTurn[];
  model: string | null;
}

/** How a run is kept besides its trajectory. */
export interface RunDetails {
  /** The question as the user typed it (a follow-up's trajectory holds it with its earlier turns). */
  question?: string;
  earlier?: readonly EarlierTurn[];
  model?: string | null;
}

/** Entries shown before "Show all". */
const SHOWN = 8;

export class HistoryView {
  readonly element: HTMLElement;
  private readonly list = h('ul', { class: 'history', 'aria-label': 'History' });
  private readonly status = h('p', { class: 'hint history-status', role: 'status' });
  private readonly clearButton = h('button', { type: 'button', class: 'secondary small', hidden: true }, 'Clear history');
  private readonly more = h('button', { type: 'button', class: 'secondary small', hidden: true });
  private showAll = false;
  private undoTimer: ReturnType<typeof setTimeout> | null = null;
  /** The entries listed last, and those ticked for a report (by `keyOf`). */
  private groups: RunRecord[][] = [];
  private readonly selected = new Set<string>();
  private readonly exportBar: { element: HTMLElement; buttons: HTMLButtonElement[] } | null;
  private readonly selectedLine = h('span', { class: 'hint' });
  private readonly exportRow = h('div', { class: 'history-export', hidden: true }, this.selectedLine);

  constructor(
    private readonly store: HistoryStore,
    private readonly onOpen: (trajectory: Trajectory, scope: Scope, entry: HistoryEntry) => void,
    private readonly undoMs = 8000,
    /** The library reports read pages from; without it entries cannot be ticked for a report. */
    private readonly reports: ReportStore | null = null,
  ) {
    this.exportBar = reports ? reportButtons('Export selected', (format) => this.exportSelected(format)) : null;
    if (this.exportBar) this.exportRow.append(this.exportBar.element);
    this.clearButton.addEventListener('click', () => void this.confirmClear());
    this.more.addEventListener('click', () => {
      this.showAll = !this.showAll;
      void this.refresh();
    });
    this.element = h(
      'section',
      { class: 'history-area' },
      h('div', { class: 'history-head' }, h('h3', {}, 'Earlier questions'), this.clearButton),
      this.list,
      this.more,
      this.exportRow,
      this.status,
    );
  }

  async refresh(): Promise<void> {
    const groups = (this.groups = collapse(await this.store.listRuns().catch(() => [])));
    const keys = new Set(groups.map((g) => keyOf(g[0]!)));
    for (const key of this.selected) if (!keys.has(key)) this.selected.delete(key);
    this.showSelection();
    const shown = this.showAll ? groups : groups.slice(0, SHOWN);
    this.list.replaceChildren(...(groups.length ? shown.map((group) => this.item(group)) : [h('li', { class: 'muted' }, 'Questions you ask are kept here, on this device.')]));
    this.clearButton.hidden = groups.length === 0 || !this.store.clearRuns;
    this.more.hidden = groups.length <= SHOWN;
    this.more.textContent = this.showAll ? 'Show fewer' : `Show all ${groups.length}`;
  }

  /** Keeps a finished run; a full disk costs only the history entry, never the answer on screen. */
  async save(trajectory: Trajectory, scope: Scope = ALL_DOCUMENTS, details: RunDetails = {}): Promise<void> {
    const outcome = trajectory.outcome;
    try {
      await this.store.saveRun({
        id: `run-${trajectory.startedAt}-${Math.random().toString(36).slice(2, 8)}`,
        question: details.question ?? trajectory.question,
        startedAt: trajectory.startedAt,
        status: outcome.status,
        ...(outcome.answer !== undefined ? { answer: outcome.answer } : {}),
        trajectory: serializeTrajectory(trajectory),
        // No scope stored means all documents, as in entries from before scopes.
        ...(scope.docIds.length ? { scope: { docIds: [...scope.docIds], names: [...scope.names] } } : {}),
        ...(details.model ? { model: details.model } : {}),
        ...(details.earlier?.length ? { earlier: details.earlier.map(({ question, answer }) => ({ question, answer })) } : {}),
      });
      await this.refresh();
    } catch (error) {
      this.status.textContent = `This question could not be added to the history: ${describeError(error)}`;
    }
  }

  private item(group: RunRecord[]): HTMLElement {
    const run = group[0]!;
    const when = new Date(run.startedAt).toLocaleString();
    const result = run.status === 'answered' ? (run.answer ?? '') : run.status === 'no-answer' ? 'No answer found' : 'Stopped';
    const scope = scopeOf(run);
    const where = scope.names.length === 1 ? `in ${scope.names[0]} · ` : scope.names.length ? `in ${scope.names.length} documents · ` : '';
    const earlier = earlierOf(run);
    const button = h(
      'button',
      { type: 'button', class: 'history-item' },
      earlier.length ? h('small', { class: 'history-thread' }, `Follow-up to “${earlier.at(-1)!.question}”`) : null,
      h('span', { class: 'history-question' }, run.question),
      h('small', { class: 'muted' }, `${result} · ${where}${when}`),
      h('small', { class: 'muted history-model' }, `${run.model ? `Answered by ${run.model}` : 'Model not recorded'}${group.length > 1 ? ` · asked ${group.length} times` : ''}`),
    );
    button.addEventListener('click', () => {
      try {
        this.onOpen(parseTrajectory(run.trajectory), scope, { question: run.question, earlier, model: run.model ?? null });
      } catch (error) {
        this.status.textContent = describeError(error);
      }
    });
    const remove = this.store.deleteRuns ? h('button', { type: 'button', class: 'secondary small history-remove', 'aria-label': 'Remove from history', title: 'Remove from history' }, '✕') : null;
    remove?.addEventListener('click', () => void this.remove(group));
    return h('li', {}, this.checkbox(run), button, remove);
  }

  /** Ticks an entry for the report; none without a library to read the pages from. */
  private checkbox(run: RunRecord): HTMLInputElement | null {
    if (!this.reports) return null;
    const key = keyOf(run);
    const box = h('input', { type: 'checkbox', class: 'history-select', 'aria-label': `Select “${run.question}” for a report`, checked: this.selected.has(key) });
    box.addEventListener('change', () => {
      if (box.checked) this.selected.add(key);
      else this.selected.delete(key);
      this.showSelection();
    });
    return box;
  }

  private showSelection(): void {
    if (!this.exportBar) return;
    const n = this.selected.size;
    this.exportRow.hidden = this.groups.length === 0;
    for (const button of this.exportBar.buttons) button.disabled = n === 0;
    this.selectedLine.textContent = n ? `${n === 1 ? '1 question' : `${n} questions`} selected:` : 'Tick questions to export them as one report:';
  }

  /** The ticked entries (the newest run of each) as one report. */
  private async exportSelected(format: ReportFormat): Promise<{ blob: Blob; name: string }> {
    const runs = this.groups.filter((group) => this.selected.has(keyOf(group[0]!))).map((group) => group[0]!);
    return { blob: await historyReport(this.reports!, runs, format), name: reportFileName(format) };
  }

  /** Removes an entry (every copy of it) at once; Undo puts it back for a few seconds. */
  private async remove(group: RunRecord[]): Promise<void> {
    try {
      await this.store.deleteRuns!(group.map((r) => r.id));
    } catch (error) {
      this.status.textContent = `Could not remove it: ${describeError(error)}`;
      return;
    }
    await this.refresh();
    const undo = h('button', { type: 'button', class: 'secondary small' }, 'Undo');
    undo.addEventListener('click', async () => {
      this.endUndo();
      await Promise.all(group.map((r) => this.store.saveRun(r))).catch((error: unknown) => (this.status.textContent = `Could not put it back: ${describeError(error)}`));
      await this.refresh();
    });
    this.status.replaceChildren(`Removed “${group[0]!.question}” from the history. `, undo);
    this.endUndo(false);
    this.undoTimer = setTimeout(() => this.endUndo(), this.undoMs);
  }

  private endUndo(clear = true): void {
    if (this.undoTimer !== null) clearTimeout(this.undoTimer);
    this.undoTimer = null;
    if (clear) this.status.replaceChildren();
  }

  /** Clear history asks first, next to the button. */
  private async confirmClear(): Promise<void> {
    this.endUndo();
    const runs = await this.store.listRuns(Number.MAX_SAFE_INTEGER).catch(() => []);
    if (!runs.length) return;
    const yes = h('button', { type: 'button', class: 'small danger' }, 'Remove all');
    const no = h('button', { type: 'button', class: 'secondary small' }, 'Cancel');
    no.addEventListener('click', () => {
      this.status.replaceChildren();
      this.clearButton.focus();
    });
    yes.addEventListener('click', async () => {
      try {
        await this.store.clearRuns!();
        this.status.textContent = 'The history is cleared.';
      } catch (error) {
        this.status.textContent = `Could not clear the history: ${describeError(error)}`;
      }
      await this.refresh();
    });
    this.status.replaceChildren(`Remove all ${runs.length === 1 ? '1 question' : `${runs.length} questions`} from the history on this device? The documents stay. `, yes, ' ', no);
    no.focus();
  }
}

function scopeOf(run: RunRecord): Scope {
  return run.scope && Array.isArray(run.scope.docIds) && Array.isArray(run.scope.names) ? run.scope : ALL_DOCUMENTS;
}

function earlierOf(run: RunRecord): EarlierTurn[] {
  return Array.isArray(run.earlier) ? run.earlier.filter((t) => typeof t?.question === 'string' && typeof t.answer === 'string') : [];
}

/** What makes runs one entry: the same question, documents, model and thread. */
function keyOf(run: RunRecord): string {
  return JSON.stringify([run.question.trim().toLowerCase(), [...scopeOf(run).docIds].sort(), run.model ?? '', earlierOf(run)]);
}

/** Runs of the same question, documents, model and thread, newest first, as one entry each (in newest-first order). */
function collapse(runs: RunRecord[]): RunRecord[][] {
  const groups = new Map<string, RunRecord[]>();
  for (const run of runs) {
    const key = keyOf(run);
    const group = groups.get(key);
    if (group) group.push(run);
    else groups.set(key, [run]);
  }
  return [...groups.values()];
}
