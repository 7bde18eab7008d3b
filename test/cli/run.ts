import { spawn } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { handWrittenPdfSource } from '../support/pdf.ts';
import { PRODUCTION_BUILD } from '../support/production-build.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/** A command that has not ended by then is killed, so a hang fails with what it printed rather than the test's bare timeout. */
const CLI_LIMIT_MS = 240_000;

/** Runs `tsx scripts/<script>.ts ...args` against the prebuilt headless app; killed after `limitMs`. */
export function runCli(script: 'ask' | 'eval', args: string[], limitMs = CLI_LIMIT_MS): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(ROOT, `scripts/${script}.ts`), ...args], {
      cwd: ROOT,
      env: { ...process.env, VRAG_REUSE_BUILD: '1', VRAG_BUILD_DIR: PRODUCTION_BUILD },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const limit = setTimeout(() => {
      stderr += `\n[test] ${script} did not end within ${limitMs / 1000} s and was killed`;
      child.kill('SIGKILL');
    }, limitMs);
    child.on('close', (code) => {
      clearTimeout(limit);
      done({ code: code ?? -1, stdout, stderr });
    });
  });
}

export const SHARED = resolve(ROOT, '../shared');
export const GENERATED = resolve(ROOT, 'test/models/generated');
/** The scripted VLM with absolute boxes (Qwen2.5-VL, as the VRAG-RL checkpoints), as a model folder. */
export const SCRIPTED_VLM = resolve(GENERATED, 'scripted-qwen2.5-vl');

/** A corpus folder of a few slides from ../shared (linked, not copied). */
export function slideCorpus(names: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'vrag-slides-'));
  for (const name of names) symlinkSync(resolve(SHARED, 'corpora/vrag-slides', name), join(dir, name));
  return dir;
}

/** A questions file in the VRAG-RL RAG dataset format. */
export function questionsFile(examples: { query: string; answer: string; file: string; pages: number[] }[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'vrag-questions-')), 'questions.json');
  const data = examples.map((e, uid) => ({ uid, query: e.query, reference_answer: e.answer, meta_info: { file_name: e.file, reference_page: e.pages } }));
  writeFileSync(path, JSON.stringify({ examples: data }));
  return path;
}

/**
 * A corpus folder with one PDF page of `text` in its text layer: for tests of the policy, not of the
 * document, it is ingested without OCR.
 */
export function textPdfCorpus(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'vrag-pdf-'));
  const content = `BT /F1 10 Tf 10 250 Td (${text}) Tj ET`;
  writeFileSync(join(dir, name), handWrittenPdfSource(1, { content, fonts: '/F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>' }));
  return dir;
}
