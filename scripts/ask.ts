/**
 * npm run ask -- --docs <files or folder> [--model <registry id | model folder>] [--device auto|webgpu|wasm]
 *                [--max-actions N] [--profile <dir>] "question"
 * npm run ask -- --docs <files or folder> --questions <file> --report <out.html> [--csv <out.csv>] [--markdown <out.zip>] [model flags]
 * With --questions (one question per line, or CSV with a `question` column and optional `answer`
 * and `pages` columns), every question is asked in turn and the batch is written as a
 * self-contained HTML report (and CSV, and Markdown with its images in a zip) for a colleague.
 * Answers from the command line through the same headless app users run, printing the trace and
 * the answer with page citations. A document that cannot be added is skipped with a warning (the
 * question goes to the others); with --profile the library is kept for the next run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseBatchQuestions } from '../src/report/batch.ts';
import { DEFAULT_VLM } from '../src/models/registry.ts';
import type { AskResult, BatchResult } from '../src/cli/ask.ts';
// The page's window.vragHeadless and window.vragLog are declared there.
import type {} from '../src/cli/page.ts';
import { documentFiles, endpointArg, modelArg, parseArgs, UsageError } from './headless/args.ts';
import { openHeadlessApp } from './headless/app.ts';

const USAGE =
  'usage: npm run ask -- --docs <files or folder> [--model <id or folder> | --endpoint <url> --endpoint-model <name> [--endpoint-key <key>]] [--device auto|webgpu|wasm] [--max-actions N] [--profile <dir>] ("question" | --questions <file> --report <out.html> [--csv <out.csv>] [--markdown <out.zip>])';

async function main(): Promise<number> {
  const { values, positional } = parseArgs(process.argv.slice(2), ['docs', 'model', 'endpoint', 'endpoint-model', 'endpoint-key', 'device', 'max-actions', 'max-new-tokens', 'profile', 'questions', 'report', 'csv', 'markdown']);
  const endpoint = endpointArg(values);
  const question = positional.join(' ').trim();
  const batch = batchArgs(values, question);
  if ((!question && !batch) || !values.docs) throw new UsageError(USAGE);
  const files = documentFiles(values.docs);
  const log = (line: string) => console.log(line);
  const profile = values.profile?.[0];
  const app = await openHeadlessApp({ log: (l) => console.error(l), reuseBuild: process.env.VRAG_REUSE_BUILD === '1', ...(profile ? { profile } : {}) });
  try {
    await app.page.exposeFunction('vragLog', log);
    const config = {
      files: files.map((f) => ({ name: basename(f), url: app.fileUrl(f) })),
      question,
      model: endpoint ?? modelArg(values.model?.[0] ?? DEFAULT_VLM, app.fileUrl),
      device: (values.device?.[0] ?? 'auto') as 'auto',
      maxActions: Number(values['max-actions']?.[0] ?? 10),
      maxNewTokens: Number(values['max-new-tokens']?.[0] ?? 512),
      keepLibrary: profile !== undefined,
      ...(batch ? { questions: batch.questions, markdown: batch.markdown !== undefined } : {}),
    };
    const result = await app.page.evaluate(
      (c) => window.vragHeadless!.ask(c),
      config,
    );
    if (!result.ok) {
      console.error(`error: ${result.message}`);
      return 1;
    }
    if (batch && result.value.batch) return writeBatch(result.value.batch, batch);
    print(result.value);
    return result.value.outcome.status === 'error' ? 1 : 0;
  } finally {
    await app.close();
  }
}

function batchArgs(values: Record<string, string[]>, question: string) {
  const file = values.questions?.[0];
  if (!file) {
    if (values.report || values.csv || values.markdown) throw new UsageError('--report, --csv and --markdown go with --questions <file>.');
    return null;
  }
  if (question) throw new UsageError('Pass a question or --questions <file>, not both.');
  const report = values.report?.[0];
  if (!report && !values.csv && !values.markdown) throw new UsageError('--questions needs --report <out.html> (or --csv <out.csv>) to write the answers to.');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`Cannot read ${file}: no such file.`);
  }
  let questions;
  try {
    questions = parseBatchQuestions(text);
  } catch (error) {
    throw new UsageError(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { questions, report, csv: values.csv?.[0], markdown: values.markdown?.[0] };
}

function writeBatch(result: BatchResult, out: NonNullable<ReturnType<typeof batchArgs>>): number {
  console.log('');
  for (const [i, row] of result.rows.entries()) {
    console.log(`${i + 1}. ${row.question}\n   ${row.answer !== null ? `Answer: ${row.answer}` : `No answer (${row.status})`}${row.pages.length ? ` [${row.pages.join(', ')}]` : ''}`);
  }
  if (out.report) writeFileSync(out.report, result.html);
  if (out.csv) writeFileSync(out.csv, result.csv);
  if (out.markdown && result.markdownZipBase64) writeFileSync(out.markdown, Buffer.from(result.markdownZipBase64, 'base64'));
  for (const path of [out.report, out.csv, out.markdown]) if (path) console.log(`wrote ${path}`);
  const answered = result.rows.filter((r) => r.status === 'answered').length;
  console.log(`${answered} of ${result.rows.length} questions answered`);
  return result.rows.some((r) => r.status === 'error') ? 1 : 0;
}

function print({ outcome, citations, skipped }: AskResult): void {
  console.log('');
  if (skipped.length) console.log(`Skipped (could not be added): ${skipped.map((d) => d.file).join(', ')}`);
  if (outcome.status === 'answered') console.log(`Answer: ${outcome.answer}`);
  else console.log(outcome.message ?? `No answer (${outcome.status}).`);
  if (citations.length === 0) return;
  console.log('Pages consulted:');
  for (const c of citations) {
    const regions = c.regions.map((r) => ` [region ${Math.round(r.x)},${Math.round(r.y)} ${Math.round(r.width)}×${Math.round(r.height)}]`).join('');
    console.log(`  ${c.file} p. ${c.page}${regions}`);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof UsageError ? error.message : `error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
