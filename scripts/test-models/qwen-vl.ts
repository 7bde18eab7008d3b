/**
 * Generated Qwen-VL models (qwen2_vl, qwen2_5_vl, qwen3_vl) that are real in everything but their
 * weights: the real tokenizer, chat template, processor config and config fields of the family
 * (from ../shared/models-metadata; only dimensions shrunk), the hub repository's file names and
 * dtype suffixes, external data files where the repository has them. The decoder is either a
 * random-weight transformer or a script (see decoders.ts).
 */
import type { DType } from '../../src/models/files.ts';
import { DTYPE_SUFFIX } from '../../src/models/files.ts';
import {
  embedTokens,
  qwenVisionEncoder,
  randomDecoder,
  scriptedDecoder,
  scriptedEmbeddings,
  type DecoderShape,
  type Precision,
  type ScriptTable,
} from './decoders.ts';
import type { ModelFiles } from './files.ts';
import { addedTokenId, metadataJson, metadataText } from './metadata.ts';
import { buildModel, type Graph } from './onnx.ts';

export type QwenVlType = 'qwen2_vl' | 'qwen2_5_vl' | 'qwen3_vl';

interface FamilyFacts {
  metadata: string;
  patchSize: number;
  gridInput: string;
  /** Where the family's config keeps the language model's sizes. */
  nested: boolean;
}

const FACTS: Record<QwenVlType, FamilyFacts> = {
  qwen2_vl: { metadata: 'qwen2-vl', patchSize: 14, gridInput: 'grid_thw', nested: false },
  qwen2_5_vl: { metadata: 'qwen2.5-vl', patchSize: 14, gridInput: 'image_grid_thw', nested: false },
  qwen3_vl: { metadata: 'qwen3-vl', patchSize: 16, gridInput: 'image_grid_thw', nested: true },
};

const TEMPORAL_PATCH = 2;
const MERGE = 2;

export interface QwenVlSpec {
  type: QwenVlType;
  /** dtype variants per session to write, with the hub's names. */
  variants: Record<'embed_tokens' | 'vision_encoder' | 'decoder_model_merged', DType[]>;
  /** Weights in `<file>.onnx_data`, as onnx-community's Qwen3-VL export keeps them. */
  externalData: boolean;
  decoder: { kind: 'random'; seed: number } | { kind: 'scripted'; replies: string[] };
  /** Tokenize with the real tokenizer (the generator runs transformers.js' tokenizer in Node). */
  encode: (text: string) => number[];
}

const HALF = (dtype: DType): Precision => ({ halfWeights: dtype === 'fp16' || dtype === 'q4f16', halfIO: false });

/** The real preprocessor config; Qwen2-VL's own was not found, and differs from Qwen2.5-VL's only in its class names. */
function preprocessorConfig(type: QwenVlType): Record<string, unknown> {
  if (type === 'qwen2_vl') return { ...metadataJson('qwen2.5-vl', 'preprocessor_config.json'), processor_class: 'Qwen2VLProcessor' };
  return metadataJson(FACTS[type].metadata, 'preprocessor_config.json');
}

/** The real config with its sizes shrunk, in the family's own layout (flat, or with text_config). */
function config(type: QwenVlType, shape: DecoderShape): Record<string, unknown> {
  const sizes = {
    hidden_size: shape.hidden,
    intermediate_size: shape.hidden * 2,
    num_attention_heads: shape.heads,
    num_key_value_heads: 1,
    head_dim: shape.headDim,
    num_hidden_layers: shape.layers,
    vocab_size: shape.vocab,
  };
  if (type === 'qwen3_vl') {
    const real = metadataJson<Record<string, Record<string, unknown>>>('qwen3-vl', 'config.4b-reference.json');
    return {
      ...real,
      text_config: { ...real.text_config, ...sizes },
      vision_config: { ...real.vision_config, depth: 1, hidden_size: shape.hidden, out_hidden_size: shape.hidden, intermediate_size: shape.hidden * 2, num_heads: 1, deepstack_visual_indexes: [0] },
      torch_dtype: 'float32',
    };
  }
  const real = metadataJson<Record<string, unknown>>(FACTS[type].metadata, 'config.json');
  const vision = real.vision_config as Record<string, unknown>;
  return {
    ...real,
    ...sizes,
    vision_config: { ...vision, hidden_size: shape.hidden, ...(type === 'qwen2_5_vl' ? { out_hidden_size: shape.hidden, depth: 1, intermediate_size: shape.hidden * 2 } : {}) },
    ...(real['transformers.js_config'] ? { 'transformers.js_config': real['transformers.js_config'] } : {}),
    torch_dtype: 'float32',
  };
}

