/**
 * A generated SmolVLM (model_type idefics3) with the real tokenizer, chat template, processor and
 * config fields of SmolVLM-256M-Instruct, and every ONNX file the registry loads from it. Its
 * half-precision files keep half-precision inputs and outputs, key/value cache included, as the
 * repository's config says (`kv_cache_dtype`).
 */
import { DTYPE_SUFFIX, type DType } from '../../src/models/files.ts';
import { embedTokens, randomDecoder, type DecoderShape, type Precision } from './decoders.ts';
import type { ModelFiles } from './files.ts';
import { GraphBuilder } from './graph-builder.ts';
import { addedTokenId, metadataJson, metadataText } from './metadata.ts';
import { DataType, buildModel } from './onnx.ts';

const TILE = 512;
const POOL = 64;
const TOKENS_PER_TILE = (TILE / POOL) ** 2;

function visionEncoder(hidden: number, p: Precision) {
  const g = new GraphBuilder('vision_encoder', 41, p.halfWeights);
  const tiles = g.op('Reshape', ['pixel_values', g.int64('tiles', [-1, 3, TILE, TILE])]);
  const pooled = g.op('AveragePool', [tiles], { kernel_shape: [POOL, POOL], strides: [POOL, POOL] });
  const tokens = g.op('Reshape', [g.op('Transpose', [pooled], { perm: [0, 2, 3, 1] }), g.int64('tokens', [0, TOKENS_PER_TILE, 3])]);
  let features = g.op('Tanh', [g.op('MatMul', [tokens, g.weight('connector', [3, hidden], 1)])]);
  const mask = g.op('ReduceSum', [g.op('Cast', ['pixel_attention_mask'], { to: DataType.FLOAT })], { keepdims: 0 });
  features = g.op('Add', [features, g.op('Mul', [mask, g.scalar('zero', 0)])]);
  if (p.halfIO) g.op('Cast', [features], { to: DataType.FLOAT16 }, 'image_features');
  else g.op('Identity', [features], undefined, 'image_features');
  return g.build(
    [
      { name: 'pixel_values', type: DataType.FLOAT, shape: ['batch_size', 'num_images', 3, TILE, TILE] },
      { name: 'pixel_attention_mask', type: DataType.BOOL, shape: ['batch_size', 'num_images', TILE, TILE] },
    ],
    [{ name: 'image_features', type: p.halfIO ? DataType.FLOAT16 : DataType.FLOAT, shape: ['num_tiles', TOKENS_PER_TILE, hidden] }],
  );
}

const precision = (dtype: DType): Precision => ({ halfWeights: dtype === 'fp16' || dtype === 'q4f16', halfIO: dtype === 'fp16' || dtype === 'q4f16' });

export function smolVlmModel(variants: Record<'embed_tokens' | 'vision_encoder' | 'decoder_model_merged', DType[]>): ModelFiles {
  const real = metadataJson<Record<string, Record<string, unknown>>>('smolvlm-256m', 'config.json');
  const tokenizer = JSON.parse(metadataText('smolvlm-256m', 'tokenizer.json')) as { added_tokens: { id: number; content: string }[] };
  const shape: DecoderShape = { vocab: Number(real.text_config!.vocab_size), hidden: 8, heads: 2, headDim: 4, layers: 2, positionAxes: 1 };
  const files: ModelFiles = {
    'config.json': {
      ...real,
      text_config: { ...real.text_config, hidden_size: shape.hidden, intermediate_size: 16, num_attention_heads: shape.heads, num_key_value_heads: 1, head_dim: shape.headDim, num_hidden_layers: shape.layers },
      vision_config: { ...real.vision_config, hidden_size: 8, intermediate_size: 16, num_attention_heads: 1, num_hidden_layers: 1 },
      torch_dtype: 'float32',
    },
    'generation_config.json': metadataJson('smolvlm-256m', 'generation_config.json'),
    'preprocessor_config.json': metadataJson('smolvlm-256m', 'preprocessor_config.json'),
    'processor_config.json': metadataJson('smolvlm-256m', 'processor_config.json'),
    'tokenizer.json': new TextEncoder().encode(metadataText('smolvlm-256m', 'tokenizer.json')),
    'tokenizer_config.json': metadataJson('smolvlm-256m', 'tokenizer_config.json'),
  };
  const name = (session: string, dtype: DType) => `onnx/${session}${DTYPE_SUFFIX[dtype]}.onnx`;
  for (const dtype of variants.embed_tokens) files[name('embed_tokens', dtype)] = buildModel(embedTokens(shape.vocab, shape.hidden, precision(dtype), 42));
  for (const dtype of variants.vision_encoder) files[name('vision_encoder', dtype)] = buildModel(visionEncoder(shape.hidden, precision(dtype)));
  const endOfUtterance = addedTokenId(tokenizer, '<end_of_utterance>');
  const bias = new Map(tokenizer.added_tokens.map((t) => [t.id, -20]));
  bias.set(endOfUtterance, -20);
  for (const dtype of variants.decoder_model_merged) files[name('decoder_model_merged', dtype)] = buildModel(randomDecoder(shape, precision(dtype), 43, bias));
  return files;
}
