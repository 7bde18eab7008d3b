/**
 * Earlier questions and their answers, kept in IndexedDB: the list under the answer, newest first.
 * Choosing one replays it step by step from the stored pages, with the documents it searched.
 */
import { serializeTrajectory } from '../agent/trajectory.ts';
import type { Trajectory } from '../agent/types.ts';
import { describeError } from '../errors.ts';
import { parseTrajectory } from '../schemas/trajectory.ts';
import type { DocumentStore, RunRecord } from '../store/index.ts';
import { h } from './dom.ts';
import { ALL_DOCUMENTS, type Scope } from './scope-control.ts';

export class HistoryView {
  readonly element: HTMLElement;
  private readonly list = h('ul', { class: 'history', 'aria-label': 'History' });
  private readonly status = h('p', { class: 'hint', role: 'status' });

  constructor(
    private readonly store: Pick<DocumentStore, 'saveRun' | 'listRuns'>,
    private readonly onOpen: (trajectory: Trajectory, scope: Scope) => void,
  ) {
    this.element = h('section', { class: 'history-area' }, h('h3', {}, 'Earlier questions'), this.list, this.status);
  }

  async refresh(): Promise<void> {
    const runs = await this.store.listRuns().catch(() => []);
    this.list.replaceChildren(...(runs.length ? runs.map((run) => this.item(run)) : [h('li', { class: 'muted' }, 'Questions you ask are kept here, on this device.')]));
  }

  /** Keeps a finished run; a full disk costs only the history entry, never the answer on screen. */
  async save(trajectory: Trajectory, scope: Scope = ALL_DOCUMENTS): Promise<void> {
    const outcome = trajectory.outcome;
    try {
      await this.store.saveRun({
        id: `run-${trajectory.startedAt}-${Math.random().toString(36).slice(2, 8)}`,
        question: trajectory.question,
        startedAt: trajectory.startedAt,
        status: outcome.status,
        ...(outcome.answer !== undefined ? { answer: outcome.answer } : {}),
        trajectory: serializeTrajectory(trajectory),
        // No scope stored means all documents, as in entries from before scopes.
        ...(scope.docIds.length ? { scope: { docIds: [...scope.docIds], names: [...scope.names] } } : {}),
      });
      await this.refresh();
    } catch (error) {
      this.status.textContent = `This question could not be added to the history: ${describeError(error)}`;
    }
  }

  private item(run: RunRecord): HTMLElement {
    const when = new Date(run.startedAt).toLocaleString();
    const result = run.status === 'answered' ? (run.answer ?? '') : run.status === 'no-answer' ? 'No answer found' : 'Stopped';
    const scope = run.scope && Array.isArray(run.scope.docIds) && Array.isArray(run.scope.names) ? run.scope : ALL_DOCUMENTS;
    const where = scope.names.length === 1 ? `in ${scope.names[0]} · ` : scope.names.length ? `in ${scope.names.length} documents · ` : '';
    const button = h('button', { type: 'button', class: 'history-item' }, h('span', { class: 'history-question' }, run.question), h('small', { class: 'muted' }, `${result} · ${where}${when}`));
    button.addEventListener('click', () => {
      try {
        this.onOpen(parseTrajectory(run.trajectory), scope);
      } catch (error) {
        this.status.textContent = describeError(error);
      }
    });
    return h('li', {}, button);
  }
}
