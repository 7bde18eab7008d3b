/**
 * The ONNX graphs of a generated vision-language model, in the exact interface transformers.js
 * uses (embed_tokens, vision_encoder, decoder_model_merged): a random-weight decoder (a real causal
 * attention over the KV cache, sensitive to every position id) and a scripted one whose greedy
 * reply is fixed when it is generated.
 */
import { DataType, type Dim, type ValueInfo } from './onnx.ts';
import { seededRandom } from '../seeded-random.ts';
import { GraphBuilder } from './graph-builder.ts';

/** Float precision of a graph's weights and of its float inputs and outputs. */
export interface Precision {
  /** Weights stored in half precision (an `_fp16` / `_q4f16` file). */
  halfWeights: boolean;
  /** Float inputs and outputs in half precision too (exports without keep_io_types). */
  halfIO: boolean;
}

export const FP32: Precision = { halfWeights: false, halfIO: false };

const FLOAT = (p: Precision) => (p.halfIO ? DataType.FLOAT16 : DataType.FLOAT);

const INT_MAX = 2 ** 31 - 1;

/** Casts a float input of the interface to float for computing (a no-op name when already float). */
function computeInput(g: GraphBuilder, name: string, p: Precision): string {
  return p.halfIO ? g.op('Cast', [name], { to: DataType.FLOAT }) : name;
}

function interfaceOutput(g: GraphBuilder, value: string, name: string, p: Precision): void {
  if (p.halfIO) g.op('Cast', [value], { to: DataType.FLOAT16 }, name);
  else g.op('Identity', [value], undefined, name);
}

export function embedTokens(vocab: number, hidden: number, p: Precision, seed: number, table?: Float32Array) {
  const g = new GraphBuilder('embed_tokens', seed, p.halfWeights);
  const weights = table ? g.tensor('embed', [vocab, hidden], table) : g.weight('embed', [vocab, hidden], 1);
  interfaceOutput(g, g.op('Gather', [weights, 'input_ids'], { axis: 0 }), 'inputs_embeds', p);
  return g.build(
    [{ name: 'input_ids', type: DataType.INT64, shape: ['batch_size', 'sequence_length'] }],
    [{ name: 'inputs_embeds', type: FLOAT(p), shape: ['batch_size', 'sequence_length', hidden] }],
  );
}

/**
 * Qwen-VL's vision encoder: flattened patches (as the image processor orders them, merge² in a
 * row per visual token) -> one feature per visual token. Each token depends on its own pixels
 * only, so images encode the same alone or together, as the real (block-attention) encoder does.
 * `keepColumns` zeroes the other feature columns (the scripted model reads two of them).
 */
export function qwenVisionEncoder(spec: { patchFeatures: number; merge: number; hidden: number; gridInput: string; p: Precision; seed: number; keepColumns?: number[] }) {
  const { patchFeatures, merge, hidden, gridInput, p } = spec;
  const g = new GraphBuilder('vision_encoder', spec.seed, p.halfWeights);
  const merged = g.op('Reshape', ['pixel_values', g.int64('merge_shape', [-1, merge * merge * patchFeatures])]);
  let features = g.op('Tanh', [g.op('MatMul', [merged, g.weight('merger', [merge * merge * patchFeatures, hidden], 0.05)])]);
  if (spec.keepColumns) {
    const mask = new Float32Array(hidden);
    for (const c of spec.keepColumns) mask[c] = 1;
    features = g.op('Mul', [features, g.tensor('column_mask', [hidden], mask)]);
  }
  // The grid is a real (required) input: it enters as a zero term.
  const grid = g.op('ReduceSum', [g.op('Cast', [gridInput], { to: DataType.FLOAT })], { keepdims: 0 });
  features = g.op('Add', [features, g.op('Mul', [grid, g.scalar('zero', 0)])]);
  interfaceOutput(g, features, 'image_features', p);
  return g.build(
    [
      { name: 'pixel_values', type: DataType.FLOAT, shape: ['num_patches', patchFeatures] },
      { name: gridInput, type: DataType.INT64, shape: ['num_images', 3] },
    ],
    [{ name: 'image_features', type: FLOAT(p), shape: ['num_tokens', hidden] }],
  );
}

export interface DecoderShape {
  vocab: number;
  hidden: number;
  heads: number;
  /** Key/value heads: 1 (every query head shares them), as grouped-query attention at its smallest. */
  headDim: number;
  layers: number;
  /** 3 for Qwen-VL's multimodal rotary positions ([3, batch, seq]), 1 for plain ones ([batch, seq]). */
  positionAxes: 3 | 1;
}

function cacheInfo(prefix: string, length: string, shape: DecoderShape, p: Precision): ValueInfo[] {
  return Array.from({ length: shape.layers }, (_, l) =>
    ['key', 'value'].map((kv) => ({ name: `${prefix}.${l}.${kv}`, type: FLOAT(p), shape: ['batch_size', 1, length, shape.headDim] as Dim[] })),
  ).flat();
}

