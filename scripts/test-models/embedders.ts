/**
 * Generated embedders for every embedder family in the registry, with the hub repositories' file
 * names: multilingual-e5-small (BERT with an XLM-R tokenizer), SigLIP2 (half-precision towers whose
 * text side only takes 64-token inputs, as the real one) and jina-clip-v1. Configs, processors
 * and tokenizer configs are the real ones where ../shared/models-metadata has them.
 */
import { DataType, buildModel } from './onnx.ts';
import { GraphBuilder } from './graph-builder.ts';
import { metadataJson } from './metadata.ts';
import { gemmaBpe, wordPiece, xlmrUnigram } from './tokenizers.ts';
import type { ModelFiles } from './files.ts';

const WORDS = ['the', 'market', 'travel', 'online', 'share', 'cloud', 'network', 'page', 'report', 'outbound', 'trips', 'india', 'china', 'growth', 'table'];
const ids = (name: string) => ({ name, type: DataType.INT64, shape: ['batch_size', 'sequence_length'] });

/** Xenova/multilingual-e5-small: a BertModel (last_hidden_state, mean-pooled by the pipeline) over an XLM-R tokenizer. */
export function e5Model(): ModelFiles {
  const tok = xlmrUnigram([...WORDS, '云', '网络', '计算']);
  const hidden = 32;
  const g = new GraphBuilder('bert', 21);
  const words = g.op('Gather', [g.weight('word_embeddings', [tok.vocabSize, hidden], 1), 'input_ids'], { axis: 0 });
  const types = g.op('Gather', [g.weight('token_type_embeddings', [2, hidden], 0.1), 'token_type_ids'], { axis: 0 });
  const mask = g.op('Unsqueeze', [g.op('Cast', ['attention_mask'], { to: DataType.FLOAT }), g.int64('last_axis', [-1])]);
  const state = g.op('Tanh', [g.op('MatMul', [g.op('Add', [words, types]), g.weight('dense', [hidden, hidden], 0.5)])]);
  g.op('Mul', [state, mask], undefined, 'last_hidden_state');
  const model = buildModel(
    g.build([ids('input_ids'), ids('attention_mask'), ids('token_type_ids')], [{ name: 'last_hidden_state', type: DataType.FLOAT, shape: ['batch_size', 'sequence_length', hidden] }]),
  );
  return {
    'config.json': { ...metadataJson<Record<string, unknown>>('multilingual-e5-small', 'config.json'), hidden_size: hidden, intermediate_size: hidden * 2, num_attention_heads: 2, num_hidden_layers: 1, vocab_size: tok.vocabSize },
    'tokenizer.json': tok.json,
    'tokenizer_config.json': metadataJson('multilingual-e5-small', 'tokenizer_config.json'),
    'special_tokens_map.json': metadataJson('multilingual-e5-small', 'special_tokens_map.json'),
    'onnx/model_quantized.onnx': model,
  };
}

const SIGLIP_TEXT_LENGTH = 64;
const IMAGE = 224;
const POOL = 32;

/** A pooled image tower: average pooling to a 7x7 grid, then a projection. */
function imageTower(seed: number, half: boolean, output: string, dims: number) {
  const g = new GraphBuilder('vision_model', seed, half);
  const grid = IMAGE / POOL;
  const pooled = g.op('AveragePool', ['pixel_values'], { kernel_shape: [POOL, POOL], strides: [POOL, POOL] });
  const flat = g.op('Reshape', [pooled, g.int64('flat', [0, 3 * grid * grid])]);
  g.op('MatMul', [flat, g.weight('projection', [3 * grid * grid, dims], 0.2)], undefined, output);
  return g.build([{ name: 'pixel_values', type: DataType.FLOAT, shape: ['batch_size', 3, IMAGE, IMAGE] }], [{ name: output, type: DataType.FLOAT, shape: ['batch_size', dims] }]);
}

/**
 * onnx-community/siglip2-base-patch16-224-ONNX: published in fp16 only. The text tower adds a
 * position embedding for exactly 64 positions, so any other input length fails as the real one does.
 */
