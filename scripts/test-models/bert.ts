/** A tiny BERT-like feature-extraction model: input_ids, attention_mask, token_type_ids -> last_hidden_state. */
import { DataType, buildModel } from './onnx.ts';
import { GraphBuilder } from './graph-builder.ts';
import { wordPiece } from './tokenizers.ts';
import type { ModelFiles } from './files.ts';

const HIDDEN = 32;
const WORDS = ['the', 'market', 'travel', 'online', 'share', 'cloud', 'network', 'page', 'report', '云', '网', '络', '计', '算'];

export function tinyBert(): ModelFiles {
  const tok = wordPiece(WORDS);
  const g = new GraphBuilder('bert', 21);
  const words = g.op('Gather', [g.weight('word_embeddings', [tok.vocabSize, HIDDEN], 1), 'input_ids'], { axis: 0 });
  const types = g.op('Gather', [g.weight('token_type_embeddings', [2, HIDDEN], 0.1), 'token_type_ids'], { axis: 0 });
  const mask = g.op('Unsqueeze', [g.op('Cast', ['attention_mask'], { to: DataType.FLOAT }), g.int64('last_axis', [-1])]);
  const hidden = g.op('Tanh', [g.op('MatMul', [g.op('Add', [words, types]), g.weight('dense', [HIDDEN, HIDDEN], 0.5)])]);
  g.op('Mul', [hidden, mask], undefined, 'last_hidden_state');
  const ids = (name: string) => ({ name, type: DataType.INT64, shape: ['batch_size', 'sequence_length'] });
  const model = buildModel(
    g.build(
      [ids('input_ids'), ids('attention_mask'), ids('token_type_ids')],
      [{ name: 'last_hidden_state', type: DataType.FLOAT, shape: ['batch_size', 'sequence_length', HIDDEN] }],
    ),
  );
  return {
    'config.json': {
      architectures: ['BertModel'],
      model_type: 'bert',
      hidden_size: HIDDEN,
      num_attention_heads: 2,
      num_hidden_layers: 1,
      intermediate_size: HIDDEN * 2,
      vocab_size: tok.vocabSize,
      type_vocab_size: 2,
      max_position_embeddings: 512,
    },
    'tokenizer.json': tok.json,
    'tokenizer_config.json': {
      tokenizer_class: 'BertTokenizer',
      do_lower_case: true,
      model_max_length: 512,
      cls_token: '[CLS]',
      sep_token: '[SEP]',
      pad_token: '[PAD]',
      unk_token: '[UNK]',
      mask_token: '[MASK]',
    },
    'onnx/model.onnx': model,
  };
}
