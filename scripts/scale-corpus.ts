/**
 * A benchmark-scale corpus for `npm run eval`: `npx tsx scripts/scale-corpus.ts --out <dir>
 * [--documents 100] [--pages 100]` writes plain-text documents whose pages are real pages of the
 * shared corpora's PDFs (their text layers, shuffled with a fixed seed), one page a form feed, and
 * `questions.json` in MMLongBench-Doc's fields: one question per document about a fact planted on
 * one of its pages, so every evidence page is known. 100 x 100 = 10,000 pages:
 *
 *   npx tsx scripts/scale-corpus.ts --out /tmp/scale
 *   npm run eval -- --corpus /tmp/scale --questions /tmp/scale/questions.json --retrieval-only --scope corpus --profile /tmp/scale-profile
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pdfPageTexts } from '../bench/page-texts.ts';
import { seededRandom } from './seeded-random.ts';

const SHARED = resolve(import.meta.dirname, '../../shared/corpora');
/** A text page holds about 50 lines of 80 columns (src/ingest/text-layout.ts): keep each source page inside one. */
const LINES = 40;
const COLUMNS = 78;

const { values } = parseArgs({ options: { out: { type: 'string' }, documents: { type: 'string', default: '100' }, pages: { type: 'string', default: '100' } } });
if (!values.out) throw new Error('usage: npx tsx scripts/scale-corpus.ts --out <dir> [--documents N] [--pages N]');
const documents = Number(values.documents);
const pagesEach = Number(values.pages);

const pool: string[] = [];
for (const folder of ['financebench-dev', 'financebench-scale', 'mmlongbench-dev']) {
  for (const file of readdirSync(resolve(SHARED, folder)).filter((f) => f.endsWith('.pdf')).sort()) {
    for (const page of await pdfPageTexts(resolve(SHARED, folder, file))) if (page.text.trim().length > 200) pool.push(page.text);
  }
}
const random = seededRandom(2026);
const pick = () => pool[Math.floor(random() * pool.length)]!;
const code = () => Array.from({ length: 6 }, () => 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'[Math.floor(random() * 32)]).join('');

mkdirSync(values.out, { recursive: true });
const questions = [];
for (let d = 1; d <= documents; d++) {
  const name = `scale-${String(d).padStart(3, '0')}.txt`;
  const evidence = 1 + Math.floor(random() * pagesEach);
  const sensor = code();
  const value = `${(random() * 100).toFixed(2)} kPa`;
  const pages = Array.from({ length: pagesEach }, (_, p) => {
    const lines = fit(pick());
    if (p + 1 === evidence) lines.splice(2, 0, `Field note: the calibration constant of sensor ${sensor} is ${value}.`);
    return lines.join('\n');
  });
  writeFileSync(resolve(values.out, name), pages.join('\n\f'));
  questions.push({
    doc_id: name,
    doc_type: 'Scale (real pages, planted fact)',
    question: `What is the calibration constant of sensor ${sensor}?`,
    answer: value,
    evidence_pages: `[${evidence}]`,
    evidence_sources: "['Pure-text (Plain-text)']",
    answer_format: 'Str',
  });
}
writeFileSync(resolve(values.out, 'questions.json'), JSON.stringify(questions, null, 1));
console.log(`${documents} documents of ${pagesEach} pages (${documents * pagesEach}) and ${questions.length} questions in ${values.out}`);

/** The page's lines, cut to fit one text page. */
function fit(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/\f/g, ' ').slice(0, COLUMNS))
    .filter((line) => line.trim())
    .slice(0, LINES);
}
