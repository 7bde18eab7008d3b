/**
 * Collects what a report shows from trajectories and the pages they rest on: page images, crops,
 * the lines of page text under the crops, the trace in words, totals. Runs wherever the pages are
 * (the app, the headless page of `npm run ask`, a Node test with a fake source); the renderers
 * that follow are pure.
 */
import { citations } from '../agent/citations.ts';
import type { ImageRecord, Trajectory, TurnRecord } from '../agent/types.ts';
import type { TextLine } from '../store/types.ts';
import type {
  ReportCrop,
  ReportData,
  ReportEntry,
  ReportImage,
  ReportPage,
  ReportQuestion,
  ReportRequest,
  ReportSource,
  ReportTotals,
  ReportTraceStep,
} from './types.ts';

const MAX_LINES = 12;

export async function gatherReport(request: ReportRequest, source: ReportSource): Promise<ReportData> {
  const pageImages = new Map<string, Promise<ReportImage | null>>();
  const pageImage = (pageId: string, name: string) => {
    if (!pageImages.has(pageId)) pageImages.set(pageId, source.pageImage(pageId).then((b) => (b ? reportImage(b, name) : null), () => null));
    return pageImages.get(pageId)!;
  };
  const entries: ReportEntry[] = [];
  for (const [i, question] of request.questions.entries()) {
    entries.push(await gatherEntry(i + 1, question, source, pageImage));
  }
  const models = [...new Set(entries.map((e) => e.model))];
  return {
    title: request.title ?? defaultTitle(request),
    kind: request.kind,
    documents: request.documents,
    models: request.model ? [request.model] : models,
    createdAt: request.createdAt ?? Date.now(),
    totals: totalsOf(entries),
    entries,
  };
}

function defaultTitle(request: ReportRequest): string {
  if (request.kind === 'answer') return askedOf(request.questions[0]) ?? 'Answer';
  return request.kind === 'batch' ? `Batch of ${request.questions.length} questions` : `${request.questions.length} questions from the history`;
}

async function gatherEntry(
  number: number,
  question: ReportQuestion,
  source: ReportSource,
  pageImage: (pageId: string, name: string) => Promise<ReportImage | null>,
): Promise<ReportEntry> {
  const t = question.trajectory;
  const records = new Map(t.images.map((r) => [r.id, r]));
  const pages: ReportPage[] = [];
  for (const citation of citations(t)) {
    const label = source.pageLabel(citation.pageId);
    const pageRecord = citation.imageIds.map((id) => records.get(id)!).find((r) => r.kind === 'page');
    const cropRecords = citation.imageIds.map((id) => records.get(id)!).filter((r) => r.kind === 'crop');
    const size = pageRecord ? { width: pageRecord.region.width, height: pageRecord.region.height } : pageSizeOf(cropRecords[0]);
    const stem = `q${number}-${safeName(label.document)}-p${label.page}`;
    const crops: ReportCrop[] = [];
    for (const [k, crop] of cropRecords.entries()) {
      const blob = await question.images?.get(crop.id);
      const { x, y, width, height } = crop.region;
      crops.push({
        index: k + 1,
        region: { x, y, width, height },
        image: blob ? await reportImage(blob, `${stem}-crop${k + 1}`) : null,
        pastEdge: crop.pastEdge === true,
      });
    }
    const text = await source.pageText(citation.pageId).catch(() => undefined);
    pages.push({
      pageId: citation.pageId,
      document: label.document,
      page: label.page,
      size,
      image: await pageImage(citation.pageId, `${safeName(label.document)}-p${label.page}`),
      crops,
      lines: text ? matchingLines(text, crops, t.outcome.answer ?? '') : [],
    });
  }
  return {
    number,
    question: askedOf(question)!,
    earlier: question.earlier ?? [],
    status: t.outcome.status,
    answer: t.outcome.status === 'answered' ? (t.outcome.answer ?? '') : null,
    message: t.outcome.message ?? null,
    model: t.policy,
    startedAt: t.startedAt,
    timeMs: question.timeMs ?? t.totalMs,
    scope: question.scope ?? null,
    pages,
    trace: t.turns.map((turn) => traceStep(turn, records, source)),
    ...(question.grade ? { grade: question.grade } : {}),
  };
}

const askedOf = (question: ReportQuestion | undefined) => question && (question.asked ?? question.trajectory.question);

function pageSizeOf(crop: ImageRecord | undefined): { width: number; height: number } {
  if (!crop) return { width: 1, height: 1 };
  return { width: Math.max(1, crop.region.x + crop.region.width), height: Math.max(1, crop.region.y + crop.region.height) };
}

/**
 * The lines of page text under the finest crop (the last one that covers any line), or, on a page
 * the model did not zoom into, the lines holding the answer's words.
 */
