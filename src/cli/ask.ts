/** `npm run ask`, inside the headless app: ingest the documents, ask the session, return the answer with citations. */
import { citations } from '../agent/citations.ts';
import { traceLine } from '../agent/trace-text.ts';
import type { EpisodeOutcome, Trajectory } from '../agent/types.ts';
import { base64Of } from '../data-url.ts';
import { describeError } from '../errors.ts';
import { reportMarkdownZip } from '../report/markdown-zip.ts';
import type { DeviceOverride } from '../models/device.ts';
import { VRAG_PIXEL_BOUNDS } from '../perception/geometry.ts';
import { batchCsv, gradeAnswer, pageLabel, type BatchQuestion, type BatchRow } from '../report/batch.ts';
import { gatherReport } from '../report/gather.ts';
import { renderReportHtml } from '../report/html.ts';
import type { ReportQuestion, ReportSource } from '../report/types.ts';
import { answerOptions, settingsWith } from '../session/options.ts';
import { parsePageId } from '../store/index.ts';
import { loadModel, loadWhileIngesting, nothingAdded, type Log, type ModelSpec, type SessionFile, type SkippedDocument } from '../session/headless.ts';

export interface AskConfig {
  files: SessionFile[];
  question: string;
  model: ModelSpec;
  device: DeviceOverride;
  maxActions: number;
  maxNewTokens: number;
  /** Keep the library in the browser profile (--profile), so the next run finds the documents stored. */
  keepLibrary?: boolean;
  /** A batch (--questions): every question is asked in turn and the result carries the report and the CSV instead of one answer. */
  questions?: BatchQuestion[];
  /** Also make the report as Markdown in a zip (--markdown). */
  markdown?: boolean;
}

/** A batch's table, its report (self-contained HTML) and CSV, and the Markdown zip when asked. */
export interface BatchResult {
  rows: BatchRow[];
  html: string;
  csv: string;
  markdownZipBase64?: string;
}

export interface AskResult {
  outcome: EpisodeOutcome;
  /** Documents that could not be added; the question was asked of the others. */
  skipped: SkippedDocument[];
  citations: { file: string; page: number; regions: { x: number; y: number; width: number; height: number }[] }[];
  batch?: BatchResult;
}

export async function ask(config: AskConfig, log: Log): Promise<AskResult> {
  const loaded = await loadWhileIngesting((session) => loadModel(session, config.model, config.device, log), config.files, log, { keepLibrary: config.keepLibrary ?? false });
  const model = loaded.model!;
  const { session, docIds, skipped } = loaded.opened;
  const names = new Map([...docIds].map(([name, id]) => [id, name]));
  const label = (pageId: string) => pageLabel(pageId, names);
  try {
    if (docIds.size === 0) throw nothingAdded(skipped);
    const settings = settingsWith({ maxActions: config.maxActions, maxNewTokens: config.maxNewTokens, endpoint: model.endpoint });
    if (config.questions) {
      const source: ReportSource = {
        pageImage: (pageId) => session.store.pageImage(pageId),
        pageText: (pageId) => session.store.getPageText(pageId),
        pageLabel: (pageId) => {
          const { docId, pageNumber } = parsePageId(pageId);
          return { document: names.get(docId) ?? docId.slice(0, 8), page: pageNumber };
        },
      };
      const batch = await runBatch(config.questions, async (question) => {
        const { result } = await session.ask(question, {
          ...answerOptions(settings),
          docIds: [...new Set(docIds.values())],
          onEvent: (event) => {
            const line = traceLine(event, label);
            if (line) log(`  ${line}`);
          },
        });
        return result;
      }, { source, names: [...docIds.keys()], model: model.label, markdown: config.markdown ?? false }, log);
      return { outcome: { status: 'answered' }, skipped, citations: [], batch };
    }
    const { result } = await session.ask(config.question, {
      ...answerOptions(settings),
      // Only this run's documents, even when a reused profile's library holds others.
      docIds: [...new Set(docIds.values())],
      onEvent: (event) => {
        const line = traceLine(event, label);
        if (line) log(line);
      },
    });
    return {
      outcome: result.outcome,
      skipped,
      citations: citations(result.trajectory).map((c) => {
        const { docId, pageNumber } = parsePageId(c.pageId);
        return { file: names.get(docId) ?? docId, page: pageNumber, regions: c.regions.map(({ x, y, width, height }) => ({ x, y, width, height })) };
      }),
    };
  } finally {
    session.close();
  }
}

