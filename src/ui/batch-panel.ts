/**
 * Batch: paste or load a list of questions (one a line, or CSV with a `question` column and
 * optional `answer` and `pages`), pick the documents, run. A table fills as each question finishes
 * (answer, pages, time, status, and with expected answers the rule verdict and retrieval hit), with
 * progress, time left and Stop. The batch lives in IndexedDB (src/report/batch-store.ts): after a reload
 * it is shown again and Resume carries on with the first unfinished question. The table exports as
 * CSV and as the report (HTML, or Markdown in a zip).
 */
import { citations } from '../agent/citations.ts';
import { serializeTrajectory } from '../agent/trajectory.ts';
import type { Trajectory } from '../agent/types.ts';
import { describeError, isAbortError } from '../errors.ts';
import { batchCsv, gradeAnswer, pageLabel, parseBatchQuestions, type BatchQuestion } from '../report/batch.ts';
import { gatherReport } from '../report/gather.ts';
import type { ReportQuestion } from '../report/types.ts';
import { parseTrajectory } from '../schemas/trajectory.ts';
import type { Ask } from '../session/ask.ts';
import { loadBatch, nextQuestion, saveBatch, clearBatch, type StoredBatch, type StoredBatchRow } from '../report/batch-store.ts';
import type { DocumentStore } from '../store/index.ts';
import { h, uid } from './dom.ts';
import { formatDuration } from './format.ts';
import { downloadReport, libraryReportSource, renderReport, reportFileName, type ReportFormat } from './report-export.ts';
import { ScopeControl, type ScopeDoc } from './scope-control.ts';

export interface BatchDeps {
  /** Answers a question on the one road: in the app, `session.ask` with the saved settings. */
  ask: Ask;
  store: Pick<DocumentStore, 'listDocuments' | 'pageImage' | 'getPageText' | 'loadValue' | 'saveValue' | 'deleteValue'>;
  /** Opens a finished question's trace (the Ask panel's replay); without it the row shows its steps inline. */
  openTrace?: (trajectory: Trajectory) => void;
}

export class BatchPanel {
  readonly element: HTMLElement;
  readonly scope = new ScopeControl();
  /** Settles once the stored batch (if any) is shown. */
  readonly ready: Promise<void>;
  private readonly input = h('textarea', { id: uid('batch-questions'), rows: 6, placeholder: 'One question per line, or CSV with a "question" column (and optional "answer" and "pages")' });
  private readonly file = h('input', { type: 'file', accept: '.txt,.csv,text/plain,text/csv', class: 'visually-hidden' });
  private readonly runButton = h('button', { type: 'button' }, 'Run batch');
  private readonly stopButton = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Stop');
  private readonly resumeButton = h('button', { type: 'button', hidden: true }, 'Resume');
  private readonly clearButton = h('button', { type: 'button', class: 'secondary small', hidden: true }, 'Clear batch');
  private readonly progress = h('progress', { max: 1, value: 0, hidden: true, 'aria-label': 'Batch progress' });
  private readonly status = h('p', { class: 'batch-status', role: 'status', 'aria-live': 'polite' });
  private readonly table = h('table', { class: 'batch-table', 'aria-label': 'Batch results', hidden: true });
  private readonly exports = h('div', { class: 'actions batch-exports', hidden: true });
  private batch: StoredBatch | null = null;
  private controller: AbortController | null = null;
  /** The question being answered now, or -1. */
  private current = -1;

  constructor(private readonly deps: BatchDeps) {
    const load = h('button', { type: 'button', class: 'secondary small' }, 'Load a list…');
    load.addEventListener('click', () => this.file.click());
    this.file.addEventListener('change', () => void this.loadFile());
    this.runButton.addEventListener('click', () => void this.start());
    this.stopButton.addEventListener('click', () => this.controller?.abort());
    this.resumeButton.addEventListener('click', () => void this.resume());
    this.clearButton.addEventListener('click', () => void this.clear());
    const button = (label: string, run: () => Promise<void>) => {
      const b = h('button', { type: 'button', class: 'secondary small' }, label);
      b.addEventListener('click', () => void run().catch((error: unknown) => this.say(describeError(error))));
      return b;
    };
    this.exports.append(
      button('Export CSV', async () => {
        if (this.batch) downloadReport(new Blob([batchCsv(this.finishedRows())], { type: 'text/csv' }), `vrag-batch-${this.batch.id}.csv`);
      }),
      button('Export report', () => this.exportReport('html')),
      button('Export Markdown (zip)', () => this.exportReport('markdown')),
    );
    this.element = h(
      'div',
      { class: 'batch' },
      h('label', { for: this.input.id }, 'Questions'),
      this.input,
      h('div', { class: 'actions' }, load, this.file),
      this.scope.element,
      h('div', { class: 'actions' }, this.runButton, this.stopButton, this.resumeButton, this.clearButton),
      this.progress,
      this.status,
      this.table,
      this.exports,
    );
    this.ready = this.restore().catch((error: unknown) => this.say(`The stored batch could not be read: ${describeError(error)}`));
  }