function decoderInterface(shape: DecoderShape, p: Precision): ValueInfo[] {
  return [
    { name: 'inputs_embeds', type: FLOAT(p), shape: ['batch_size', 'sequence_length', shape.hidden] },
    { name: 'attention_mask', type: DataType.INT64, shape: ['batch_size', 'total_sequence_length'] },
    {
      name: 'position_ids',
      type: DataType.INT64,
      shape: shape.positionAxes === 3 ? [3, 'batch_size', 'sequence_length'] : ['batch_size', 'sequence_length'],
    },
    ...cacheInfo('past_key_values', 'past_sequence_length', shape, p),
  ];
}

/** Only the last position's logits are computed (all a generation step reads): prefill stays small with a 150k vocabulary. */
function decoderOutputs(shape: DecoderShape, p: Precision): ValueInfo[] {
  return [{ name: 'logits', type: FLOAT(p), shape: ['batch_size', 'logits_length', shape.vocab] }, ...cacheInfo('present', 'total_sequence_length', shape, p)];
}

/** present = past ++ new along the sequence axis, in the interface's precision; returns the float view for computing. */
function appendToCache(g: GraphBuilder, past: string, fresh: string, present: string, p: Precision): string {
  const stored = g.op('Concat', [past, p.halfIO ? g.op('Cast', [fresh], { to: DataType.FLOAT16 }) : fresh], { axis: 2 }, present);
  return computeInput(g, stored, p);
}

/**
 * A causal transformer with random weights over the real vocabulary. Every input matters: the
 * attention mask and a causal mask over the cache, and each axis of the position ids (a sine of
 * them is added to the hidden state), so a wrong position or cache changes the output.
 */
export function randomDecoder(shape: DecoderShape, p: Precision, seed: number, logitBias: Map<number, number>) {
  const { hidden, heads, headDim, layers, vocab } = shape;
  const g = new GraphBuilder('decoder_model_merged', seed, p.halfWeights);
  let x = computeInput(g, 'inputs_embeds', p);
  const positions = g.op('Cast', ['position_ids'], { to: DataType.FLOAT });
  const perToken = shape.positionAxes === 3 ? g.op('Transpose', [positions], { perm: [1, 2, 0] }) : g.op('Unsqueeze', [positions, g.int64('last_axis', [-1])]);
  x = g.op('Add', [x, g.op('Sin', [g.op('MatMul', [perToken, g.weight('position_mix', [shape.positionAxes, hidden], 0.3)])])]);

  // Masks: padding from attention_mask, and no attending to later positions.
  const big = g.scalar('big', 1e9);
  const padding = g.op('Unsqueeze', [g.op('Mul', [g.op('Sub', [g.op('Cast', ['attention_mask'], { to: DataType.FLOAT }), g.scalar('one', 1)]), big]), g.int64('mask_axes', [1, 2])]);
  const total = g.op('Gather', [g.op('Shape', ['attention_mask']), g.scalarInt('axis1', 1)], { axis: 0 });
  const length = g.op('Gather', [g.op('Shape', [x]), g.scalarInt('axis1b', 1)], { axis: 0 });
  const rows = g.op('Range', [g.op('Sub', [total, length]), total, g.scalarInt('step', 1)]);
  const cols = g.op('Range', [g.scalarInt('start', 0), total, g.scalarInt('step2', 1)]);
  const future = g.op('Greater', [g.op('Unsqueeze', [cols, g.int64('axis0', [0])]), g.op('Unsqueeze', [rows, g.int64('axis1c', [1])])]);
  const causal = g.op('Where', [future, g.scalar('minus_big', -1e9), g.scalar('zero', 0)]);

  const split = (value: string, n: number) => g.op('Transpose', [g.op('Reshape', [value, g.int64('heads', [0, 0, n, headDim])])], { perm: [0, 2, 1, 3] });
  const scale = g.scalar('attn_scale', 1 / Math.sqrt(headDim));
  for (let l = 0; l < layers; l++) {
    const q = split(g.op('MatMul', [x, g.weight(`q${l}`, [hidden, heads * headDim], 0.5)]), heads);
    const k = appendToCache(g, `past_key_values.${l}.key`, split(g.op('MatMul', [x, g.weight(`k${l}`, [hidden, headDim], 0.5)]), 1), `present.${l}.key`, p);
    const v = appendToCache(g, `past_key_values.${l}.value`, split(g.op('MatMul', [x, g.weight(`v${l}`, [hidden, headDim], 0.5)]), 1), `present.${l}.value`, p);
    const scores = g.op('Add', [g.op('Add', [g.op('Mul', [g.op('MatMul', [q, g.op('Transpose', [k], { perm: [0, 1, 3, 2] })]), scale]), causal]), padding]);
    const context = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), v]);
    const merged = g.op('Reshape', [g.op('Transpose', [context], { perm: [0, 2, 1, 3] }), g.int64(`flat_${l}`, [0, 0, heads * headDim])]);
    x = g.op('Add', [x, g.op('MatMul', [merged, g.weight(`o${l}`, [heads * headDim, hidden], 0.5)])]);
  }
  const last = g.op('Slice', [x, g.int64('last_start', [-1]), g.int64('last_end', [INT_MAX]), g.int64('seq_axis', [1])]);
  const bias = new Float32Array(vocab);
  for (const [id, value] of logitBias) bias[id] = value;
  const logits = g.op('Add', [g.op('MatMul', [last, g.weight('lm_head', [hidden, vocab], 1)]), g.tensor('lm_bias', [vocab], bias)]);
  interfaceOutput(g, logits, 'logits', p);
  return g.build(decoderInterface(shape, p), decoderOutputs(shape, p));
}