export function matchingLines(text: { text: string; lines?: readonly TextLine[] }, crops: readonly Pick<ReportCrop, 'region'>[], answer: string): string[] {
  const lines = text.lines?.length
    ? text.lines.map((l) => ({ text: l.text, box: l.box as readonly number[] | null }))
    : text.text.split(/\r?\n/).map((l) => ({ text: l, box: null }));
  const nonEmpty = lines.filter((l) => l.text.trim() !== '');
  for (const crop of [...crops].reverse()) {
    const { x, y, width, height } = crop.region;
    const under = nonEmpty.filter((l) => l.box && l.box[0]! < x + width && l.box[2]! > x && l.box[1]! < y + height && l.box[3]! > y);
    if (under.length) return under.slice(0, MAX_LINES).map((l) => l.text.trim());
  }
  const words = wordsOf(answer);
  if (words.size === 0) return [];
  return nonEmpty.filter((l) => [...wordsOf(l.text)].some((w) => words.has(w))).slice(0, MAX_LINES).map((l) => l.text.trim());
}

function wordsOf(text: string): Set<string> {
  return new Set((text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}.,%]*/gu) ?? []).map((w) => w.replace(/[.,]+$/, '')).filter((w) => w.length >= 3 || /\d/.test(w)));
}

function traceStep(turn: TurnRecord, records: Map<string, ImageRecord>, source: ReportSource): ReportTraceStep {
  const label = (pageId: string) => {
    const l = source.pageLabel(pageId);
    return `${l.document} p. ${l.page}`;
  };
  let action: string;
  let result: string | null = null;
  if (turn.invalid) {
    action = `Invalid action (${turn.invalid.reason}): ${turn.invalid.problem}`;
  } else if (turn.action?.kind === 'search') {
    action = `Search “${turn.action.query}”`;
    const found = turn.search?.results ?? [];
    const shown = turn.search?.shownPageId;
    result = found.length
      ? `Found ${found.slice(0, 5).map((r) => label(r.pageId)).join(', ')}${found.length > 5 ? ` and ${found.length - 5} more` : ''}; ${shown ? `shown: ${label(shown)}` : 'every result had been shown already'}`
      : 'No page found';
  } else if (turn.action?.kind === 'bbox') {
    action = `Crop [${turn.action.bbox.map((v) => Math.round(v * 100) / 100).join(', ')}]`;
    const image = turn.observation.kind === 'image' ? records.get(turn.observation.imageId) : undefined;
    if (image) {
      const { x, y, width, height } = image.region;
      result = `Zoomed into ${Math.round(width)}×${Math.round(height)} px at ${Math.round(x)},${Math.round(y)} on ${label(image.pageId)}${image.pastEdge ? ' (the box ran past the image edge; the crop stops there)' : ''}`;
    }
  } else if (turn.action?.kind === 'answer') {
    action = `Answer: ${turn.action.text}`;
  } else {
    action = 'No action';
  }
  if (!result && turn.observation.kind === 'text' && !turn.invalid && turn.action?.kind !== 'answer') result = turn.observation.text;
  return { index: turn.index + 1, thought: turn.thought, action, result, ms: turn.timings.modelMs + turn.timings.observeMs };
}

function totalsOf(entries: readonly ReportEntry[]): ReportTotals {
  const graded = entries.filter((e) => e.grade);
  const retrieval = graded.filter((e) => e.grade!.retrievalHit !== null);
  return {
    questions: entries.length,
    answered: entries.filter((e) => e.status === 'answered').length,
    notAnswered: entries.filter((e) => e.status !== 'answered').length,
    graded: graded.length,
    correct: graded.filter((e) => e.grade!.correct).length,
    retrievalGraded: retrieval.length,
    retrievalHits: retrieval.filter((e) => e.grade!.retrievalHit).length,
    timeMs: entries.reduce((sum, e) => sum + e.timeMs, 0),
    pages: new Set(entries.flatMap((e) => e.pages.map((p) => p.pageId))).size,
  };
}

/** A file-name-safe version of a document name. */
function safeName(name: string): string {
  return name.replace(/\.[^.]+$/, '').replace(/[^\p{L}\p{N}_-]+/gu, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'page';
}

const EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp', 'image/gif': 'gif' };

async function reportImage(blob: Blob, stem: string): Promise<ReportImage> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const mime = EXTENSIONS[blob.type] ? blob.type : sniffMime(bytes);
  return { name: `${stem}.${EXTENSIONS[mime] ?? 'png'}`, mime, base64: toBase64(bytes) };
}

function sniffMime(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg';
  if (bytes[0] === 0x52 && bytes[1] === 0x49 && bytes[8] === 0x57) return 'image/webp';
  return 'image/png';
}

/** Base64 without FileReader (Node has none), in chunks small enough for String.fromCharCode. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export type { Trajectory };