  /** The documents the scope control offers (call when the library changes). */
  setDocuments(docs: readonly ScopeDoc[]): void {
    this.scope.setDocuments(docs);
  }

  /** Shows the stored batch; one that was running when the page went away waits for Resume. */
  private async restore(): Promise<void> {
    const stored = await loadBatch(this.deps.store);
    if (!stored) return;
    if (stored.state === 'running') stored.state = 'stopped';
    this.batch = stored;
    this.input.value = stored.questions.map((q) => q.question).join('\n');
    this.render();
    const done = stored.rows.filter(Boolean).length;
    if (nextQuestion(stored) >= 0) this.say(`${done} of ${stored.questions.length} questions done. Resume to answer the rest.`);
  }

  private async loadFile(): Promise<void> {
    const file = this.file.files?.[0];
    if (!file) return;
    this.input.value = await file.text();
    this.file.value = '';
  }

  private async start(): Promise<void> {
    let questions: BatchQuestion[];
    try {
      questions = parseBatchQuestions(this.input.value);
    } catch (error) {
      this.say(describeError(error));
      return;
    }
    const scope = this.scope.value;
    this.batch = { id: new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19), createdAt: Date.now(), questions, scope, rows: questions.map(() => null), state: 'running' };
    await saveBatch(this.deps.store, this.batch);
    this.render();
    await this.runRest();
  }

  private async resume(): Promise<void> {
    if (!this.batch) return;
    this.batch.state = 'running';
    await this.runRest();
  }

  private async clear(): Promise<void> {
    this.controller?.abort();
    this.batch = null;
    await clearBatch(this.deps.store);
    this.render();
    this.say('');
  }

  /** Answers the unfinished questions in order, saving each row as it finishes. */
  private async runRest(): Promise<void> {
    const batch = this.batch!;
    const controller = (this.controller = new AbortController());
    this.setRunning(true);
    const started = performance.now();
    let answeredNow = 0;
    const names = await this.documentNames(batch);
    try {
      for (let i = nextQuestion(batch); i >= 0 && !controller.signal.aborted; i = nextQuestion(batch)) {
        const total = batch.questions.length;
        const done = batch.rows.filter(Boolean).length;
        const left = answeredNow ? ((performance.now() - started) / answeredNow) * (total - done) : null;
        this.say(`Question ${i + 1} of ${total}…${left !== null ? ` About ${formatDuration(left / 1000)} left.` : ''}`);
        this.current = i;
        this.render();
        const row = await this.answer(batch.questions[i]!, batch, names, controller.signal);
        this.current = -1;
        if (controller.signal.aborted && row.status === 'cancelled') break;
        // Without a model every question would fail the same way: stop, say why, and let Resume carry on later.
        if (row.code === 'model-missing') {
          batch.state = 'stopped';
          await saveBatch(this.deps.store, batch);
          this.say(`${row.message} The batch waits: Resume once a model is loaded.`);
          return;
        }
        delete row.code;
        batch.rows[i] = row;
        answeredNow++;
        await saveBatch(this.deps.store, batch);
        this.render();
      }
      batch.state = nextQuestion(batch) < 0 ? 'done' : 'stopped';
      await saveBatch(this.deps.store, batch);
      const done = batch.rows.filter(Boolean).length;
      this.say(batch.state === 'done' ? `Done: ${done} questions answered in the batch.` : `Stopped: ${done} of ${batch.questions.length} questions done. Resume to answer the rest.`);
    } finally {
      this.controller = null;
      this.current = -1;
      this.setRunning(false);
      this.render();
    }
  }

  private async answer(question: BatchQuestion, batch: StoredBatch, names: Map<string, string>, signal: AbortSignal): Promise<StoredBatchRow & { code?: string }> {
    const t0 = performance.now();
    try {
      const { result } = await this.deps.ask(question.question, { ...(batch.scope.docIds.length ? { docIds: batch.scope.docIds } : {}), signal });
      const t = result.trajectory;
      const label = (pageId: string) => pageLabel(pageId, names);
      const grade = gradeAnswer(t, question, (id) => label(id).replace(' p. ', ':'), batch.scope.names.length ? batch.scope.names : [...names.values()]);
      return {
        question: question.question,
        answer: t.outcome.status === 'answered' ? (t.outcome.answer ?? '') : null,
        pages: citations(t).map((c) => label(c.pageId)),
        timeMs: performance.now() - t0,
        status: t.outcome.status,
        trajectory: serializeTrajectory(t),
        ...(t.outcome.message ? { message: t.outcome.message } : {}),
        ...(grade ? { grade } : {}),
      };
    } catch (error) {
      const cancelled = isAbortError(error) || signal.aborted;
      const code = (error as { code?: unknown }).code;
      return { question: question.question, answer: null, pages: [], timeMs: performance.now() - t0, status: cancelled ? 'cancelled' : 'error', message: describeError(error), ...(typeof code === 'string' ? { code } : {}) };
    }
  }

  private async documentNames(batch: StoredBatch): Promise<Map<string, string>> {
    const names = new Map((await this.deps.store.listDocuments()).map((d) => [d.id, d.name]));
    batch.scope.docIds.forEach((id, i) => names.has(id) || names.set(id, batch.scope.names[i] ?? id));
    return names;
  }

  private finishedRows(): StoredBatchRow[] {
    return (this.batch?.rows ?? []).filter((r): r is StoredBatchRow => r !== null);
  }

  private async exportReport(format: ReportFormat): Promise<void> {
    const batch = this.batch;
    if (!batch) return;
    const source = await libraryReportSource(this.deps.store);
    const questions: ReportQuestion[] = this.finishedRows()
      .filter((r) => r.trajectory)
      .map((r) => ({ trajectory: parseTrajectory(r.trajectory!), ...(r.timeMs !== null ? { timeMs: r.timeMs } : {}), ...(r.grade ? { grade: r.grade } : {}), ...(batch.scope.names.length ? { scope: batch.scope.names } : {}) }));
    const data = await gatherReport({ kind: 'batch', documents: batch.scope.names.length ? batch.scope.names : [...source.names.values()], questions }, source);
    downloadReport(await renderReport(data, format), reportFileName(format, batch.createdAt));
  }

  private setRunning(running: boolean): void {
    this.runButton.disabled = running;
    this.input.disabled = running;
    this.stopButton.hidden = !running;
    this.resumeButton.hidden = running || !this.batch || nextQuestion(this.batch) < 0;
  }

  private render(): void {
    const batch = this.batch;
    this.table.hidden = this.progress.hidden = this.exports.hidden = this.clearButton.hidden = !batch;
    this.resumeButton.hidden = !batch || this.controller !== null || nextQuestion(batch) < 0;
    if (!batch) {
      this.table.replaceChildren();
      return;
    }
    const done = batch.rows.filter(Boolean).length;
    this.progress.max = batch.questions.length;
    this.progress.value = done;
    this.progress.setAttribute('aria-valuetext', `${done} of ${batch.questions.length} done`);
    const graded = batch.questions.some((q) => q.answer !== undefined);
    const head = ['#', 'Question', 'Answer', 'Pages', 'Time', 'Status', ...(graded ? ['Expected', 'Verdict', 'Retrieval'] : [])];
    this.table.replaceChildren(
      h('thead', {}, h('tr', {}, ...head.map((t) => h('th', { scope: 'col' }, t)))),
      h(
        'tbody',
        {},
        ...batch.questions.map((q, i) => {
          const row = batch.rows[i];
          const cells = [
            String(i + 1),
            q.question,
            row ? (row.answer ?? row.message ?? '') : '',
            row ? row.pages.join(', ') : '',
            row?.timeMs != null ? `${(row.timeMs / 1000).toFixed(1)} s` : '',
            row ? row.status : i === this.current ? 'running…' : 'waiting',
            ...(graded ? [q.answer ?? '', row?.grade ? (row.grade.correct ? 'correct' : 'wrong') : '', row?.grade && row.grade.retrievalHit !== null ? (row.grade.retrievalHit ? 'hit' : 'miss') : ''] : []),
          ];
          const tr = h('tr', { 'data-status': row ? row.status : i === this.current ? 'running' : 'waiting' }, ...cells.map((c) => h('td', {}, c)));
          if (row?.trajectory) tr.children[1]!.append(' ', this.traceLink(row.trajectory));
          return tr;
        }),
      ),
    );
  }

  /** A row's trace: the Ask panel's replay when the app wires one, else its steps in place. */
  private traceLink(json: string): HTMLElement {
    if (this.deps.openTrace) {
      const open = h('button', { type: 'button', class: 'link small' }, 'Trace');
      open.addEventListener('click', () => this.deps.openTrace!(parseTrajectory(json)));
      return open;
    }
    const t = parseTrajectory(json);
    return h(
      'details',
      { class: 'batch-trace' },
      h('summary', {}, 'Trace'),
      h('ol', {}, ...t.turns.map((turn) => h('li', {}, [turn.thought, turn.kept.replace(/<think>[\s\S]*?<\/think>/, '').trim()].filter(Boolean).join(' — ')))),
    );
  }

  private say(text: string): void {
    this.status.textContent = text;
  }
}

/**
 * The Batch area as the app mounts it: a folded "Batch of questions" section answering on the
 * app's one road (`session.ask` with the saved settings, as the Ask panel does), its document
 * choice following the library. `openTrace` opens a row's trace (e.g. the Ask panel's replay).
 */
export function batchArea(
  store: DocumentStore,
  ask: Ask,
  openTrace?: (trajectory: Trajectory) => void,
): { element: HTMLElement; panel: BatchPanel; close(): void } {
  const panel = new BatchPanel({ ask, store, ...(openTrace ? { openTrace } : {}) });
  const refresh = async () => panel.setDocuments((await store.listDocuments()).filter((d) => d.status === 'ready').map((d) => ({ id: d.id, name: d.name })));
  void refresh();
  const stop = store.onChange((change) => change.type === 'document' && void refresh());
  const element = h('details', { class: 'batch-area' }, h('summary', {}, 'Batch of questions'), panel.element);
  return { element, panel, close: stop };
}
