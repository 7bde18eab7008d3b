/**
 * The one registry of models a user can pick (like web-llm's). Every entry names the hub revision
 * and the exact files (names and bytes) it downloads on each device, taken from what is known to
 * exist (see README, "Models"); entries whose files could not be confirmed say so, and the model
 * manager shows it.
 */
import { E5, IDEFICS3, JINA_CLIP, QWEN2_5_VL, QWEN2_VL, QWEN3_VL, SIGLIP, type EmbedderFamily, type VlmFamily } from './families/index.ts';
import { sameOnEvery, variantOf, variantsOf, VARIANT_NAMES, type HubFile, type Variant, type VariantName } from './files.ts';

export type { DType, HubFile, Variant, VariantName } from './files.ts';

/**
 * How well the file list is known: 'exact' names and bytes; 'approximate' names with rounded
 * sizes; 'unverified' names that follow the exporter's conventions but were never seen.
 */
export type FileListStatus = 'exact' | 'approximate' | 'unverified';

interface EntryBase {
  id: string;
  label: string;
  hubId: string;
  /** A commit of the hub repository, or null when only 'main' could be seen. */
  revision: string | null;
  fileList: FileListStatus;
  /** Where the file list comes from. */
  fileListSource: string;
  /** Files every variant loads (config, tokenizer, processor). */
  common: HubFile[];
  /** A variant per device; a missing one means the model does not run there. */
  variants: Partial<Record<VariantName, Variant>>;
  license: string;
  note?: string;
}

export interface VlmEntry extends EntryBase {
  kind: 'vlm';
  family: VlmFamily;
}

export interface EmbedderEntry extends EntryBase {
  kind: 'embedder';
  family: EmbedderFamily;
  dims: number;
}

export type ModelEntry = VlmEntry | EmbedderEntry;

const MB = 1_000_000;

const files = (sizes: Record<string, number>): HubFile[] => Object.entries(sizes).map(([path, bytes]) => ({ path, bytes }));

// onnx-community/Qwen3-VL-2B-Instruct-ONNX at 3e4136ea: q4 graphs only, each with one external data file.
const QWEN3_VL_Q4 = variantOf(
  { embed_tokens: 'q4', vision_encoder: 'q4', decoder_model_merged: 'q4' },
  {
    'embed_tokens_q4.onnx': [857, 199_340_032],
    'vision_encoder_q4.onnx': [388_996, 217_952_256],
    'decoder_model_merged_q4.onnx': [5_087_381, 1_102_630_912],
  },
);

// HuggingFaceTB/SmolVLM-256M-Instruct: every ONNX graph with its size (a git clone of the hub repo).
const SMOLVLM_256M_SIZES = {
  'embed_tokens.onnx': 113_541_419,
  'embed_tokens_fp16.onnx': 56_770_946,
  'embed_tokens_quantized.onnx': 28_385_824,
  'vision_encoder.onnx': 374_316_497,
  'vision_encoder_fp16.onnx': 187_294_693,
  'vision_encoder_quantized.onnx': 94_247_969,
  'decoder_model_merged_q4.onnx': 86_562_901,
  'decoder_model_merged_q4f16.onnx': 77_034_560,
};

// Not seen: estimates from the parameter counts (Qwen2-VL-2B's q4f16 set was measured at about 2.7 GB).
const QWEN2_VL_2B_SIZES = {
  'embed_tokens_fp16.onnx': 467 * MB,
  'embed_tokens.onnx': 933 * MB,
  'vision_encoder_q4f16.onnx': 1270 * MB,
  'vision_encoder.onnx': 2660 * MB,
  'vision_encoder_quantized.onnx': 670 * MB,
  'decoder_model_merged_q4f16.onnx': 930 * MB,
  'decoder_model_merged_q4.onnx': 1030 * MB,
};
const QWEN2_5_VL_3B_SIZES = {
  'embed_tokens_fp16.onnx': 622 * MB,
  'embed_tokens.onnx': 1245 * MB,
  'vision_encoder_q4f16.onnx': 1340 * MB,
  'vision_encoder.onnx': 2680 * MB,
  'vision_encoder_quantized.onnx': 680 * MB,
  'decoder_model_merged_q4f16.onnx': 1750 * MB,
  'decoder_model_merged_q4.onnx': 1950 * MB,
};

const QWEN_TOKENIZER_FILES = { 'tokenizer.json': 11_420_371, 'tokenizer_config.json': 4_297 };

