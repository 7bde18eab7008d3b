import { AppError } from '../errors.ts';
import { pageKey } from './metrics.ts';

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

/**
 * Reads either question format: a MMLongBench-Doc `questions.json` (an array of records) or a
 * VRAG-RL RAG dataset (`{ examples: [...] }`). Anything else is an 'invalid-input' error.
 */
export function parseQuestions(json: unknown): EvalQuestion[] {
  const records = Array.isArray(json) ? json : isRecord(json) && Array.isArray(json.examples) ? json.examples : null;
  if (records?.length === 0) throw new AppError('invalid-input', 'The question set has no questions.');
  if (Array.isArray(json)) return json.map(fromMmLongBench);
  if (records) return records.map(fromVragExample);
  throw new AppError(
    'invalid-input',
    'This is not a question set this app can read: expected a MMLongBench-Doc questions.json ' +
      '(an array of records with doc_id, question, answer and evidence_pages) or a VRAG-RL ' +
      'dataset (an object with an "examples" array).',
  );
}

/** Gold pages as `${file}#${page}` keys, the form the retrieval metrics compare. */
export function goldPageKeys(question: EvalQuestion): string[] {
  return question.gold.flatMap(({ file, pages }) => pages.map((page) => pageKey(file, page)));
}

function fromMmLongBench(record: unknown, index: number): EvalQuestion {
  if (!isRecord(record)) throw new AppError('invalid-input', `The question set's question ${index} is not an object.`);
  const where = `question ${index} (${String(record.doc_id)})`;
  const file = requireString(record.doc_id, 'doc_id', where);
  const answer = requireString(record.answer, 'answer', where);
  const pages = parseListLiteral(record.evidence_pages, 'evidence_pages', where).map((item) =>
    toPage(item, where),
  );
  const question: EvalQuestion = {
    id: String(index),
    question: requireString(record.question, 'question', where),
    answer,
    answerable: answer !== NOT_ANSWERABLE,
    gold: pages.length > 0 ? [{ file, pages }] : [],
    files: [file],
    evidenceSources: parseListLiteral(record.evidence_sources ?? '[]', 'evidence_sources', where).map(
      String,
    ),
  };
  if (typeof record.doc_type === 'string') question.docType = record.doc_type;
  if (typeof record.answer_format === 'string') question.answerFormat = record.answer_format;
  return question;
}

function fromVragExample(example: unknown, index: number): EvalQuestion {
  const where = `example ${index}`;
  if (!isRecord(example) || !isRecord(example.meta_info)) {
    throw new AppError('invalid-input', `The question set's ${where} has no meta_info object.`);
  }
  const meta = example.meta_info;
  const answer = requireString(example.reference_answer, 'reference_answer', where);
  const gold = [
    {
      file: requireString(meta.file_name, 'meta_info.file_name', where),
      pages: requirePages(meta.reference_page, 'meta_info.reference_page', where),
    },
    ...alsoFiles(meta.also, where),
  ];
  const question: EvalQuestion = {
    id: String(requireId(example.uid, where)),
    question: requireString(example.query, 'query', where),
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
 * `meta_info.also`, this project's extension: other files that answer the question too. A bare
 * file name is a single-page file (an image), so its page is 1; `{ file_name, reference_page }`
 * names pages of a longer document.
 */
function alsoFiles(also: unknown, where: string): { file: string; pages: number[] }[] {
  if (also === undefined) return [];
  if (!Array.isArray(also)) {
    throw new AppError('invalid-input', `The question set's ${where} has a meta_info.also that is not a list.`);
  }
  return also.map((entry) => {
    if (typeof entry === 'string') return { file: entry, pages: [1] };
    if (isRecord(entry)) {
      return {
        file: requireString(entry.file_name, 'meta_info.also[].file_name', where),
        pages: requirePages(entry.reference_page, 'meta_info.also[].reference_page', where),
      };
    }
    throw new AppError('invalid-input', `The question set's ${where} has an unreadable meta_info.also entry.`);
  });
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

function requirePages(value: unknown, field: string, where: string): number[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new AppError('invalid-input', `The question set's ${where} needs ${field} as a non-empty list of page numbers.`);
  }
  return value.map((item) => toPage(typeof item === 'number' || typeof item === 'string' ? item : NaN, where));
}

function requireString(value: unknown, field: string, where: string): string {
  if (typeof value !== 'string') {
    throw new AppError('invalid-input', `The question set's ${where} needs a text ${field}.`);
  }
  return value;
}

function requireId(value: unknown, where: string): string | number {
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new AppError('invalid-input', `The question set's ${where} needs a uid.`);
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
