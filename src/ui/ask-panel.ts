/**
 * Asking: the question, Ask and Stop, the live trace, the answer with citations (and its report,
 * HTML or Markdown), and trajectories (export as JSON or for training, import and replay step by step).
 */
import type { EpisodeResult } from '../agent/episode.ts';
import { followUpQuestion, type EarlierTurn } from '../agent/protocol.ts';
import { importTrajectoryFile } from '../agent/sft-bundle.ts';
import { serializeTrajectory } from '../agent/trajectory.ts';
import type { AgentEvent, EpisodeImage, Trajectory } from '../agent/types.ts';
import { AppError, describeError } from '../errors.ts';
import type { Answerer } from '../policies/answerer.ts';
import type { Answer, Ask } from '../session/ask.ts';
import { AnswerView } from './answer-view.ts';
import { downloadBlob, field, h, uid } from './dom.ts';
import { askShortcut, platformName } from './format.ts';
import type { PageSource } from './page-source.ts';
import type { PageViewer } from './page-viewer.ts';
import { replaySteps, withPixels } from './replay.ts';
import { answerReport, reportButtons, reportFileName, type ReportFormat, type ReportStore } from './report-export.ts';
import type { Settings } from './settings-store.ts';
import { exportForTraining } from './sft-export.ts';
import { HistoryView, type HistoryEntry, type HistoryStore } from './history.ts';
import { RunStatus } from './run-status.ts';
import { ScopeControl, scopeLine, type Scope, type ScopeDoc } from './scope-control.ts';
import { TraceView } from './trace-view.ts';

export interface AskDeps {
  pages: PageSource;
  /** The model to ask with; throws an AppError with what to do when none is available. */
  answerer: () => Answerer;
  /** Answers a question on the one road: in the app, `session.ask` with the saved settings. */
  ask: Ask;
  /** The model being loaded, if any: a question asked meanwhile waits for it. */
  modelLoading?: () => { name: string; done: Promise<unknown> } | null;
  settings: () => Settings;
  /** Where finished runs are kept (the history); none in tests that do not need one. Without deleteRuns/clearRuns entries cannot be removed. */
  history?: HistoryStore;
  /** The library the reports read pages from; without it there is no "Export report". */
  reports?: ReportStore;
  /** How long a removed history entry can be put back (ms). */
  undoRemoveMs?: number;
  viewer: PageViewer;
}

export class AskPanel {
  readonly element: HTMLElement;
  readonly trace: TraceView;
  readonly answer: AnswerView;
  /** Which documents a question searches. */
  readonly scope = new ScopeControl();
  readonly question = h('textarea', { rows: 3, placeholder: 'e.g. What share of the travel market is booked online?' });
  /** Ctrl+Enter asks (⌘+Enter on a Mac; either works everywhere). */
  private readonly shortcut = askShortcut(platformName(navigator));
  readonly askButton = h('button', { type: 'submit', 'aria-keyshortcuts': this.shortcut.keys }, 'Ask');
  readonly stopButton = h('button', { type: 'button', class: 'secondary', disabled: true }, 'Stop');
  readonly notice = h('div', { class: 'ask-notice' });
  private readonly remoteLine = h('p', { class: 'remote-warning', hidden: true });
  private readonly modelBadge = h('p', { class: 'model-badge muted', 'aria-live': 'polite' }, 'No model loaded: open “Models and settings” to load one.');
  private readonly runStatus = h('p', { class: 'run-status', role: 'status', hidden: true });
  private readonly trajectoryStatus = h('p', { role: 'status', class: 'hint' });
  private readonly importInput = h('input', { type: 'file', accept: '.json,application/json', id: uid('import'), class: 'visually-hidden' });
  private readonly prevButton = h('button', { type: 'button', class: 'secondary small', disabled: true }, 'Previous step');
  private readonly nextButton = h('button', { type: 'button', class: 'secondary small', disabled: true }, 'Next step');
  private readonly replayBar = h('div', { class: 'replay', hidden: true }, this.prevButton, this.nextButton);
  /** The open thread: earlier questions and answers carried into the next question; null when none. */
  private thread: EarlierTurn[] | null = null;
  /** The question answered last in the open thread: it joins the thread when the next one is asked. */
  private threadNext: EarlierTurn | null = null;
  private readonly threadList = h('ol', { class: 'thread-turns', 'aria-label': 'Earlier in this thread' });
  private readonly newQuestionButton = h('button', { type: 'button', class: 'secondary small' }, 'New question');
  private readonly threadBox = h(
    'section',
    { class: 'thread', hidden: true, 'aria-label': 'Thread' },
    h('div', { class: 'thread-head' }, h('p', { class: 'cited-heading' }, 'Follow-up: the model also reads these earlier questions and answers'), this.newQuestionButton),
    this.threadList,
  );
  /** The model named by setModel, kept with each run. */
  private modelLabel: string | null = null;
  private controller: AbortController | null = null;
  private last: { trajectory: Trajectory; result: EpisodeResult | null } | null = null;
  /** A question is waiting for the model to finish loading. */
  private waiting = false;
  /** `scope` is known for runs from the history only. */
  private replay: { trajectory: Trajectory; scope: Scope | null; steps: AgentEvent[][]; at: number; run: number; entry: HistoryEntry | null } | null = null;
  private readonly history: HistoryView | null;

