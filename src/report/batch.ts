/**
 * A batch of questions: the list a person pastes or loads (one question per line, or CSV with a
 * `question` column and optional `answer` and `pages` columns), how each row is graded against an
 * expected answer (the rules `npm run eval` uses) and the table as CSV. Pure.
 */
import type { Trajectory } from '../agent/types.ts';
import { AppError } from '../errors.ts';
import { docIdOf, pageNumberOf } from '../page-id.ts';
import { hitAt } from '../reward/metrics.ts';
import { retrievedPages } from '../reward/retrieval.ts';
import { ruleOutcome } from '../reward/rule-outcome.ts';
import { csvField } from './escape.ts';
import type { ReportGrade } from './types.ts';

export interface BatchQuestion {
  question: string;
  /** The expected answer, when the list gives one. */
  answer?: string;
  /** Evidence pages as `file:page` (or a bare page number when the batch has one document). */
  pages?: string[];
}

/** A page as a report or a batch table names it: the document's name (its id's start when unknown) and the page number. */
export function pageLabel(pageId: string, names: ReadonlyMap<string, string>): string {
  const docId = docIdOf(pageId);
  return `${names.get(docId) ?? docId.slice(0, 8)} p. ${pageNumberOf(pageId)}`;
}

/** Parses a question list: CSV when the first line names a `question` column, else one question per line (blank lines and lines starting with # skipped). */
export function parseBatchQuestions(text: string): BatchQuestion[] {
  const body = text.replace(/^\uFEFF/, '');
  const firstLine = body.split(/\r?\n/, 1)[0] ?? '';
  const questions = isCsvHeader(firstLine) ? fromCsv(body) : fromLines(body);
  if (questions.length === 0) throw new AppError('invalid-input', 'The question list holds no question.');
  return questions;
}

function isCsvHeader(line: string): boolean {
  return parseCsv(line)[0]?.some((cell) => cell.trim().toLowerCase() === 'question') ?? false;
}

function fromLines(text: string): BatchQuestion[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((question) => ({ question }));
}

function fromCsv(text: string): BatchQuestion[] {
  const [header, ...rows] = parseCsv(text);
  const names = header!.map((h) => h.trim().toLowerCase());
  const col = (...candidates: string[]) => names.findIndex((n) => candidates.includes(n));
  const q = col('question', 'query');
  const a = col('answer', 'expected', 'expected answer', 'reference_answer');
  const p = col('pages', 'page', 'evidence', 'evidence pages');
  const out: BatchQuestion[] = [];
  for (const [i, row] of rows.entries()) {
    if (row.every((c) => c.trim() === '')) continue;
    const question = row[q]?.trim() ?? '';
    if (!question) throw new AppError('invalid-input', `Row ${i + 2} of the question list has no question.`);
    const answer = a >= 0 ? row[a]?.trim() : undefined;
    const pages = p >= 0 ? (row[p] ?? '').split(/[;\n]/).map((s) => s.trim()).filter(Boolean) : [];
    out.push({ question, ...(answer ? { answer } : {}), ...(pages.length ? { pages } : {}) });
  }
  return out;
}

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field), rows.push(row), (row = []), (field = '');
    } else field += c;
  }
  if (field !== '' || row.length) row.push(field), rows.push(row);
  return rows;
}

/**
 * The rule verdict on the trajectory's answer and whether a named evidence page was shown to the
 * model. `pageKey` turns a page id into the `file:page` form the list uses.
 */
export function gradeAnswer(trajectory: Trajectory, expected: BatchQuestion, pageKey: (pageId: string) => string, documents: readonly string[]): ReportGrade | undefined {
  if (expected.answer === undefined) return undefined;
  const answer = trajectory.outcome.status === 'answered' ? (trajectory.outcome.answer ?? '') : null;
  const rule = answer !== null ? ruleOutcome(expected.answer, answer) : null;
  const gold = (expected.pages ?? []).map((p) => goldKey(p, documents));
  const retrieved = retrievedPages(trajectory).map(pageKey);
  return {
    expected: expected.answer,
    correct: rule?.correct ?? false,
    method: rule?.method ?? 'no-answer',
    retrievalHit: gold.length ? hitAt(retrieved, gold, Math.max(1, retrieved.length)) > 0 : null,
  };
}

/** `file:page`, `file p. page` or, with one document, a bare page number. */
function goldKey(page: string, documents: readonly string[]): string {
  const bare = /^\d+$/.exec(page);
  if (bare && documents.length === 1) return `${documents[0]}:${Number(page)}`;
  const m = /^(.*?)(?::|\s+p\.?\s*)(\d+)$/.exec(page);
  return m ? `${m[1]!.trim()}:${Number(m[2])}` : page;
}

export interface BatchRow {
  question: string;
  answer: string | null;
  /** `file p. n`, cited pages in order. */
  pages: string[];
  timeMs: number | null;
  status: string;
  grade?: ReportGrade;
}

/** The table as CSV: question, answer, pages, time, status, and with expected answers the verdict and retrieval hit. */
export function batchCsv(rows: readonly BatchRow[]): string {
  const graded = rows.some((r) => r.grade);
  const header = ['question', 'answer', 'pages', 'time_s', 'status', ...(graded ? ['expected', 'verdict', 'retrieval_hit'] : [])];
  const lines = rows.map((r) =>
    [
      r.question,
      r.answer ?? '',
      r.pages.join('; '),
      r.timeMs === null ? '' : (r.timeMs / 1000).toFixed(1),
      r.status,
      ...(graded
        ? [r.grade?.expected ?? '', r.grade ? (r.grade.correct ? 'correct' : 'wrong') : '', r.grade?.retrievalHit === null || !r.grade ? '' : r.grade.retrievalHit ? 'hit' : 'miss']
        : []),
    ]
      .map(csvField)
      .join(','),
  );
  return [header.join(','), ...lines].join('\r\n') + '\r\n';
}
