/**
 * Generates the tiny random-weight test models into test/models/generated/<id>/, loadable by
 * transformers.js from a local folder exactly like real exports. Test-only: never offered to users.
 *   npm run models:test
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tinyBert } from './bert.ts';
import { tinyClip } from './clip.ts';
import { writeModel, type ModelFiles } from './files.ts';
import { tinyQwen2Vl } from './qwen2-vl.ts';

export const TEST_MODELS_DIR = resolve(import.meta.dirname, '../../test/models/generated');

/** The tiny Qwen2-VL with its decoder cut in half: how a damaged download looks to the app. */
function corruptQwen2Vl(): ModelFiles {
  const files = tinyQwen2Vl();
  const decoder = files['onnx/decoder_model_merged.onnx'] as Uint8Array;
  return { ...files, 'onnx/decoder_model_merged.onnx': decoder.subarray(0, decoder.length >> 1) };
}

export const TEST_MODELS: Record<string, () => ModelFiles> = {
  'tiny-qwen2-vl': tinyQwen2Vl,
  'tiny-qwen2-vl-corrupt': corruptQwen2Vl,
  'tiny-bert': tinyBert,
  'tiny-clip': tinyClip,
};

/** Bumped whenever a generator changes, so stale folders are rebuilt. */
const GENERATOR_VERSION = '5';

export function generateTestModels(outDir = TEST_MODELS_DIR, force = false): Record<string, number> {
  const stamp = join(outDir, '.version');
  if (!force && existsSync(stamp) && readFileSync(stamp, 'utf8') === GENERATOR_VERSION) return {};
  rmSync(outDir, { recursive: true, force: true });
  const sizes: Record<string, number> = {};
  for (const [id, make] of Object.entries(TEST_MODELS)) sizes[id] = writeModel(join(outDir, id), make());
  writeFileSync(stamp, GENERATOR_VERSION);
  return sizes;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const sizes = generateTestModels(TEST_MODELS_DIR, true);
  for (const [id, bytes] of Object.entries(sizes)) console.log(`${id}: ${(bytes / 1024).toFixed(0)} kB`);
}
