/**
 * A tiny Qwen2-VL (image-text-to-text) with the exact ONNX interface transformers.js uses for the
 * family: vision_encoder (pixel_values, grid_thw -> image_features), embed_tokens
 * (input_ids -> inputs_embeds) and decoder_model_merged (inputs_embeds, attention_mask,
 * position_ids, past_key_values.N.key/value -> logits, present.N.key/value). Random weights;
 * a real attention over the KV cache so outputs depend on the whole context.
 */
import { DataType, buildModel } from './onnx.ts';
import { GraphBuilder } from './graph-builder.ts';
import { byteLevelBpe } from './tokenizers.ts';
import type { ModelFiles } from './files.ts';

const HIDDEN = 16;
const HEADS = 2;
const HEAD_DIM = HIDDEN / HEADS;
const LAYERS = 2;
const PATCH = 14;
const TEMPORAL_PATCH = 2;
const MERGE = 2;
const PATCH_FEATURES = 3 * TEMPORAL_PATCH * PATCH * PATCH; // 1176, as Qwen2VLImageProcessor flattens

const SPECIAL = ['<|endoftext|>', '<|im_start|>', '<|im_end|>', '<|vision_start|>', '<|vision_end|>', '<|image_pad|>', '<|video_pad|>'];
const WORDS = ['<search>', '</search>', '<bbox>', '</bbox>', '<answer>', '</answer>', 'the', 'page'];
/** Kept whole by the tokenizer, as Qwen3's tokenizer keeps its thinking tags. */
const ADDED = ['<think>', '</think>'];

/** Qwen2-VL's own chat template (images become <|vision_start|><|image_pad|><|vision_end|>). */
export const QWEN2_VL_CHAT_TEMPLATE =
  "{% set image_count = namespace(value=0) %}{% set video_count = namespace(value=0) %}{% for message in messages %}{% if loop.first and message['role'] != 'system' %}<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n{% endif %}<|im_start|>{{ message['role'] }}\n{% if message['content'] is string %}{{ message['content'] }}<|im_end|>\n{% else %}{% for content in message['content'] %}{% if content['type'] == 'image' or 'image' in content or 'image_url' in content %}{% set image_count.value = image_count.value + 1 %}{% if add_vision_id %}Picture {{ image_count.value }}: {% endif %}<|vision_start|><|image_pad|><|vision_end|>{% elif content['type'] == 'video' or 'video' in content %}{% set video_count.value = video_count.value + 1 %}{% if add_vision_id %}Video {{ video_count.value }}: {% endif %}<|vision_start|><|video_pad|><|vision_end|>{% elif 'text' in content %}{{ content['text'] }}{% endif %}{% endfor %}<|im_end|>\n{% endif %}{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}";

function visionEncoder(): Uint8Array {
  const g = new GraphBuilder('vision_encoder', 11);
  // Each run of merge² consecutive patches is one merged token, as the processor orders them.
  const merged = g.op('Reshape', ['pixel_values', g.int64('merge_shape', [-1, MERGE * MERGE * PATCH_FEATURES])]);
  const projected = g.op('MatMul', [merged, g.weight('merger', [MERGE * MERGE * PATCH_FEATURES, HIDDEN], 0.05)]);
  // grid_thw only scales a zero term, so the input is real (and required) without changing features.
  const grid = g.op('ReduceSum', [g.op('Cast', ['grid_thw'], { to: DataType.FLOAT })], { keepdims: 0 });
  const zero = g.op('Mul', [grid, g.scalar('zero', 0)]);
  g.op('Tanh', [g.op('Add', [projected, zero])], undefined, 'image_features');
  return buildModel(
    g.build(
      [
        { name: 'pixel_values', type: DataType.FLOAT, shape: ['num_patches', PATCH_FEATURES] },
        { name: 'grid_thw', type: DataType.INT64, shape: ['num_images', 3] },
      ],
      [{ name: 'image_features', type: DataType.FLOAT, shape: ['num_tokens', HIDDEN] }],
    ),
  );
}

function embedTokens(vocabSize: number): Uint8Array {
  const g = new GraphBuilder('embed_tokens', 12);
  g.op('Gather', [g.weight('embed', [vocabSize, HIDDEN], 1), 'input_ids'], { axis: 0 }, 'inputs_embeds');
  return buildModel(
    g.build(
      [{ name: 'input_ids', type: DataType.INT64, shape: ['batch_size', 'sequence_length'] }],
      [{ name: 'inputs_embeds', type: DataType.FLOAT, shape: ['batch_size', 'sequence_length', HIDDEN] }],
    ),
  );
}

/**
 * Logit biases: special tokens get a large negative one so random weights emit text rather than
 * stop at once; `</think>` a positive one so greedy decoding closes a thought right away, which
 * makes the action-opener constraint observable.
 */