/** The reply of each stage (the number of images in the conversation) as token ids. */
export interface ScriptTable {
  stages: number[][];
  /** Token that ends every reply (the chat template's end of turn). */
  endOfTurn: number;
}

/**
 * A decoder that is a program, not a transformer: it counts, over the whole context (the KV cache
 * carries each token's two flags), how many turns began (`turnStart` tokens) and how many images
 * were shown (`visionStart` tokens). Its next token is the script of the stage "images shown so
 * far", at the position "tokens since the current turn began" less the 3 tokens of
 * `<|im_start|>assistant\n`. Embeddings put the two flags in columns 0 and 1.
 */
export function scriptedDecoder(shape: DecoderShape, script: ScriptTable, seed: number) {
  if (shape.layers !== 1 || shape.headDim !== shape.hidden) throw new Error('the scripted decoder keeps one layer whose cache is the embedding itself');
  const maxLength = Math.max(...script.stages.map((s) => s.length)) + 1;
  const table = script.stages.flatMap((ids) => [...ids, ...Array(maxLength - ids.length).fill(script.endOfTurn)]);
  const g = new GraphBuilder('decoder_model_merged', seed);
  const x = 'inputs_embeds';
  const k = g.op('Concat', ['past_key_values.0.key', g.op('Unsqueeze', [x, g.int64('head_axis', [1])])], { axis: 2 }, 'present.0.key');
  g.op('Concat', ['past_key_values.0.value', g.op('Unsqueeze', [x, g.int64('head_axis2', [1])])], { axis: 2 }, 'present.0.value');
  // Counts up to each position: column 0 turns begun, column 1 images shown.
  const counts = g.op('CumSum', [g.op('Squeeze', [k, g.int64('squeeze_axis', [1])]), g.scalarInt('seq_axis', 1)]);
  const last = g.op('Gather', [counts, g.op('Sub', [g.op('Gather', [g.op('Shape', [counts]), g.scalarInt('axis1', 1)], { axis: 0 }), g.scalarInt('one', 1)])], { axis: 1 });
  const column = (values: string, c: number, name: string) => g.op('Gather', [values, g.scalarInt(name, c)], { axis: -1 });
  const turns = column(counts, 0, 'col0');
  const lastTurn = column(last, 0, 'col0b');
  const images = column(last, 1, 'col1');
  const inTurn = g.op('ReduceSum', [g.op('Cast', [g.op('Equal', [turns, g.op('Unsqueeze', [lastTurn, g.int64('batch_axis', [1])])])], { to: DataType.FLOAT }), g.int64('seq_axes', [1])], { keepdims: 0 });
  const clamp = (value: string, max: number, name: string) =>
    g.op('Clip', [g.op('Cast', [value], { to: DataType.INT64 }), g.scalarInt(`${name}_min`, 0), g.scalarInt(`${name}_max`, max)]);
  const stage = clamp(images, script.stages.length - 1, 'stage');
  const step = clamp(g.op('Sub', [inTurn, g.scalar('prompt_tokens', 3)]), maxLength - 1, 'step');
  const index = g.op('Add', [g.op('Mul', [stage, g.scalarInt('row', maxLength)]), step]);
  const next = g.op('Gather', [g.int64Tensor('script', [table.length], table), index], { axis: 0 });
  const oneHot = g.op('OneHot', [next, g.int64('depth', [shape.vocab]), g.tensor('on_off', [2], Float32Array.of(0, 30))], { axis: -1 });
  // Position ids and the attention mask are part of the interface; they enter as zero terms.
  const unused = g.op('Add', [
    g.op('ReduceSum', [g.op('Cast', ['position_ids'], { to: DataType.FLOAT })], { keepdims: 0 }),
    g.op('ReduceSum', [g.op('Cast', ['attention_mask'], { to: DataType.FLOAT })], { keepdims: 0 }),
  ]);
  g.op('Unsqueeze', [g.op('Add', [oneHot, g.op('Mul', [unused, g.scalar('zero', 0)])]), g.int64('logits_axis', [1])], undefined, 'logits');
  return g.build(decoderInterface(shape, FP32), decoderOutputs(shape, FP32));
}

/** Embeddings of the scripted model: the two flag columns, and seeded noise in the others. */
export function scriptedEmbeddings(vocab: number, hidden: number, turnStart: number, visionStart: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const table = new Float32Array(vocab * hidden);
  for (let i = 0; i < vocab; i++) for (let c = 2; c < hidden; c++) table[i * hidden + c] = random() * 0.2 - 0.1;
  table[turnStart * hidden] = 1;
  table[visionStart * hidden + 1] = 1;
  return table;
}
