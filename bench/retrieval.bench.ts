/**
 * Words-only retrieval on the dev corpora (`npx tsx bench/retrieval.bench.ts`, or `npm run bench --
 * --only retrieval`): every question of mmlongbench-dev and financebench-dev searched within its
 * own document (the eval's default scope) by the app's BM25 and by the plain baseline in the same
 * run, over the PDFs' text layers read the way ingest reads them. Prints hit@1, hit@5 and MRR@10
 * with a bootstrap 95% interval, by document type and by evidence type, and the zero-match
 * precision count (pages returned for queries whose words are in no page).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { baselineBm25 } from '../src/eval/baseline-bm25.ts';
import { parseQuestions, type EvalQuestion } from '../src/eval/questions.ts';
import { vocabulary, zeroMatchQueries } from '../src/eval/zero-match.ts';
import { BM25_PARAMETERS, searchDocuments } from '../src/retrieval/text/bm25.ts';
import { indexDocument, type IndexedDocument } from '../src/retrieval/text/term-index.ts';
import type { ScoredPage } from '../src/retrieval/types.ts';
import { pdfPageTexts, type PdfPageText } from './page-texts.ts';
import { seededRandom } from './synthetic.ts';

const SHARED = resolve(import.meta.dirname, '../../shared/corpora');
const CORPORA = ['mmlongbench-dev', 'financebench-dev'];
const K = 10;
const parametersArg = process.argv.indexOf('--parameters');
const PARAMETERS = { ...BM25_PARAMETERS, ...(parametersArg >= 0 ? JSON.parse(process.argv[parametersArg + 1]!) : {}) };


type Search = (query: string, k: number) => ScoredPage[];
interface Scored {
  question: EvalQuestion;
  corpus: string;
  /** 1-based rank of the first gold page, 0 when not in the top K. */
  app: number;
  baseline: number;
}

async function loadCorpus(corpus: string) {
  const dir = resolve(SHARED, corpus);
  const { questions } = parseQuestions(JSON.parse(readFileSync(resolve(dir, 'questions.json'), 'utf8')));
  const texts = new Map<string, PdfPageText[]>();
  for (const file of new Set(questions.flatMap((q) => q.files))) texts.set(file, await pdfPageTexts(resolve(dir, file)));
  return { questions, texts };
}

const pagesOf = (file: string, pages: readonly PdfPageText[]) => pages.map((p, i) => ({ pageId: `${file}:${i + 1}`, text: p.text, lines: p.lines, ocr: false }));

function firstGoldRank(found: readonly ScoredPage[], question: EvalQuestion): number {
  const gold = new Set(question.gold.flatMap((g) => g.pages.map((p) => `${g.file}:${p}`)));
  const index = found.findIndex((p) => gold.has(p.pageId));
  return index + 1;
}

function summary(rows: readonly Scored[], pick: (r: Scored) => number) {
  const metric = (ranks: number[]) => ({
    hit1: mean(ranks.map((r) => Number(r === 1))),
    hit5: mean(ranks.map((r) => Number(r >= 1 && r <= 5))),
    mrr: mean(ranks.map((r) => (r ? 1 / r : 0))),
  });
  const ranks = rows.map(pick);
  const random = seededRandom(5);
  const samples = Array.from({ length: 1000 }, () => metric(ranks.map(() => ranks[Math.floor(random() * ranks.length)]!)).hit5).sort((a, b) => a - b);
  return { questions: rows.length, ...round(metric(ranks)), hit5Interval: [samples[25]!, samples[974]!].map((x) => Math.round(x * 1000) / 1000) };
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const round = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round(v * 1000) / 1000]));

function groupBy(rows: readonly Scored[], keys: (r: Scored) => string[]) {
  const groups = new Map<string, Scored[]>();
  for (const row of rows) for (const key of keys(row)) groups.set(key, [...(groups.get(key) ?? []), row]);
  return [...groups].map(([group, members]) => ({ group, app: summary(members, (r) => r.app), baseline: summary(members, (r) => r.baseline) }));
}

export async function retrievalBench() {
  const rows: Scored[] = [];
  const indexes: IndexedDocument[] = [];
  const allPages: { pageId: string; text: string }[] = [];
  for (const corpus of CORPORA) {
    const { questions, texts } = await loadCorpus(corpus);
    const app = new Map<string, Search>();
    const baseline = new Map<string, Search>();
    for (const [file, pages] of texts) {
      const docPages = pagesOf(file, pages);
      const terms = indexDocument(file, docPages);
      indexes.push(terms);
      allPages.push(...docPages);
      app.set(file, (query, k) => searchDocuments([terms], query, k, PARAMETERS));
      baseline.set(file, baselineBm25(docPages));
    }
    for (const question of questions.filter((q) => q.answerable && q.gold.length > 0)) {
      const file = question.files[0]!;
      rows.push({
        question,
        corpus,
        app: firstGoldRank(app.get(file)!(question.question, K), question),
        baseline: firstGoldRank(baseline.get(file)!(question.question, K), question),
      });
    }
  }
  const queries = zeroMatchQueries(vocabulary(allPages.map((p) => p.text)));
  const returned = queries.map((q) => searchDocuments(indexes, q, K).length);
  return {
    k: K,
    scope: 'document',
    overall: { app: summary(rows, (r) => r.app), baseline: summary(rows, (r) => r.baseline) },
    byCorpus: groupBy(rows, (r) => [r.corpus]),
    byDocType: groupBy(rows, (r) => [r.question.docType ?? 'unlabelled']),
    byEvidence: groupBy(rows, (r) => (r.question.evidenceSources.length ? r.question.evidenceSources : ['unlabelled'])),
    zeroMatch: { queries: queries.length, pagesReturned: returned.reduce((a, b) => a + b, 0), worst: Math.max(0, ...returned) },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await retrievalBench();
  console.log(JSON.stringify(result));
}
