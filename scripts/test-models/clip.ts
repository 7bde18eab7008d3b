/**
 * A tiny CLIP: vision_model (pixel_values -> image_embeds) and text_model (input_ids -> text_embeds)
 * in one embedding space, with CLIP's image processor (resize 224, centre crop, normalise).
 */
import { DataType, buildModel } from './onnx.ts';
import { GraphBuilder } from './graph-builder.ts';
import { byteLevelBpe } from './tokenizers.ts';
import type { ModelFiles } from './files.ts';

const SIZE = 224;
const POOL = 28;
const GRID = SIZE / POOL;
const PROJECTION = 24;

function visionModel(): Uint8Array {
  const g = new GraphBuilder('clip_vision', 31);
  const pooled = g.op('AveragePool', ['pixel_values'], { kernel_shape: [POOL, POOL], strides: [POOL, POOL] });
  const flat = g.op('Reshape', [pooled, g.int64('flat', [0, 3 * GRID * GRID])]);
  g.op('MatMul', [flat, g.weight('visual_projection', [3 * GRID * GRID, PROJECTION], 0.2)], undefined, 'image_embeds');
  return buildModel(
    g.build(
      [{ name: 'pixel_values', type: DataType.FLOAT, shape: ['batch_size', 3, SIZE, SIZE] }],
      [{ name: 'image_embeds', type: DataType.FLOAT, shape: ['batch_size', PROJECTION] }],
    ),
  );
}

function textModel(vocabSize: number): Uint8Array {
  const g = new GraphBuilder('clip_text', 32);
  const tokens = g.op('Gather', [g.weight('token_embedding', [vocabSize, PROJECTION], 1), 'input_ids'], { axis: 0 });
  g.op('ReduceMean', [tokens], { axes: [1], keepdims: 0 }, 'text_embeds');
  return buildModel(
    g.build(
      [{ name: 'input_ids', type: DataType.INT64, shape: ['batch_size', 'sequence_length'] }],
      [{ name: 'text_embeds', type: DataType.FLOAT, shape: ['batch_size', PROJECTION] }],
    ),
  );
}

export function tinyClip(): ModelFiles {
  const tok = byteLevelBpe(['<|startoftext|>', '<|endoftext|>'], ['the', 'page']);
  return {
    'config.json': {
      architectures: ['CLIPModel'],
      model_type: 'clip',
      projection_dim: PROJECTION,
      text_config: { model_type: 'clip_text_model', vocab_size: tok.vocabSize, hidden_size: PROJECTION },
      vision_config: { model_type: 'clip_vision_model', image_size: SIZE, patch_size: POOL, hidden_size: PROJECTION },
    },
    'preprocessor_config.json': {
      image_processor_type: 'CLIPImageProcessor',
      feature_extractor_type: 'CLIPFeatureExtractor',
      do_resize: true,
      size: { shortest_edge: SIZE },
      resample: 3,
      do_center_crop: true,
      crop_size: { height: SIZE, width: SIZE },
      do_rescale: true,
      rescale_factor: 1 / 255,
      do_normalize: true,
      image_mean: [0.48145466, 0.4578275, 0.40821073],
      image_std: [0.26862954, 0.26130258, 0.27577711],
      do_convert_rgb: true,
    },
    'tokenizer.json': tok.json,
    'tokenizer_config.json': {
      tokenizer_class: 'CLIPTokenizer',
      bos_token: '<|startoftext|>',
      eos_token: '<|endoftext|>',
      pad_token: '<|endoftext|>',
      unk_token: '<|endoftext|>',
      model_max_length: 77,
    },
    'onnx/vision_model.onnx': visionModel(),
    'onnx/text_model.onnx': textModel(tok.vocabSize),
  };
}
