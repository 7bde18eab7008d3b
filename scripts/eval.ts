/**
 * npm run eval -- --corpus <dir> --questions <file> [--model <id | model folder | oracle>] [--limit N]
 *                 [--retrieval-only] [--scope document|corpus] [--device auto|webgpu|wasm] [--profile <dir>] [--out <dir>]
 * Builds the app, runs it headless in Chromium, ingests the corpus, answers every question and
 * writes report.json (every trajectory and score) and report.html. A document that cannot be added
 * is skipped and reported; its questions stay in the report as 'document-skipped', scored 0.
 * stdout: the episode summary (and best-of-N's), then every retrieval signal's hit@k, recall@k,
 * nDCG@k and MRR next to the plain BM25 baseline of the same run, then the skipped documents and
 * the zero-match precision count, the figures per expert and prompt style (and with --samples N the
 * expansion: samples kept for SFT, figures over all samples), and last one JSON line {"recall@1", "recall@5", "ndcg@5"} of the
 * signals the agent searches with, over the answerable questions.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { unzipFiles } from '../src/export/zip.ts';
import { GOLD_GUIDED_NOTE } from '../src/agent/experts.ts';
import type { EvalConfig, EvalReport } from '../src/eval/runner.ts';
import { parseQuestions } from '../src/eval/questions.ts';
import { reportHtml } from '../src/eval/report-html.ts';
// The page's window.vragHeadless and window.vragLog are declared there.
import type {} from '../src/cli/page.ts';
import { boxesArg, documentFiles, endpointArg, expertArg, modelArg, parseArgs, styleArg, UsageError } from './headless/args.ts';
import { openHeadlessApp } from './headless/app.ts';

const USAGE =
  'usage: npm run eval -- --corpus <dir> --questions <file> [--model <id | folder | oracle> | --endpoint <url> --endpoint-model <name> [--endpoint-key <key>]] [--limit N] [--retrieval-only] [--scope document|corpus] [--device auto|webgpu|wasm] [--best-of N] [--text-embedder <id | folder>] [--image-embedder <id | folder>] [--judge-with-model | --judge-endpoint <url> --judge-model <name> [--judge-key <key>]] [--export-sft <min composite>] [--samples N] [--profile <dir>] [--out <dir>]\n' +
  '  data construction (VRAG-RL multi-expert): [--reasoner <id | folder | oracle | endpoint url> [--reasoner-model <name>] [--reasoner-key <key>]] [--grounder <id | folder | oracle | endpoint url> [--grounder-model <name>] [--grounder-key <key>] [--grounder-boxes absolute|relative-1000|relative-1]] [--prompt-style vrag|tools] [--reasoner-style vrag|tools] [--grounder-style vrag|tools] [--gold-guided] [--export-corpus]';

async function main(): Promise<number> {
  const { values, on } = parseArgs(
    process.argv.slice(2),
    ['corpus', 'questions', 'model', 'endpoint', 'endpoint-model', 'endpoint-key', 'limit', 'scope', 'device', 'out', 'max-actions', 'max-new-tokens', 'best-of', 'text-embedder', 'image-embedder', 'judge-endpoint', 'judge-model', 'judge-key', 'export-sft', 'profile', 'reasoner', 'reasoner-model', 'reasoner-key', 'grounder', 'grounder-model', 'grounder-key', 'grounder-boxes', 'prompt-style', 'reasoner-style', 'grounder-style', 'samples'],
    ['retrieval-only', 'judge-with-model', 'gold-guided', 'export-corpus'],
  );
  const corpus = values.corpus?.[0];
  const questionsFile = values.questions?.[0];
  if (!corpus || !questionsFile) throw new UsageError(USAGE);
  if (!existsSync(questionsFile)) throw new UsageError(`Cannot read ${questionsFile}: no such file.`);
  const raw = JSON.parse(readFileSync(questionsFile, 'utf8')) as unknown;
  const limit = values.limit ? Number(values.limit[0]) : Infinity;
  const set = parseQuestions(raw);
  for (const { reason } of set.skipped) console.error(`warning: skipped ${reason}`);
  if (set.skipped.length) console.error(`warning: ${set.skipped.length} of ${set.questions.length + set.skipped.length} questions skipped (listed above and in report.json)`);
  const questions = set.questions.slice(0, limit);
  const scope = (values.scope?.[0] ?? (Array.isArray(raw) ? 'document' : 'corpus')) as 'document' | 'corpus';
  if (scope !== 'document' && scope !== 'corpus') throw new UsageError('--scope is document or corpus.');
  const retrievalOnly = on.has('retrieval-only');
  const endpoint = endpointArg(values);
  if (values.reasoner && (values.model || endpoint)) throw new UsageError('--reasoner is the model that answers: pass it, or --model/--endpoint, not both.');
  const reasonerName = values.reasoner?.[0] && (/^https?:\/\//i.test(values.reasoner[0]) ? `${values['reasoner-model']?.[0] ?? '?'} at ${values.reasoner[0]}` : values.reasoner[0]);
  const modelName = values.model?.[0] ?? (endpoint ? `${endpoint.model} at ${endpoint.endpoint}` : reasonerName);
  const reasonerStyle = styleArg(values, 'reasoner-style') ?? styleArg(values, 'prompt-style');
  const grounderStyle = styleArg(values, 'grounder-style') ?? styleArg(values, 'prompt-style');
  const grounderBoxes = boxesArg(values, 'grounder-boxes');
  const goldGuided = on.has('gold-guided');
  if (retrievalOnly && (values.grounder || goldGuided)) throw new UsageError('--grounder and --gold-guided shape the agent\'s episodes; they do nothing with --retrieval-only.');
  if (grounderBoxes && !(values.grounder?.[0] && /^https?:\/\//i.test(values.grounder[0]))) throw new UsageError('--grounder-boxes says how an endpoint grounder writes boxes; a local model\'s convention comes with its family.');
  if (!retrievalOnly && !modelName) throw new UsageError('Pass --model (a registry id, a model folder, or oracle), --endpoint or --reasoner, or --retrieval-only.');
  const samples = values.samples ? Number(values.samples[0]) : undefined;
  if (samples !== undefined && !(Number.isInteger(samples) && samples >= 1)) throw new UsageError('--samples is a whole number of trajectories per question, at least 1.');
  if (retrievalOnly && samples !== undefined) throw new UsageError('--samples runs the agent several times per question; it does nothing with --retrieval-only.');
  if (on.has('judge-with-model') && values['judge-endpoint']) throw new UsageError('Pass --judge-with-model or --judge-endpoint, not both.');

  // With document scope only the documents the questions are about are needed.
  const available = documentFiles([corpus]);
  const needed = scope === 'document' ? new Set(questions.flatMap((q) => q.files)) : null;
  const files = available.filter((f) => !needed || needed.has(f.split('/').at(-1)!));
  for (const name of needed ?? []) {
    if (!files.some((f) => f.endsWith(`/${name}`))) throw new UsageError(`The questions refer to ${name}, which is not in ${corpus}.`);
  }

  const out = resolve(values.out?.[0] ?? join('eval-results', new Date().toISOString().replace(/[:.]/g, '-')));
  const profile = values.profile?.[0];
  const app = await openHeadlessApp({ log: (l) => console.error(l), reuseBuild: process.env.VRAG_REUSE_BUILD === '1', ...(profile ? { profile } : {}) });
  try {
    await app.page.exposeFunction('vragLog', (line: string) => console.error(line));
    const config: EvalConfig = {
      files: files.map((f) => ({ name: f.split('/').at(-1)!, url: app.fileUrl(f) })),
      questions,
      scope,
      retrievalOnly,
      ...(endpoint
        ? { model: endpoint }
        : values.model
          ? { model: values.model[0] === 'oracle' ? { kind: 'oracle' as const } : modelArg(values.model[0]!, app.fileUrl) }
          : values.reasoner
            ? { model: expertArg(values, 'reasoner', app.fileUrl)! }
            : {}),
      ...(values.grounder ? { grounder: expertArg(values, 'grounder', app.fileUrl)! } : {}),
      ...(reasonerStyle ? { promptStyle: reasonerStyle } : {}),
      ...(grounderStyle && values.grounder ? { grounderStyle } : {}),
      ...(grounderBoxes ? { grounderBoxes } : {}),
      ...(goldGuided ? { goldGuided: true } : {}),
      ...(on.has('export-corpus') ? { exportCorpus: true } : {}),
      device: (values.device?.[0] ?? 'auto') as 'auto',
      maxActions: Number(values['max-actions']?.[0] ?? 10),
      topK: 10,
      maxNewTokens: Number(values['max-new-tokens']?.[0] ?? 512),
      ...(values['best-of'] ? { bestOf: Number(values['best-of'][0]) } : {}),
      ...(samples !== undefined ? { samples } : {}),
      ...(values['text-embedder'] ? { textEmbedder: modelArg(values['text-embedder'][0]!, app.fileUrl) } : {}),
      ...(values['image-embedder'] ? { imageEmbedder: modelArg(values['image-embedder'][0]!, app.fileUrl) } : {}),
      ...(values['export-sft'] ? { exportSftMinComposite: Number(values['export-sft'][0]) } : {}),
      keepLibrary: profile !== undefined,
      ...(values['judge-endpoint']
        ? { judge: { kind: 'endpoint' as const, endpoint: values['judge-endpoint'][0]!, model: values['judge-model']?.[0] ?? 'judge', ...(values['judge-key'] ? { apiKey: values['judge-key'][0]! } : {}) } }
        : on.has('judge-with-model')
          ? { judge: { kind: 'model' as const } }
          : {}),
    };
    const result = await app.page.evaluate((c) => window.vragHeadless!.evaluate(c), config);
    if (!result.ok) {
      console.error(`error: ${result.message}`);
      return 1;
    }
    const construction = result.value.construction;
    await write(out, { corpus, questionsFile, scope, model: modelName ?? null, ...(construction ? { goldGuided, promptStyle: reasonerStyle ?? 'vrag', grounder: values.grounder?.[0] ?? null } : {}), retrievalOnly, questions: questions.length, skippedQuestions: set.skipped.length, skipped: set.skipped, device: config.device, bestOf: config.bestOf ?? 1, samples: config.samples ?? 1, judge: result.value.judge, profile: profile ?? null }, result.value);
    // The final line scores what the agent searches with: every loaded signal fused (BM25 alone without embedders).
    const retrieval = result.value.summary.retrieval;
    const bm25 = (retrieval.find((s) => s.signal === 'fused') ?? retrieval.find((s) => s.signal === 'bm25'))?.means ?? {};
    // A gold-guided run's episode figures are labelled on every line that carries them: they are not comparable.
    // (Retrieval scored on the question itself, the last line, does not depend on the agent.)
    const label = goldGuided ? { goldGuided: true, comparable: false, note: GOLD_GUIDED_NOTE } : {};
    const headline = (e: NonNullable<EvalReport['summary']['episodes']>) => ({ ...e, byEvidence: undefined, turnsHistogram: undefined, judge: result.value.judge, ...label });
    if (result.value.summary.episodes) console.log(JSON.stringify(headline(result.value.summary.episodes)));
    if (result.value.bestOfSummary?.episodes) console.log(JSON.stringify({ bestOf: config.bestOf, ...headline(result.value.bestOfSummary.episodes) }));
    // Every signal next to the plain BM25 baseline of the same run: hit@k, recall@k and nDCG@k.
    console.log(JSON.stringify({ retrieval: Object.fromEntries(retrieval.map((s) => [s.signal, roundAll(s.means)])) }));
    // Documents that could not be added (their questions are scored 0), and precision where nothing matches.
    const { skippedDocuments, zeroMatch, summary } = result.value;
    for (const d of skippedDocuments) console.error(`warning: document skipped: ${d.file}: ${d.error}`);
    if (skippedDocuments.length) console.error(`warning: ${skippedDocuments.length} of ${files.length} documents skipped; ${summary.skipped.questions} questions on them are reported as document-skipped with scores of 0`);
    console.log(
      JSON.stringify({
        documents: { given: files.length, skipped: skippedDocuments.length, questionsOnSkipped: summary.skipped.questions, skippedFiles: skippedDocuments.map(({ file, error }) => ({ file, error })) },
        zeroMatch: { queries: zeroMatch.queries, pagesReturned: zeroMatch.pagesReturned, worst: zeroMatch.worst && { query: zeroMatch.worst.query, pages: zeroMatch.worst.pages } },
      }),
    );
    if (construction) console.log(JSON.stringify({ construction }));
    if (result.value.experts) console.log(JSON.stringify({ experts: { byExpert: result.value.experts.byExpert, byStyle: result.value.experts.byStyle, ...label } }));
    const expansion = result.value.expansion;
    if (expansion) console.log(JSON.stringify({ expansion: { samples: expansion.samples, minComposite: expansion.minComposite, kept: expansion.kept, questions: expansion.questions.length, byExpert: expansion.byExpert, ...label } }));
    if (goldGuided) console.error(`warning: ${GOLD_GUIDED_NOTE}`);
    console.log(JSON.stringify({ 'recall@1': bm25['recall@1'], 'recall@5': bm25['recall@5'], 'ndcg@5': bm25['ndcg@5'] }));
    return 0;
  } finally {
    await app.close();
  }
}

function roundAll(values: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, Math.round(value * 1000) / 1000]));
}

async function write(out: string, settings: Record<string, unknown>, { training, corpus, judge: _judge, ...report }: EvalReport): Promise<void> {
  mkdirSync(out, { recursive: true });
  if (corpus) {
    // VRAG-RL's layout: search_engine/corpus/img/<file stem>_<page>.jpg with the RAG dataset beside it.
    const dir = join(out, 'corpus');
    for (const file of await unzipFiles(new Blob([Buffer.from(corpus.zipBase64, 'base64')]))) {
      mkdirSync(dirname(join(dir, file.path)), { recursive: true });
      writeFileSync(join(dir, file.path), file.data);
    }
    console.error(`corpus for training: ${corpus.pages} page images in ${join(dir, 'img')}, ${corpus.questions} questions in ${join(dir, 'rag_dataset.json')}`);
  }
  if (training) {
    writeFileSync(join(out, 'rag_dataset.json'), JSON.stringify(training.ragDataset, null, 2));
    if (training.sftZipBase64) writeFileSync(join(out, 'sft.zip'), Buffer.from(training.sftZipBase64, 'base64'));
    console.error(`training data: ${training.episodes} episodes in sft.zip, ${training.ragDataset.examples.length} questions in rag_dataset.json`);
  }
  writeFileSync(join(out, 'report.json'), JSON.stringify({ settings, ...report }, null, 2));
  writeFileSync(
    join(out, 'report.html'),
    reportHtml(settings.goldGuided ? `VRAG data construction: ${GOLD_GUIDED_NOTE}` : 'VRAG evaluation', settings, report.summary, report.results, report.bestOfSummary, {
      skippedDocuments: report.skippedDocuments,
      zeroMatch: report.zeroMatch,
      ...(report.experts ? { experts: report.experts } : {}),
      ...(report.expansion ? { expansion: report.expansion } : {}),
    }),
  );
  console.error(`report: ${join(out, 'report.html')}`);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof UsageError ? error.message : `error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
