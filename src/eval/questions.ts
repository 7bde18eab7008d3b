import * as v from 'valibot';
import { AppError } from '../errors.ts';
import { parseWith } from '../schemas/parse.ts';

/** One evaluation question, whichever dataset it came from. Pages are 1-based. */
export interface EvalQuestion {
  /** VRAG-RL: the uid. MMLongBench-Doc: the 0-based position in questions.json (it has no id). */
  id: string;
  question: string;
  answer: string;
  answerable: boolean;
  /** Every file and page that answers the question; empty for unanswerable questions. */
  gold: { file: string; pages: number[] }[];
  /** The document(s) the question is asked about (its search scope), unanswerable ones included. */
  files: string[];
  evidenceSources: string[];
  docType?: string;
  answerFormat?: string;
}

/** The answer MMLongBench-Doc gives to questions the document cannot answer. */
export const NOT_ANSWERABLE = 'Not answerable';

/** A question the set holds but the eval cannot use, and why. */
export interface SkippedQuestion {
  /** Where it is in the file, e.g. `question 12 (report.pdf)` or `example 3`. */
  where: string;
  reason: string;
}

export interface QuestionSet {
  questions: EvalQuestion[];
  skipped: SkippedQuestion[];
}

/**
 * Reads either question format: a MMLongBench-Doc `questions.json` (an array of records) or a
 * VRAG-RL RAG dataset (`{ examples: [...] }`). A set of neither shape, or with no usable question,
 * is an 'invalid-input' error; a single broken question (a page 0, a missing field) is skipped
 * and named in `skipped`, so one bad record in a dataset does not stop the run.
 */
export function parseQuestions(json: unknown): QuestionSet {
  const records = Array.isArray(json) ? json : isRecord(json) && Array.isArray(json.examples) ? json.examples : null;
  if (records === null) {
    throw new AppError(
      'invalid-input',
      'This is not a question set this app can read: expected a MMLongBench-Doc questions.json ' +
        '(an array of records with doc_id, question, answer and evidence_pages) or a VRAG-RL ' +
        'dataset (an object with an "examples" array).',
    );
  }
  if (records.length === 0) throw new AppError('invalid-input', 'The question set has no questions.');
  const read = Array.isArray(json) ? fromMmLongBench : fromVragExample;
  const set: QuestionSet = { questions: [], skipped: [] };
  records.forEach((record: unknown, index: number) => {
    const where = Array.isArray(json) ? `question ${index}${isRecord(record) && typeof record.doc_id === 'string' ? ` (${record.doc_id})` : ''}` : `example ${index}`;
    try {
      set.questions.push(read(record, index, where));
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      set.skipped.push({ where, reason: error.message });
    }
  });
  if (set.questions.length === 0) {
    throw new AppError('invalid-input', `None of the ${records.length} questions can be used; the first: ${set.skipped[0]!.reason}`);
  }
  return set;
}

const MmLongBenchRecord = v.looseObject({
  doc_id: v.string(),
  question: v.string(),
  answer: v.string(),
  evidence_pages: v.union([v.string(), v.array(v.union([v.string(), v.number()]))], '"evidence_pages" should be a list of pages'),
  evidence_sources: v.optional(v.union([v.string(), v.array(v.unknown())]), '[]'),
  doc_type: v.optional(v.unknown()),
  answer_format: v.optional(v.unknown()),
});

const page = v.union([v.number(), v.string()]);
const pages = v.pipe(v.array(page, 'should be a list of page numbers'), v.minLength(1, 'should name at least one page'));
const VragExample = v.looseObject({
  uid: v.union([v.string(), v.number()], '"uid" should be text or a number'),
  query: v.string(),
  reference_answer: v.string(),
  meta_info: v.looseObject({
    file_name: v.string(),
    reference_page: pages,
    also: v.optional(v.array(v.union([v.string(), v.looseObject({ file_name: v.string(), reference_page: pages })]))),
    source_type: v.optional(v.unknown()),
    doc_type: v.optional(v.unknown()),
    answer_format: v.optional(v.unknown()),
  }),
});