export function siglip2Model(): ModelFiles {
  const tok = gemmaBpe(WORDS);
  const dims = 24;
  const text = new GraphBuilder('text_model', 51, true);
  const tokens = text.op('Gather', [text.weight('token_embedding', [tok.vocabSize, dims], 1), 'input_ids'], { axis: 0 });
  const positioned = text.op('Add', [tokens, text.weight('position_embedding', [SIGLIP_TEXT_LENGTH, dims], 0.5)]);
  const lastToken = text.op('Slice', [positioned, text.int64('s', [-1]), text.int64('e', [SIGLIP_TEXT_LENGTH]), text.int64('a', [1])]);
  text.op('Reshape', [text.op('MatMul', [lastToken, text.weight('head', [dims, dims], 0.5)]), text.int64('pooled', [-1, dims])], undefined, 'pooler_output');
  const textGraph = text.build([ids('input_ids')], [{ name: 'pooler_output', type: DataType.FLOAT, shape: ['batch_size', dims] }]);
  const real = metadataJson<Record<string, Record<string, unknown>>>('siglip2-base-patch16-224', 'config.json');
  return {
    'config.json': {
      ...real,
      text_config: { ...real.text_config, vocab_size: tok.vocabSize, hidden_size: dims, max_position_embeddings: SIGLIP_TEXT_LENGTH },
      vision_config: { ...real.vision_config, hidden_size: dims, image_size: IMAGE, patch_size: POOL },
    },
    'preprocessor_config.json': metadataJson('siglip2-base-patch16-224', 'preprocessor_config.json'),
    'special_tokens_map.json': metadataJson('siglip2-base-patch16-224', 'special_tokens_map.json'),
    'tokenizer_config.json': metadataJson('siglip2-base-patch16-224', 'tokenizer_config.json'),
    'tokenizer.json': tok.json,
    'onnx/text_model_fp16.onnx': buildModel(textGraph),
    'onnx/vision_model_fp16.onnx': buildModel(imageTower(52, true, 'pooler_output', dims)),
  };
}

/**
 * jinaai/jina-clip-v1: its config, processor and tokenizer files were not found, so they follow
 * the layout transformers.js reads (JinaCLIPImageProcessor's own config keys, a BERT tokenizer).
 */
export function jinaClipModel(): ModelFiles {
  const tok = wordPiece(WORDS);
  const dims = 24;
  const text = new GraphBuilder('text_model', 61);
  const pooled = text.op('ReduceMean', [text.op('Gather', [text.weight('token_embedding', [tok.vocabSize, dims], 1), 'input_ids'], { axis: 0 })], { axes: [1], keepdims: 0 });
  text.op('Identity', [pooled], undefined, 'text_embeddings');
  text.op('LpNormalization', [pooled], { axis: -1, p: 2 }, 'l2norm_text_embeddings');
  const textGraph = text.build([ids('input_ids')], [
    { name: 'text_embeddings', type: DataType.FLOAT, shape: ['batch_size', dims] },
    { name: 'l2norm_text_embeddings', type: DataType.FLOAT, shape: ['batch_size', dims] },
  ]);
  const vision = imageTower(62, false, 'image_embeddings', dims);
  vision.nodes.push({ op: 'LpNormalization', inputs: ['image_embeddings'], outputs: ['l2norm_image_embeddings'], attributes: { axis: -1, p: 2 } });
  vision.outputs.push({ name: 'l2norm_image_embeddings', type: DataType.FLOAT, shape: ['batch_size', dims] });
  return {
    'config.json': {
      architectures: ['JinaCLIPModel'],
      model_type: 'jina_clip',
      projection_dim: dims,
      text_config: { model_type: 'jina_clip_text', embed_dim: dims, hf_model_name_or_path: 'jinaai/jina-bert-flash-implementation' },
      vision_config: { model_type: 'jina_clip_vision', embed_dim: dims, image_size: IMAGE, patch_size: POOL },
    },
    'preprocessor_config.json': {
      image_processor_type: 'JinaCLIPImageProcessor',
      processor_class: 'JinaCLIPProcessor',
      resize_mode: 'shortest',
      size: IMAGE,
      interpolation: 'bicubic',
      fill_color: 0,
      do_resize: true,
      do_rescale: true,
      rescale_factor: 1 / 255,
      do_convert_rgb: true,
      image_mean: [0.48145466, 0.4578275, 0.40821073],
      image_std: [0.26862954, 0.26130258, 0.27577711],
    },
    'tokenizer.json': tok.json,
    'tokenizer_config.json': { tokenizer_class: 'BertTokenizer', do_lower_case: true, model_max_length: 512, cls_token: '[CLS]', sep_token: '[SEP]', pad_token: '[PAD]', unk_token: '[UNK]', mask_token: '[MASK]' },
    'onnx/text_model_quantized.onnx': buildModel(textGraph),
    'onnx/vision_model_quantized.onnx': buildModel(vision),
  };
}