function onnxFile(session: string, dtype: DType, graph: Graph, external: boolean, files: ModelFiles): void {
  const name = `${session}${DTYPE_SUFFIX[dtype]}.onnx`;
  if (!external) {
    files[`onnx/${name}`] = buildModel(graph);
    return;
  }
  const { model, data } = buildModel(graph, `${name}_data`);
  files[`onnx/${name}`] = model;
  files[`onnx/${name}_data`] = data;
}

export function qwenVlModel(spec: QwenVlSpec): ModelFiles {
  const facts = FACTS[spec.type];
  const tokenizer = JSON.parse(metadataText(facts.metadata, 'tokenizer.json')) as { added_tokens: { id: number; content: string }[] };
  const realConfig = facts.nested
    ? (metadataJson<{ text_config: { vocab_size: number } }>('qwen3-vl', 'config.4b-reference.json').text_config)
    : metadataJson<{ vocab_size: number }>(facts.metadata, 'config.json');
  const scripted = spec.decoder.kind === 'scripted';
  const hidden = scripted ? 4 : 8;
  const shape: DecoderShape = {
    vocab: realConfig.vocab_size,
    hidden,
    heads: scripted ? 1 : 2,
    headDim: scripted ? hidden : hidden / 2,
    layers: scripted ? 1 : 2,
    positionAxes: 3,
  };
  const turnStart = addedTokenId(tokenizer, '<|im_start|>');
  const visionStart = addedTokenId(tokenizer, '<|vision_start|>');
  const endOfTurn = addedTokenId(tokenizer, '<|im_end|>');

  const files: ModelFiles = {};
  const tokenizerConfig = metadataJson<Record<string, unknown>>(facts.metadata, 'tokenizer_config.json');
  if (spec.type === 'qwen3_vl') {
    // onnx-community's export keeps the template in chat_template.jinja, not in tokenizer_config.json.
    const { chat_template: template, ...rest } = tokenizerConfig;
    files['tokenizer_config.json'] = rest;
    files['chat_template.jinja'] = new TextEncoder().encode(String(template));
  } else {
    files['tokenizer_config.json'] = tokenizerConfig;
    files['chat_template.json'] = metadataJson(facts.metadata, 'chat_template.json');
  }
  files['tokenizer.json'] = new TextEncoder().encode(metadataText(facts.metadata, 'tokenizer.json'));
  files['config.json'] = config(spec.type, shape);
  // Qwen2-VL's own generation config was not found; Qwen2.5-VL's stands in.
  files['generation_config.json'] = metadataJson(spec.type === 'qwen2_vl' ? 'qwen2.5-vl' : facts.metadata, 'generation_config.json');
  files['preprocessor_config.json'] = preprocessorConfig(spec.type);

  const patchFeatures = 3 * TEMPORAL_PATCH * facts.patchSize * facts.patchSize;
  const specialIds = tokenizer.added_tokens.filter((t) => t.content.startsWith('<|')).map((t) => t.id);
  const thinkClose = tokenizer.added_tokens.find((t) => t.content === '</think>')?.id;
  for (const dtype of spec.variants.embed_tokens) {
    const table = scripted ? scriptedEmbeddings(shape.vocab, hidden, turnStart, visionStart, 7) : undefined;
    onnxFile('embed_tokens', dtype, embedTokens(shape.vocab, hidden, HALF(dtype), 12, table), spec.externalData, files);
  }
  for (const dtype of spec.variants.vision_encoder) {
    const graph = qwenVisionEncoder({ patchFeatures, merge: MERGE, hidden, gridInput: facts.gridInput, p: HALF(dtype), seed: 11, ...(scripted ? { keepColumns: [2, 3] } : {}) });
    onnxFile('vision_encoder', dtype, graph, spec.externalData, files);
  }
  for (const dtype of spec.variants.decoder_model_merged) {
    let graph: Graph;
    if (spec.decoder.kind === 'scripted') {
      const table: ScriptTable = { stages: spec.decoder.replies.map((reply) => spec.encode(reply)), endOfTurn };
      graph = scriptedDecoder(shape, table, 13);
    } else {
      // Special tokens are pushed down so random weights write text instead of ending at once;
      // `</think>` (one token in Qwen3's vocabulary) up, so a reply closes its thought at once.
      const bias = new Map(specialIds.map((id) => [id, -20]));
      if (thinkClose !== undefined) bias.set(thinkClose, 12);
      graph = randomDecoder(shape, HALF(dtype), spec.decoder.seed, bias);
    }
    onnxFile('decoder_model_merged', dtype, graph, spec.externalData, files);
  }
  return files;
}