function decoder(vocabSize: number, specialIds: number[], thinkCloseId: number): Uint8Array {
  const g = new GraphBuilder('decoder_model_merged', 13);
  const headShape = g.int64('head_shape', [0, 0, HEADS, HEAD_DIM]);
  const flatShape = g.int64('flat_shape', [0, 0, HIDDEN]);
  const heads = (x: string, w: string) =>
    g.op('Transpose', [g.op('Reshape', [g.op('MatMul', [x, w]), headShape])], { perm: [0, 2, 1, 3] });
  // position_ids and attention_mask are part of the interface; they enter as zero terms.
  const positions = g.op('ReduceSum', [g.op('Cast', ['position_ids'], { to: DataType.FLOAT })], { keepdims: 0 });
  const mask = g.op('ReduceSum', [g.op('Cast', ['attention_mask'], { to: DataType.FLOAT })], { keepdims: 0 });
  let x = g.op('Add', ['inputs_embeds', g.op('Mul', [g.op('Add', [positions, mask]), g.scalar('zero', 0)])]);
  const scale = g.scalar('attn_scale', 1 / Math.sqrt(HEAD_DIM));
  for (let l = 0; l < LAYERS; l++) {
    const q = heads(x, g.weight(`q${l}`, [HIDDEN, HIDDEN], 0.5));
    const k = g.op('Concat', [`past_key_values.${l}.key`, heads(x, g.weight(`k${l}`, [HIDDEN, HIDDEN], 0.5))], { axis: 2 }, `present.${l}.key`);
    const v = g.op('Concat', [`past_key_values.${l}.value`, heads(x, g.weight(`v${l}`, [HIDDEN, HIDDEN], 0.5))], { axis: 2 }, `present.${l}.value`);
    const scores = g.op('Mul', [g.op('MatMul', [q, g.op('Transpose', [k], { perm: [0, 1, 3, 2] })]), scale]);
    const context = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), v]);
    const merged = g.op('Reshape', [g.op('Transpose', [context], { perm: [0, 2, 1, 3] }), flatShape]);
    x = g.op('Add', [x, g.op('MatMul', [merged, g.weight(`o${l}`, [HIDDEN, HIDDEN], 0.5)])]);
  }
  const bias = new Float32Array(vocabSize);
  for (const id of specialIds) bias[id] = -20;
  bias[thinkCloseId] = 12;
  const logits = g.op('MatMul', [x, g.weight('lm_head', [HIDDEN, vocabSize], 1)]);
  g.op('Add', [logits, g.tensor('lm_bias', [vocabSize], bias)], undefined, 'logits');
  const cache = (prefix: string, length: string) =>
    Array.from({ length: LAYERS }, (_, l) =>
      ['key', 'value'].map((kv) => ({
        name: `${prefix}.${l}.${kv}`,
        type: DataType.FLOAT,
        shape: ['batch_size', HEADS, length, HEAD_DIM],
      })),
    ).flat();
  return buildModel(
    g.build(
      [
        { name: 'inputs_embeds', type: DataType.FLOAT, shape: ['batch_size', 'sequence_length', HIDDEN] },
        { name: 'attention_mask', type: DataType.INT64, shape: ['batch_size', 'total_sequence_length'] },
        { name: 'position_ids', type: DataType.INT64, shape: [3, 'batch_size', 'sequence_length'] },
        ...cache('past_key_values', 'past_sequence_length'),
      ],
      [
        { name: 'logits', type: DataType.FLOAT, shape: ['batch_size', 'sequence_length', vocabSize] },
        ...cache('present', 'total_sequence_length'),
      ],
    ),
  );
}

export function tinyQwen2Vl(): ModelFiles {
  const tok = byteLevelBpe(SPECIAL, WORDS, ADDED);
  const id = tok.id;
  const config = {
    architectures: ['Qwen2VLForConditionalGeneration'],
    model_type: 'qwen2_vl',
    hidden_size: HIDDEN,
    intermediate_size: HIDDEN * 2,
    num_attention_heads: HEADS,
    num_key_value_heads: HEADS,
    head_dim: HEAD_DIM,
    num_hidden_layers: LAYERS,
    vocab_size: tok.vocabSize,
    max_position_embeddings: 32768,
    rope_scaling: { type: 'mrope', mrope_section: [2, 1, 1] },
    bos_token_id: id('<|endoftext|>'),
    eos_token_id: id('<|im_end|>'),
    vision_start_token_id: id('<|vision_start|>'),
    vision_end_token_id: id('<|vision_end|>'),
    image_token_id: id('<|image_pad|>'),
    video_token_id: id('<|video_pad|>'),
    vision_config: { spatial_merge_size: MERGE, patch_size: PATCH, temporal_patch_size: TEMPORAL_PATCH, hidden_size: HIDDEN },
    torch_dtype: 'float32',
  };
  return {
    'config.json': config,
    'generation_config.json': { bos_token_id: config.bos_token_id, eos_token_id: [config.eos_token_id, config.bos_token_id], pad_token_id: config.bos_token_id, do_sample: false },
    'preprocessor_config.json': {
      image_processor_type: 'Qwen2VLImageProcessor',
      processor_class: 'Qwen2VLProcessor',
      do_convert_rgb: true,
      do_normalize: true,
      do_rescale: true,
      do_resize: true,
      rescale_factor: 1 / 255,
      image_mean: [0.48145466, 0.4578275, 0.40821073],
      image_std: [0.26862954, 0.26130258, 0.27577711],
      min_pixels: 56 * 56,
      max_pixels: 28 * 28 * 1280,
      patch_size: PATCH,
      temporal_patch_size: TEMPORAL_PATCH,
      merge_size: MERGE,
    },
    'tokenizer.json': tok.json,
    'tokenizer_config.json': {
      tokenizer_class: 'Qwen2Tokenizer',
      bos_token: null,
      eos_token: '<|im_end|>',
      pad_token: '<|endoftext|>',
      unk_token: null,
      model_max_length: 32768,
      clean_up_tokenization_spaces: false,
      split_special_tokens: false,
      chat_template: QWEN2_VL_CHAT_TEMPLATE,
    },
    'onnx/vision_encoder.onnx': visionEncoder(),
    'onnx/embed_tokens.onnx': embedTokens(tok.vocabSize),
    'onnx/decoder_model_merged.onnx': decoder(tok.vocabSize, SPECIAL.map(id), id('</think>')),
  };
}
