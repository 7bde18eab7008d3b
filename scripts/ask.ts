/**
 * npm run ask -- --docs <files or folder> [--model <registry id | model folder>] [--device auto|webgpu|wasm]
 *                [--max-actions N] [--profile <dir>] "question"
 * Answers from the command line through the same headless app users run, printing the trace and
 * the answer with page citations. A document that cannot be added is skipped with a warning (the
 * question goes to the others); with --profile the library is kept for the next run.
 */
import { basename } from 'node:path';
import { DEFAULT_VLM } from '../src/models/registry.ts';
import type { AskResult } from '../src/cli/ask.ts';
import type { HeadlessApi } from '../src/cli/page.ts';
import { documentFiles, endpointArg, modelArg, parseArgs, UsageError } from './headless/args.ts';
import { openHeadlessApp } from './headless/app.ts';

const USAGE =
  'usage: npm run ask -- --docs <files or folder> [--model <id or folder> | --endpoint <url> --endpoint-model <name> [--endpoint-key <key>]] [--device auto|webgpu|wasm] [--max-actions N] [--profile <dir>] "question"';

async function main(): Promise<number> {
  const { values, positional } = parseArgs(process.argv.slice(2), ['docs', 'model', 'endpoint', 'endpoint-model', 'endpoint-key', 'device', 'max-actions', 'max-new-tokens', 'profile']);
  const endpoint = endpointArg(values);
  const question = positional.join(' ').trim();
  if (!question || !values.docs) throw new UsageError(USAGE);
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
    };
    const result = await app.page.evaluate(
      (c) => (window as unknown as { vragHeadless: HeadlessApi }).vragHeadless.ask(c),
      config,
    );
    if (!result.ok) {
      console.error(`error: ${result.message}`);
      return 1;
    }
    print(result.value);
    return result.value.outcome.status === 'error' ? 1 : 0;
  } finally {
    await app.close();
  }
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
