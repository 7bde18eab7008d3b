import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

/** Runs `tsx scripts/<script>.ts ...args` against the prebuilt headless app. */
export function runCli(script: 'ask' | 'eval', args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(ROOT, `scripts/${script}.ts`), ...args], {
      cwd: ROOT,
      env: { ...process.env, VRAG_REUSE_BUILD: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

export const SHARED = resolve(ROOT, '../shared');
export const TINY_VLM = resolve(ROOT, 'test/models/generated/tiny-qwen2-vl');
