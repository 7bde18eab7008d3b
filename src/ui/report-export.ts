/**
 * "Export report": one answer, a selection of the history or a batch as a self-contained HTML file
 * or as Markdown with its images in a zip (src/report). The Ask panel and the history call these;
 * the pages come from the library.
 *
 * - `answerReport(store, trajectory, images, format)`: the answer on screen (`images` is the
 *   episode's image map, so the crops are the model's own pixels; null for an imported trajectory).
 * - `historyReport(store, runs, format)`: history entries (`RunRecord`s); their crops are cut from
 *   the stored page by the report (an SVG viewport on the page image).
 * - `downloadReport(blob, name)` saves it; `reportFileName(format, startedAt)` names it.
 * - `reportButtons(label, make)`: the two buttons (HTML, Markdown zip) with a status line.
 */
import type { EpisodeImage, Trajectory } from '../agent/types.ts';
import { reportMarkdownZip } from '../report/markdown-zip.ts';
import { gatherReport } from '../report/gather.ts';
import { renderReportHtml } from '../report/html.ts';
import type { ReportData, ReportQuestion, ReportRequest, ReportSource, ThreadTurn } from '../report/types.ts';
import type { DocumentStore, RunRecord } from '../store/index.ts';
import { parsePageId } from '../store/index.ts';
import { parseTrajectory } from '../schemas/trajectory.ts';
import { describeError } from '../errors.ts';
import { downloadBlob, h } from './dom.ts';

export type ReportFormat = 'html' | 'markdown';

/** Where a report reads the pages and the documents' names: the library. */
export type ReportStore = Pick<DocumentStore, 'listDocuments' | 'pageImage' | 'getPageText'>;

/** The library as a report's page source: images and text by page id, names by document. */
export async function libraryReportSource(store: ReportStore): Promise<ReportSource & { names: Map<string, string> }> {
  const names = new Map((await store.listDocuments()).map((d) => [d.id, d.name]));
  return {
    names,
    pageImage: (pageId) => store.pageImage(pageId).catch(() => undefined),
    pageText: (pageId) => store.getPageText(pageId).catch(() => undefined),
    pageLabel: (pageId) => {
      const { docId, pageNumber } = parsePageId(pageId);
      return { document: names.get(docId) ?? `a deleted document (${docId.slice(0, 8)})`, page: pageNumber };
    },
  };
}

export async function answerReport(
  store: ReportStore,
  trajectory: Trajectory,
  images: ReadonlyMap<string, EpisodeImage> | null,
  format: ReportFormat,
  scope?: readonly string[],
  asked?: { question: string; earlier: readonly ThreadTurn[] },
): Promise<Blob> {
  const source = await libraryReportSource(store);
  const question: ReportQuestion = {
    trajectory,
    ...(asked ? { asked: asked.question, earlier: asked.earlier } : {}),
    ...(images ? { images: new Map([...images].map(([id, image]) => [id, image.source])) } : {}),
    ...(scope?.length ? { scope } : {}),
  };
  return render({ kind: 'answer', documents: documentsOf([question], source), questions: [question] }, source, format);
}

export async function historyReport(store: ReportStore, runs: readonly RunRecord[], format: ReportFormat): Promise<Blob> {
  const source = await libraryReportSource(store);
  const questions: ReportQuestion[] = [...runs]
    .sort((a, b) => a.startedAt - b.startedAt)
    .map((run) => ({
      trajectory: parseTrajectory(run.trajectory),
      asked: run.question,
      earlier: run.earlier ?? [],
      ...(run.scope?.names.length ? { scope: run.scope.names } : {}),
    }));
  return render({ kind: questions.length === 1 ? 'answer' : 'history', documents: documentsOf(questions, source), questions }, source, format);
}

/** Renders gathered data in the format asked for. */
export async function renderReport(data: ReportData, format: ReportFormat): Promise<Blob> {
  return format === 'html' ? new Blob([renderReportHtml(data)], { type: 'text/html' }) : reportMarkdownZip(data);
}

async function render(request: ReportRequest, source: ReportSource, format: ReportFormat): Promise<Blob> {
  return renderReport(await gatherReport(request, source), format);
}

/** The documents the questions searched: their scopes, or, when one searched everything, the whole library. */
function documentsOf(questions: readonly ReportQuestion[], source: { names: Map<string, string> }): string[] {
  if (questions.every((q) => q.scope)) return [...new Set(questions.flatMap((q) => q.scope!))];
  return [...source.names.values()];
}

export function reportFileName(format: ReportFormat, startedAt = Date.now()): string {
  const stamp = new Date(startedAt).toISOString().replace(/[:.]/g, '-').slice(0, 19);
  return `vrag-report-${stamp}.${format === 'html' ? 'html' : 'zip'}`;
}

/** Saves a report file. */
export const downloadReport = downloadBlob;

/**
 * "<label> (HTML)" and "<label> (Markdown zip)" and a status line: `make` builds the report, which is
 * then saved. A click while one is being built is ignored.
 */
export function reportButtons(label: string, make: (format: ReportFormat) => Promise<{ blob: Blob; name: string }>): { element: HTMLElement; buttons: HTMLButtonElement[] } {
  const status = h('span', { class: 'hint report-status', role: 'status' });
  let busy = false;
  const buttons = (['html', 'markdown'] as const).map((format) => {
    const button = h('button', { type: 'button', class: 'secondary small' }, `${label} (${format === 'html' ? 'HTML' : 'Markdown zip'})`);
    button.addEventListener('click', async () => {
      if (busy) return;
      busy = true;
      status.textContent = 'Preparing the report…';
      try {
        const { blob, name } = await make(format);
        downloadReport(blob, name);
        status.textContent = `Report saved as ${name}.`;
      } catch (error) {
        status.textContent = `Could not export the report: ${describeError(error)}`;
      } finally {
        busy = false;
      }
    });
    return button;
  });
  return { element: h('span', { class: 'report-buttons' }, ...buttons, status), buttons };
}