  constructor(private readonly deps: AskDeps) {
    const open = (pageId: string, regions: Parameters<PageViewer['open']>[1] = []) =>
      deps.viewer.open(pageId, regions, regions.length ? {} : { note: 'The model saw this whole page.' });
    this.trace = new TraceView(deps.pages, open);
    this.answer = new AnswerView(deps.pages, open);
    this.history = deps.history
      ? new HistoryView(deps.history, (trajectory, scope, entry) => void this.startReplay(trajectory, 'From the history', true, scope, entry), deps.undoRemoveMs, deps.reports)
      : null;
    void this.history?.refresh();
    this.prevButton.addEventListener('click', () => void this.step(-1));
    this.nextButton.addEventListener('click', () => void this.step(1));
    this.newQuestionButton.addEventListener('click', () => this.endThread(true));
    this.element = h(
      'div',
      { class: 'ask' },
      this.notice,
      this.questionForm(),
      this.answer.element,
      ...(this.history ? [this.history.element] : []),
      this.trace.element,
      this.replayBar,
      this.trajectoryTools(),
      this.trajectoryStatus,
    );
  }

  /** The question, its scope and model lines, Ask and Stop; Ctrl/⌘+Enter asks. */
  private questionForm(): HTMLFormElement {
    const keyHint = h('span', { class: 'hint key-hint', id: uid('keys') }, `${this.shortcut.hint} asks`);
    const form = h(
      'form',
      { class: 'ask-form' },
      this.threadBox,
      field('Question', this.question),
      this.scope.element,
      this.modelBadge,
      this.remoteLine,
      h('div', { class: 'actions' }, this.askButton, this.stopButton, keyHint),
      this.runStatus,
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.ask();
    });
    this.question.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) form.requestSubmit();
    });
    this.question.setAttribute('aria-describedby', `${this.scope.summary.id} ${keyHint.id}`);
    this.question.setAttribute('aria-keyshortcuts', this.shortcut.keys);
    this.stopButton.addEventListener('click', () => this.controller?.abort());
    return form;
  }

  /** "Advanced": export the last run as a trajectory or as training data, import a saved one. */
  private trajectoryTools(): HTMLElement {
    const exportJson = h('button', { type: 'button', class: 'secondary small' }, 'Export trajectory (JSON)');
    const exportSft = h('button', { type: 'button', class: 'secondary small' }, 'Export for training (VRAG SFT)');
    exportJson.addEventListener('click', () => this.exportJson());
    exportSft.addEventListener('click', () => void this.exportSft(false));
    this.importInput.addEventListener('change', () => void this.importFile());
    return h(
      'details',
      { class: 'trajectory-tools advanced' },
      h('summary', {}, 'Advanced: save, load or train on a run'),
      h(
        'ul',
        { class: 'tool-list' },
        h('li', {}, exportJson, h('span', { class: 'hint' }, ' Every step of the last run (its trajectory) as a file, to reopen here or inspect.')),
        h('li', {}, exportSft, h('span', { class: 'hint' }, ' The run as a fine-tuning example for VRAG-RL models: the conversation and its images, zipped.')),
        h('li', {}, h('span', { class: 'file-button small' }, this.importInput, h('label', { for: this.importInput.id }, 'Import trajectory')), h('span', { class: 'hint' }, ' Open a saved run and replay it step by step.')),
      ),
    );
  }

  /** Says, next to the Ask button, where page images go when a remote endpoint is used. */
  setRemote(origin: string | null): void {
    this.remoteLine.hidden = origin === null;
    this.remoteLine.textContent = origin ? `Remote endpoint on: page images are sent to ${origin}.` : '';
  }

  /** Says which model will answer, or that one is loading; a "no model" message left in the answer box goes once one is there. */
  setModel(label: string | null, loading?: string): void {
    this.modelBadge.textContent = loading ?? (label ? `Answers with ${label}.` : 'No model loaded: open “Models and settings” to load one.');
    if (!loading) this.modelLabel = label;
    if (label) this.answer.clearMessage();
  }

  /** "Ask about this document": the scope becomes that document and the question box takes focus. */
  askAbout(doc: ScopeDoc): void {
    this.scope.only(doc);
    this.question.focus();
  }

  get running(): boolean {
    return this.controller !== null;
  }

  /** The model to answer with; while the saved model is still loading, waits for it (saying so) first. */
  private async answererWhenReady(): Promise<Answerer | null> {
    try {
      return this.deps.answerer();
    } catch (error) {
      const loading = this.deps.modelLoading?.();
      if (!loading || !(error instanceof AppError && error.code === 'model-missing')) {
        this.answer.message(describeError(error));
        return null;
      }
      this.askButton.disabled = true;
      this.answer.message(`Waiting for ${loading.name} to finish loading: your question runs as soon as it is ready.`);
      await loading.done;
      this.askButton.disabled = false;
      try {
        const answerer = this.deps.answerer();
        this.answer.clearMessage();
        return answerer;
      } catch (again) {
        this.answer.message(`${loading.name} did not load, so the question was not asked: ${describeError(again)}`);
        return null;
      }
    }
  }

  async ask(): Promise<void> {
    const question = this.question.value.trim();
    if (this.controller || this.waiting) return;
    if (!question) {
      this.answer.message('Type a question first.');
      this.question.focus();
      return;
    }
    this.waiting = true;
    const answerer = await this.answererWhenReady().finally(() => (this.waiting = false));
    if (!answerer) return;
    this.endReplay();
    const scope = this.scope.value;
    const earlier = this.thread ? [...this.thread, ...(this.threadNext ? [this.threadNext] : [])] : [];
    if (this.thread) this.openThread(earlier, false);
    const model = this.modelLabel;
    const controller = (this.controller = new AbortController());
    const status = this.startRun(scope);
    try {
      const answered = await this.run(followUpQuestion(earlier, question), answerer, scope, controller.signal, status);
      this.finish(answered.result, scope, { question, earlier, model, extra: bestOfLine(answered) });
    } catch (error) {
      this.answer.message(describeError(error));
    } finally {
      status.finish();
      this.controller = null;
      this.askButton.disabled = false;
      this.stopButton.disabled = true;
    }
  }

  /** Clears the last run from view and starts the status line. */
  private startRun(scope: Scope): RunStatus {
    this.askButton.disabled = true;
    this.stopButton.disabled = false;
    this.trace.reset();
    this.answer.clear();
    this.trajectoryStatus.replaceChildren();
    this.trace.note(scopeLine(scope, true));
    const settings = this.deps.settings();
    const status = new RunStatus(this.runStatus, () => settings.maxActions);
    status.start();
    return status;
  }

  /** The one road with the model made ready, streaming every step into the trace and the status line. */
  private run(question: string, answerer: Answerer, scope: Scope, signal: AbortSignal, status: RunStatus): Promise<Answer> {
    return this.deps.ask(question, {
      answerer: () => answerer,
      ...(scope.docIds.length ? { docIds: scope.docIds } : {}),
      signal,
      onEvent: (event) => {
        status.handle(event);
        this.trace.handle(event);
      },
      onSample: (i, n) => {
        this.trace.note(`Sample ${i + 1} of ${n}`);
        status.setSample(`Sample ${i + 1} of ${n}`);
      },
    });
  }

  private finish(result: EpisodeResult, scope: Scope, run: { question: string; earlier: EarlierTurn[]; model: string | null; extra?: string | undefined }): void {
    this.last = { trajectory: result.trajectory, result };
    const outcome = result.outcome;
    // An answered question joins its thread, which stays open: asking again follows it up.
    if (this.thread && outcome.status === 'answered') this.threadNext = { question: run.question, answer: outcome.answer ?? '' };
    this.answer.show(outcome, result.trajectory, {
      question: run.question,
      sources: result.images,
      actions: [
        ...this.followUpActions(outcome.status === 'answered' ? { question: run.question, answer: outcome.answer ?? '' } : null, run.earlier),
        ...this.reportActions(result.trajectory, result.images, scope.names, run),
      ],
      ...(run.extra ? { extra: run.extra } : {}),
    });
    void this.history?.save(result.trajectory, scope, run);
  }

  /** "Follow-up question" under an answer when no thread is open (an open thread has "New question" above the question). */
  private followUpActions(answered: EarlierTurn | null, earlier: readonly EarlierTurn[]): HTMLElement[] {
    if (this.thread || !answered) return [];
    const follow = h('button', { type: 'button', class: 'secondary small' }, 'Follow-up question');
    follow.addEventListener('click', () => {
      follow.remove();
      this.openThread([...earlier, answered], true);
    });
    return [follow];
  }

  /** "Export report" (HTML, Markdown zip) under an answer: the live run's crops are its own pixels; a replayed one's are cut from the pages. */
  private reportActions(trajectory: Trajectory, images: ReadonlyMap<string, EpisodeImage> | null, scope: readonly string[], asked: { question: string; earlier: readonly EarlierTurn[] } | null): HTMLElement[] {
    const store = this.deps.reports;
    if (!store) return [];
    const make = async (format: ReportFormat) => ({
      blob: await answerReport(store, trajectory, images, format, scope, asked ?? undefined),
      name: reportFileName(format, trajectory.startedAt),
    });
    return [reportButtons('Export report', make).element];
  }

  /** Shows the thread above the question; the next question carries it. */
  private openThread(turns: EarlierTurn[], focus: boolean): void {
    this.thread = turns;
    this.threadNext = null;
    this.threadList.replaceChildren(
      ...turns.map((t) => h('li', {}, h('p', { class: 'thread-q' }, h('span', { class: 'thread-tag' }, 'Q '), t.question), h('p', { class: 'thread-a' }, h('span', { class: 'thread-tag' }, 'A '), t.answer))),
    );
    this.threadBox.hidden = false;
    if (focus) {
      this.question.value = '';
      this.question.focus();
    }
  }

  /** "New question": the thread ends; the next question stands alone. */
  private endThread(focus: boolean): void {
    this.thread = null;
    this.threadNext = null;
    this.threadBox.hidden = true;
    this.threadList.replaceChildren();
    if (focus) {
      this.question.value = '';
      this.question.focus();
    }
  }

  private exportJson(): void {
    const trajectory = this.current();
    if (!trajectory) return;
    downloadBlob(new Blob([serializeTrajectory(trajectory)], { type: 'application/json' }), `trajectory-${stamp(trajectory.startedAt)}.json`);
    this.trajectoryStatus.textContent = 'Trajectory exported as JSON.';
  }

  private async exportSft(confirmed: boolean): Promise<void> {
    const trajectory = this.current();
    if (!trajectory) return;
    if (trajectory.outcome.status !== 'answered' && !confirmed) {
      // Training on a run that never answered teaches a model to stop without answering.
      const anyway = h('button', { type: 'button', class: 'secondary small' }, 'Export anyway');
      const cancel = h('button', { type: 'button', class: 'secondary small' }, 'Cancel');
      anyway.addEventListener('click', () => void this.exportSft(true));
      cancel.addEventListener('click', () => this.trajectoryStatus.replaceChildren());
      this.trajectoryStatus.replaceChildren('This run ended without an answer; as training data it teaches a model to give up. ', anyway, ' ', cancel);
      anyway.focus();
      return;
    }
    try {
      const images = this.last?.trajectory === trajectory ? this.last.result?.images ?? null : null;
      const zip = await exportForTraining(trajectory, images);
      downloadBlob(zip, `vrag-sft-${stamp(trajectory.startedAt)}.zip`);
      this.trajectoryStatus.textContent = 'Exported for training: a zip with the SFT conversation and its images.';
    } catch (error) {
      this.trajectoryStatus.textContent = describeError(error);
    }
  }

  private current(): Trajectory | null {
    const trajectory = this.replay?.trajectory ?? this.last?.trajectory ?? null;
    if (!trajectory) this.trajectoryStatus.textContent = 'Ask a question (or import a trajectory) first: there is no trajectory to export yet.';
    return trajectory;
  }

  private async importFile(): Promise<void> {
    const file = this.importInput.files?.[0];
    this.importInput.value = '';
    if (!file || this.controller) return;
    try {
      await this.startReplay(await importTrajectoryFile(file), `Imported “${file.name}”`);
    } catch (error) {
      this.trajectoryStatus.textContent = describeError(error);
    }
  }

  /** Shows a finished trajectory (imported, or from the history with its scope, which asking again reuses) step by step. */
  private async startReplay(trajectory: Trajectory, origin: string, atEnd = false, scope: Scope | null = null, entry: HistoryEntry | null = null): Promise<void> {
    if (this.controller) return;
    if (scope) this.scope.restore(scope);
    this.replay = { trajectory, scope, steps: replaySteps(trajectory), at: -1, run: 0, entry };
    this.last = { trajectory, result: null };
    // A follow-up from the history brings its thread back: asking again continues it.
    if (entry?.earlier.length) this.openThread(entry.earlier, false);
    else this.endThread(false);
    this.question.value = entry?.question ?? trajectory.question;
    this.replayBar.hidden = false;
    this.trajectoryStatus.textContent = `${origin}: ${trajectory.turns.length} steps by ${trajectory.policy}. Use Next step to replay it.`;
    await this.step(atEnd ? this.replay.steps.length : 1);
  }

  private async step(delta: number): Promise<void> {
    const replay = this.replay;
    if (!replay) return;
    replay.at = Math.max(0, Math.min(replay.steps.length - 1, replay.at + delta));
    const run = ++replay.run;
    const at = replay.at;
    this.prevButton.disabled = at === 0;
    this.nextButton.disabled = at === replay.steps.length - 1;
    const shown = await Promise.all(replay.steps.slice(0, at + 1).map((events) => withPixels(events, this.deps.pages)));
    if (run !== replay.run) return;
    this.trace.reset();
    this.trace.note(`Replay of “${replay.entry?.question ?? replay.trajectory.question}”: step ${at + 1} of ${replay.steps.length}`);
    if (replay.scope) this.trace.note(scopeLine(replay.scope, false));
    for (const event of shown.flat()) this.trace.handle(event);
    if (at === replay.steps.length - 1) {
      const outcome = replay.trajectory.outcome;
      const question = replay.entry?.question ?? replay.trajectory.question;
      const answered = outcome.status === 'answered' ? { question, answer: outcome.answer ?? '' } : null;
      const actions = [...this.followUpActions(answered, replay.entry?.earlier ?? []), ...this.reportActions(replay.trajectory, null, replay.scope?.names ?? [], replay.entry)];
      this.answer.show(outcome, replay.trajectory, { question, actions });
    }
    else this.answer.clear('Replaying: the answer shows at the last step.');
  }

  private endReplay(): void {
    this.replay = null;
    this.replayBar.hidden = true;
  }
}

/** What best-of-N chose, for the answer box; nothing for a single episode. */
function bestOfLine({ bestOf }: Answer): string | undefined {
  if (!bestOf) return undefined;
  const score = bestOf.scores[bestOf.index]!;
  return `Best of ${bestOf.scores.length} samples (sample ${bestOf.index + 1}, score ${score.total.toFixed(2)}).`;
}

const stamp = (ms: number) => new Date(ms).toISOString().replace(/[:.]/g, '-').slice(0, 19);