export const MODELS: readonly ModelEntry[] = [
  {
    kind: 'vlm',
    id: 'qwen3-vl-2b',
    label: 'Qwen3-VL 2B Instruct',
    hubId: 'onnx-community/Qwen3-VL-2B-Instruct-ONNX',
    family: QWEN3_VL,
    revision: '3e4136ea66ae6e07c110e64fe07da2e029517ab5',
    fileList: 'exact',
    fileListSource: 'file list with bytes and sha256 pinned by a public app that loads this revision with transformers.js',
    common: files({
      'config.json': 1_961,
      'generation_config.json': 276,
      'preprocessor_config.json': 336,
      'tokenizer.json': 9_117_036,
      'tokenizer_config.json': 6_200,
      'chat_template.jinja': 5_292,
    }),
    variants: sameOnEvery(VARIANT_NAMES, QWEN3_VL_Q4),
    license: 'Apache-2.0',
    note: 'Default: the only vision-language model here whose files are confirmed, and the smallest that grounds boxes (0..1000). transformers.js runs it without DeepStack, which costs some OCR and grounding accuracy.',
  },
  {
    kind: 'vlm',
    id: 'qwen2-vl-2b',
    label: 'Qwen2-VL 2B Instruct',
    hubId: 'onnx-community/Qwen2-VL-2B-Instruct',
    family: QWEN2_VL,
    revision: null,
    fileList: 'unverified',
    fileListSource: 'the onnx/ folder was never listed; names follow the repo config and a third-party download script, sizes are estimates',
    common: files({ 'config.json': 1_570, 'generation_config.json': 215, 'preprocessor_config.json': 567, ...QWEN_TOKENIZER_FILES }),
    variants: variantsOf(QWEN2_VL.dtypes, QWEN2_VL_2B_SIZES),
    license: 'Apache-2.0',
    note: 'Runs completely in transformers.js (grounding in 0..1000), but downloads about 2.7 GB.',
  },
  {
    kind: 'vlm',
    id: 'qwen2.5-vl-3b',
    label: 'Qwen2.5-VL 3B Instruct',
    hubId: 'onnx-community/Qwen2.5-VL-3B-Instruct-ONNX',
    family: QWEN2_5_VL,
    revision: null,
    fileList: 'unverified',
    fileListSource: 'no listing of this repository was found; names follow the onnx-community conventions, sizes are estimates',
    common: files({ 'config.json': 1_373, 'generation_config.json': 216, 'preprocessor_config.json': 350, 'tokenizer.json': 11_421_896, 'tokenizer_config.json': 5_702 }),
    variants: variantsOf(QWEN2_5_VL.dtypes, QWEN2_5_VL_3B_SIZES),
    license: 'Qwen Research License',
    note: 'The VRAG-RL family (absolute pixel boxes). Converted VRAG-RL checkpoints load as this family.',
  },
  {
    kind: 'vlm',
    id: 'smolvlm-256m',
    label: 'SmolVLM 256M Instruct',
    hubId: 'HuggingFaceTB/SmolVLM-256M-Instruct',
    family: IDEFICS3,
    revision: null,
    fileList: 'exact',
    fileListSource: 'Git LFS pointers of a public git clone of the hub repository (bytes and sha256); the hub revision itself is unknown',
    common: files({
      'config.json': 7_353,
      'generation_config.json': 136,
      'preprocessor_config.json': 486,
      'processor_config.json': 68,
      'tokenizer.json': 3_548_256,
      'tokenizer_config.json': 28_249,
    }),
    variants: variantsOf(IDEFICS3.dtypes, SMOLVLM_256M_SIZES),
    license: 'Apache-2.0',
    note: 'Smallest. Cannot ground boxes, so crops are unavailable.',
  },
  {
    kind: 'vlm',
    id: 'smolvlm-500m',
    label: 'SmolVLM 500M Instruct',
    hubId: 'HuggingFaceTB/SmolVLM-500M-Instruct',
    family: IDEFICS3,
    revision: null,
    fileList: 'unverified',
    fileListSource: 'not found; the layout of the 256M repository, sizes estimated at about 490 MB for the f16 set',
    common: files({
      'config.json': 7_353,
      'generation_config.json': 136,
      'preprocessor_config.json': 486,
      'processor_config.json': 68,
      'tokenizer.json': 3_548_256,
      'tokenizer_config.json': 28_249,
    }),
    // Not seen: the 256M layout, sizes estimated (about 490 MB for the f16 set); no WebGPU set without f16.
    variants: variantsOf(
      IDEFICS3.dtypes,
      {
        'embed_tokens_fp16.onnx': 94 * MB,
        'vision_encoder_fp16.onnx': 187 * MB,
        'decoder_model_merged_q4f16.onnx': 205 * MB,
        'embed_tokens_quantized.onnx': 47 * MB,
        'vision_encoder_quantized.onnx': 94 * MB,
        'decoder_model_merged_q4.onnx': 230 * MB,
      },
      ['webgpu-f16', 'wasm'],
    ),
    license: 'Apache-2.0',
    note: 'For weak machines. Cannot ground boxes, so crops are unavailable.',
  },
  {
    kind: 'embedder',
    id: 'multilingual-e5-small',
    label: 'multilingual-e5-small (page text)',
    hubId: 'Xenova/multilingual-e5-small',
    family: E5,
    dims: 384,
    revision: '761b726dd34fb83930e26aab4e9ac3899aa1fa78',
    fileList: 'approximate',
    fileListSource: 'names and sha256 from a byte-for-byte mirror of this commit; sizes rounded from the hub file list',
    common: files({ 'config.json': 658, 'tokenizer.json': 17_100_000, 'tokenizer_config.json': 443 }),
    variants: sameOnEvery(VARIANT_NAMES, variantOf({ model: 'q8' }, { 'model_quantized.onnx': 118 * MB })),
    license: 'MIT',
    note: '384 dims, 100+ languages (the Chinese slides included), trained for query/passage retrieval.',
  },
  {
    kind: 'embedder',
    id: 'siglip2-base',
    label: 'SigLIP2 base/16 224 (page images)',
    hubId: 'onnx-community/siglip2-base-patch16-224-ONNX',
    family: SIGLIP,
    dims: 768,
    revision: 'ba1f3b0843f24bc5417d38e19c37b287d719b2f4',
    fileList: 'approximate',
    fileListSource: 'the ONNX graphs and tokenizer.json with bytes and sha256 from a byte-for-byte mirror; the small configs sized from the upstream copies',
    common: files({ 'config.json': 458, 'preprocessor_config.json': 394, 'tokenizer.json': 34_363_039, 'tokenizer_config.json': 47_164 }),
    variants: sameOnEvery(
      ['webgpu-f16', 'wasm'],
      variantOf({ vision_model: 'fp16', text_model: 'fp16' }, { 'vision_model_fp16.onnx': 186_039_516, 'text_model_fp16.onnx': 564_862_230 }),
    ),
    license: 'Apache-2.0',
    note: 'Text queries and page images in one space. Published in fp16 only.',
  },
  {
    kind: 'embedder',
    id: 'jina-clip-v1',
    label: 'jina-clip-v1 (page images)',
    hubId: 'jinaai/jina-clip-v1',
    family: JINA_CLIP,
    dims: 768,
    revision: 'fd7f7158b59ba9347679ec009a6547936d2c7378',
    fileList: 'approximate',
    fileListSource: 'the hub file listing of this revision, sizes rounded to 0.1 MB',
    common: files({ 'config.json': 1_930, 'preprocessor_config.json': 527, 'tokenizer.json': 712_000, 'tokenizer_config.json': 1_240 }),
    variants: sameOnEvery(
      VARIANT_NAMES,
      variantOf({ vision_model: 'q8', text_model: 'q8' }, { 'vision_model_quantized.onnx': 87.9 * MB, 'text_model_quantized.onnx': 138 * MB }),
    ),
    license: 'Apache-2.0',
    note: 'Text queries and page images in one space; English.',
  },
];