interface BatchContext {
  source: ReportSource;
  /** The documents asked about, by file name. */
  names: string[];
  model: string;
  markdown: boolean;
}

/** Asks every question in turn (a failure is that row's status, and the batch goes on), then builds the report and the CSV. */
async function runBatch(
  questions: readonly BatchQuestion[],
  askOne: (question: string) => Promise<{ trajectory: Trajectory; images: ReadonlyMap<string, { source: Promise<Blob> }> }>,
  context: BatchContext,
  log: Log,
): Promise<BatchResult> {
  const rows: BatchRow[] = [];
  const reported: ReportQuestion[] = [];
  const key = (pageId: string) => {
    const { document, page } = context.source.pageLabel(pageId);
    return `${document}:${page}`;
  };
  const started = performance.now();
  for (const [i, q] of questions.entries()) {
    log(`[${i + 1}/${questions.length}] ${q.question}`);
    const t0 = performance.now();
    let trajectory: Trajectory;
    let images: Map<string, Promise<Blob>> | undefined;
    try {
      const result = await askOne(q.question);
      trajectory = result.trajectory;
      images = new Map([...result.images].map(([id, image]) => [id, image.source]));
    } catch (error) {
      trajectory = failedTrajectory(q.question, context.model, describeError(error));
    }
    const timeMs = performance.now() - t0;
    const grade = gradeAnswer(trajectory, q, key, context.names);
    reported.push({ trajectory, timeMs, ...(images ? { images } : {}), ...(grade ? { grade } : {}) });
    const pages = citations(trajectory).map((c) => {
      const { document, page } = context.source.pageLabel(c.pageId);
      return `${document} p. ${page}`;
    });
    const answer = trajectory.outcome.status === 'answered' ? (trajectory.outcome.answer ?? '') : null;
    rows.push({ question: q.question, answer, pages, timeMs, status: trajectory.outcome.status, ...(grade ? { grade } : {}) });
    const done = i + 1;
    const left = ((performance.now() - started) / done) * (questions.length - done);
    log(
      `[${done}/${questions.length}] ${trajectory.outcome.status}${answer !== null ? `: ${answer}` : trajectory.outcome.message ? `: ${trajectory.outcome.message}` : ''} (${(timeMs / 1000).toFixed(1)} s${grade ? `, ${grade.correct ? 'correct' : 'wrong'}` : ''}${done < questions.length ? `, about ${Math.ceil(left / 1000)} s left` : ''})`,
    );
  }
  const data = await gatherReport({ kind: 'batch', documents: context.names, model: context.model, questions: reported }, context.source);
  return {
    rows,
    html: renderReportHtml(data),
    csv: batchCsv(rows),
    ...(context.markdown ? { markdownZipBase64: await base64Of(await reportMarkdownZip(data)) } : {}),
  };
}

/**
 * A question that failed before its episode could run, as a trajectory the report can show: no
 * turns, no image seen (so no box convention to speak of: the defaults, and no cropping).
 */
function failedTrajectory(question: string, policy: string, message: string): Trajectory {
  return {
    format: 'vrag-browser-trajectory',
    version: 2,
    question,
    policy,
    vision: { convention: 'absolute', pixelBounds: VRAG_PIXEL_BOUNDS, canCrop: false },
    config: { maxActions: 0, topK: 0 },
    startedAt: Date.now(),
    totalMs: 0,
    turns: [],
    images: [],
    outcome: { status: 'error', message },
  };
}