function fromMmLongBench(value: unknown, index: number, where: string): EvalQuestion {
  const record = parseWith(MmLongBenchRecord, value, { code: 'invalid-input', subject: `The question set's ${where} cannot be read` });
  const file = record.doc_id;
  const answer = record.answer;
  const pages = parseListLiteral(record.evidence_pages, 'evidence_pages', where).map((item) => toPage(item, where));
  const question: EvalQuestion = {
    id: String(index),
    question: record.question,
    answer,
    answerable: answer !== NOT_ANSWERABLE,
    gold: pages.length > 0 ? [{ file, pages }] : [],
    files: [file],
    evidenceSources: parseListLiteral(record.evidence_sources, 'evidence_sources', where).map(String),
  };
  if (typeof record.doc_type === 'string') question.docType = record.doc_type;
  if (typeof record.answer_format === 'string') question.answerFormat = record.answer_format;
  return question;
}

function fromVragExample(value: unknown, _index: number, where: string): EvalQuestion {
  const example = parseWith(VragExample, value, { code: 'invalid-input', subject: `The question set's ${where} cannot be read` });
  const meta = example.meta_info;
  const answer = example.reference_answer;
  const gold = [
    { file: meta.file_name, pages: meta.reference_page.map((p) => toPage(p, where)) },
    // `meta_info.also`, this project's extension: other files that answer the question too. A bare
    // file name is a single-page file (an image), so its page is 1.
    ...(meta.also ?? []).map((entry) => (typeof entry === 'string' ? { file: entry, pages: [1] } : { file: entry.file_name, pages: entry.reference_page.map((p) => toPage(p, where)) })),
  ];
  const question: EvalQuestion = {
    id: String(example.uid),
    question: example.query,
    answer,
    answerable: answer !== NOT_ANSWERABLE,
    gold: answer === NOT_ANSWERABLE ? [] : gold,
    files: [...new Set(gold.map((g) => g.file))],
    evidenceSources: Array.isArray(meta.source_type) ? meta.source_type.map(String) : [],
  };
  if (typeof meta.doc_type === 'string') question.docType = meta.doc_type;
  if (typeof meta.answer_format === 'string') question.answerFormat = meta.answer_format;
  return question;
}

/**
 * MMLongBench-Doc stores lists as Python literals inside strings: "[5]", "[7, 8]", "[]",
 * "['Chart', 'Pure-text (Plain-text)']". Reads those (single or double quotes, backslash
 * escapes) and passes real arrays through.
 */
export function parseListLiteral(value: unknown, field: string, where: string): (string | number)[] {
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'number' ? item : String(item)));
  const fail = (why: string) =>
    new AppError('invalid-input', `The question set's ${where} has an unreadable ${field} (${why}): ${JSON.stringify(value)}`);
  if (typeof value !== 'string') throw fail('not a list');
  const text = value.trim();
  if (!text.startsWith('[') || !text.endsWith(']')) throw fail('no brackets');
  const items: (string | number)[] = [];
  let i = 1;
  const end = text.length - 1;
  const skipSpace = () => {
    while (i < end && /\s/.test(text[i]!)) i++;
  };
  skipSpace();
  while (i < end) {
    const quote = text[i];
    if (quote === "'" || quote === '"') {
      let item = '';
      i++;
      while (i < end && text[i] !== quote) {
        if (text[i] === '\\' && i + 1 < end) i++;
        item += text[i];
        i++;
      }
      if (i >= end) throw fail('unclosed quote');
      i++;
      items.push(item);
    } else {
      const start = i;
      while (i < end && text[i] !== ',') i++;
      const token = text.slice(start, i).trim();
      const number = Number(token);
      if (token === '' || !Number.isFinite(number)) throw fail(`"${token}" is neither a quoted string nor a number`);
      items.push(number);
    }
    skipSpace();
    if (i < end) {
      if (text[i] !== ',') throw fail('missing comma');
      i++;
      skipSpace();
    }
  }
  return items;
}

function toPage(item: string | number, where: string): number {
  const page = typeof item === 'number' ? item : Number(item);
  if (!Number.isInteger(page) || page < 1) {
    throw new AppError('invalid-input', `The question set's ${where} names page ${JSON.stringify(item)}; pages are whole numbers from 1.`);
  }
  return page;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