export const DEFAULT_VLM = 'qwen3-vl-2b';

export function findModel(id: string): ModelEntry | undefined {
  return MODELS.find((m) => m.id === id);
}

/** Bytes a variant downloads (the common files and its ONNX files), or null when unknown. */
export function downloadBytes(entry: EntryBase, name: VariantName): number | null {
  const chosen = entry.variants[name];
  if (!chosen) return null;
  const all = [...entry.common, ...chosen.files];
  return all.some((f) => !(f.bytes > 0)) ? null : all.reduce((sum, f) => sum + f.bytes, 0);
}

/** Every file a variant downloads, with its size: the progress bar's totals from the first byte. */
export function expectedFiles(entry: EntryBase, name: VariantName): Record<string, number> {
  const chosen = entry.variants[name];
  return Object.fromEntries([...entry.common, ...(chosen?.files ?? [])].map((f) => [f.path, f.bytes]));
}

/**
 * An entry for any hub id the user types, of the family its config.json names: the family's
 * usual files, nothing pinned.
 */
export function customVlmEntry(hubId: string, family: VlmFamily): VlmEntry {
  return {
    kind: 'vlm',
    id: `custom:${hubId}`,
    label: hubId,
    hubId,
    family,
    revision: null,
    fileList: 'unverified',
    fileListSource: 'a hub id typed by the user',
    common: [],
    variants: variantsOf(family.dtypes, null),
    license: 'see the model card',
  };
}
