/**
 * Generates the test models into test/models/generated/<hub id or name>/, loadable by
 * transformers.js from a local folder exactly like the real exports: one per family in the
 * registry (under the hub id, with the hub's file names, so the registry's own requests load
 * them), two scripted VLMs that drive whole episodes, and a damaged one. Test-only: never
 * offered to users.
 *   npm run models:test
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { QWEN2_5_VL, QWEN3_VL } from '../../src/models/families/index.ts';
import { tinyClip } from './clip.ts';
import { e5Model, jinaClipModel, siglip2Model } from './embedders.ts';
import { writeModel, type ModelFiles } from './files.ts';
import { smolVlmModel } from './idefics3.ts';
import { METADATA_DIR } from './metadata.ts';
import { qwenVlModel, type QwenVlType } from './qwen-vl.ts';
import { slideReplies, slideToolsReplies } from './slide-script.ts';

export const TEST_MODELS_DIR = resolve(import.meta.dirname, '../../test/models/generated');

/** Bumped whenever a generator changes, so stale folders are rebuilt. */
const GENERATOR_VERSION = '7';

type Encode = (text: string) => number[];

async function realTokenizer(metadata: string): Promise<Encode> {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${METADATA_DIR}/`;
  const tokenizer = await AutoTokenizer.from_pretrained(metadata);
  return (text) => tokenizer.encode(text, { add_special_tokens: false });
}

const QWEN_VARIANTS = { embed_tokens: ['fp16', 'fp32'], vision_encoder: ['q4f16', 'fp32', 'q8'], decoder_model_merged: ['q4f16', 'q4'] } as const;
const Q4_ONLY = { embed_tokens: ['q4'], vision_encoder: ['q4'], decoder_model_merged: ['q4'] } as const;
const FP32_ONLY = { embed_tokens: ['fp32'], vision_encoder: ['fp32'], decoder_model_merged: ['fp32'] } as const;

function randomQwen(type: QwenVlType, variants: typeof QWEN_VARIANTS | typeof Q4_ONLY | typeof FP32_ONLY, externalData: boolean, encode: Encode): ModelFiles {
  const copy = (list: readonly string[]) => [...list] as never[];
  return qwenVlModel({
    type,
    variants: { embed_tokens: copy(variants.embed_tokens), vision_encoder: copy(variants.vision_encoder), decoder_model_merged: copy(variants.decoder_model_merged) },
    externalData,
    decoder: { kind: 'random', seed: 13 },
    encode,
  });
}

/** The tiny Qwen2-VL with its decoder cut in half: how a damaged download looks to the app. */
function corrupt(files: ModelFiles): ModelFiles {
  const decoder = files['onnx/decoder_model_merged.onnx'] as Uint8Array;
  return { ...files, 'onnx/decoder_model_merged.onnx': decoder.subarray(0, decoder.length >> 1) };
}

async function catalogue(): Promise<Record<string, () => ModelFiles>> {
  const qwen2 = await realTokenizer('qwen2-vl');
  const qwen25 = await realTokenizer('qwen2.5-vl');
  const qwen3 = await realTokenizer('qwen3-vl');
  return {
    'onnx-community/Qwen3-VL-2B-Instruct-ONNX': () => randomQwen('qwen3_vl', Q4_ONLY, true, qwen3),
    'onnx-community/Qwen2-VL-2B-Instruct': () => randomQwen('qwen2_vl', QWEN_VARIANTS, false, qwen2),
    'onnx-community/Qwen2.5-VL-3B-Instruct-ONNX': () => randomQwen('qwen2_5_vl', QWEN_VARIANTS, false, qwen25),
    'HuggingFaceTB/SmolVLM-256M-Instruct': () => smolVlmModel({ embed_tokens: ['fp16', 'fp32', 'q8'], vision_encoder: ['fp16', 'fp32', 'q8'], decoder_model_merged: ['q4f16', 'q4'] }),
    'Xenova/multilingual-e5-small': e5Model,
    'onnx-community/siglip2-base-patch16-224-ONNX': siglip2Model,
    'jinaai/jina-clip-v1': jinaClipModel,
    'scripted-qwen2.5-vl': () =>
      qwenVlModel({ type: 'qwen2_5_vl', variants: { embed_tokens: ['fp32'], vision_encoder: ['fp32'], decoder_model_merged: ['fp32'] }, externalData: false, decoder: { kind: 'scripted', replies: slideReplies(QWEN2_5_VL) }, encode: qwen25 }),
    'scripted-qwen3-vl': () =>
      qwenVlModel({ type: 'qwen3_vl', variants: { embed_tokens: ['q4'], vision_encoder: ['q4'], decoder_model_merged: ['q4'] }, externalData: true, decoder: { kind: 'scripted', replies: slideReplies(QWEN3_VL) }, encode: qwen3 }),
    'scripted-tools-qwen2.5-vl': () =>
      qwenVlModel({ type: 'qwen2_5_vl', variants: { embed_tokens: ['fp32'], vision_encoder: ['fp32'], decoder_model_merged: ['fp32'] }, externalData: false, decoder: { kind: 'scripted', replies: slideToolsReplies(QWEN2_5_VL) }, encode: qwen25 }),
    'damaged-qwen2-vl': () => corrupt(randomQwen('qwen2_vl', FP32_ONLY, false, qwen2)),
    'tiny-clip': tinyClip,
  };
}

/**
 * Models added to the catalogue since GENERATOR_VERSION last changed: a folder of that version
 * lacking one gets just that model, and every other generated file stays as it is.
 */
const ADDED_SINCE_VERSION = ['scripted-tools-qwen2.5-vl'];

export async function generateTestModels(outDir = TEST_MODELS_DIR, force = false): Promise<Record<string, number>> {
  const stamp = join(outDir, '.version');
  if (!force && existsSync(stamp) && readFileSync(stamp, 'utf8') === GENERATOR_VERSION) return addMissing(outDir);
  rmSync(outDir, { recursive: true, force: true });
  const sizes: Record<string, number> = {};
  const manifest: Record<string, string[]> = {};
  for (const [id, make] of Object.entries(await catalogue())) {
    const files = make();
    sizes[id] = writeModel(join(outDir, id), files);
    manifest[id] = Object.keys(files).sort();
  }
  // Which files each folder holds, for tests that pick a folder the way a user does.
  writeFileSync(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(stamp, GENERATOR_VERSION);
  return sizes;
}

async function addMissing(outDir: string): Promise<Record<string, number>> {
  const missing = ADDED_SINCE_VERSION.filter((id) => !existsSync(join(outDir, id, 'config.json')));
  if (missing.length === 0) return {};
  const all = await catalogue();
  const manifestFile = join(outDir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, string[]>;
  const sizes: Record<string, number> = {};
  for (const id of missing) {
    const files = all[id]!();
    sizes[id] = writeModel(join(outDir, id), files);
    manifest[id] = Object.keys(files).sort();
  }
  writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
  return sizes;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const sizes = await generateTestModels(TEST_MODELS_DIR, true);
  for (const [id, bytes] of Object.entries(sizes)) console.log(`${id}: ${(bytes / 1e6).toFixed(1)} MB`);
}
