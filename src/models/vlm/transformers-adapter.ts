/**
 * The one adapter over transformers.js in the VLM worker. Where its declared types and its
 * run-time behaviour differ (token ids typed as numbers but bigints at run time, a logits
 * processor that must return its logits, config fields it does not declare, the KV cache's
 * tensor entries, Qwen-VL's image processor called on one image), it is bridged here and nowhere
 * else, so the rest of the runtime is typed code.
 */
import {
  AutoModelForImageTextToText,
  AutoProcessor,
  InterruptableStoppingCriteria,
  LogitsProcessor,
  RawImage,
  StoppingCriteria,
  Tensor,
  env,
  type PreTrainedModel,
  type Processor,
} from '@huggingface/transformers';
import type { RgbaImage } from '../../shapes.ts';
import type { Device } from '../device.ts';
import type { DType } from '../files.ts';
import { qwenPatches } from './qwen-patches.ts';
import type { VlmMessage } from './types.ts';

/** A loaded VLM: the model and its processor (tokenizer, image processor, chat template). */
export interface VlmModel {
  model: PreTrainedModel;
  processor: Processor;
}

export interface ModelFilesOptions {
  revision?: string;
  progress_callback: (event: unknown) => void;
  /** config.json as transformers.js reads it (the family may have normalised it). */
  config: Record<string, unknown>;
  device: Device;
  dtype: Record<string, DType>;
  /** ONNX file name -> number of `.onnx_data` chunks. */
  externalData: Record<string, number>;
}

export async function loadModel(modelId: string, options: ModelFilesOptions): Promise<VlmModel> {
  const hub = { progress_callback: options.progress_callback, ...(options.revision ? { revision: options.revision } : {}) };
  const [processor, model] = await Promise.all([
    AutoProcessor.from_pretrained(modelId, hub),
    AutoModelForImageTextToText.from_pretrained(modelId, {
      ...hub,
      // A plain config.json object; the .d.ts asks for a PretrainedConfig instance.
      config: options.config as never,
      device: options.device,
      dtype: options.dtype,
      ...(Object.keys(options.externalData).length > 0 ? { use_external_data_format: options.externalData } : {}),
    }),
  ]);
  return { model, processor };
}

export const hasChatTemplate = ({ processor }: VlmModel): boolean => Boolean(processor.chat_template || processor.tokenizer?.chat_template);

export function setChatTemplate({ processor }: VlmModel, template: string): void {
  processor.chat_template = template;
}

/** The prompt text of a conversation, with the assistant's turn opened. */
export function renderPrompt({ processor }: VlmModel, messages: VlmMessage[]): string {
  // The .d.ts types messages as text-only ({ role, content: string }); chat templates take image parts too.
  return processor.apply_chat_template(messages as never, { add_generation_prompt: true }) as string;
}

/** Token ids to text (ids arrive as bigints at run time although the .d.ts says numbers). */
export function decoder({ processor }: VlmModel, skipSpecialTokens: boolean): (ids: readonly (number | bigint)[]) => string {
  const tokenizer = processor.tokenizer!;
  return (ids) => tokenizer.decode(ids.map(Number), { skip_special_tokens: skipSpecialTokens });
}

/** The config fields read here, which transformers.js' PretrainedConfig does not declare. */
interface VlmConfig {
  image_token_id?: number;
  vocab_size?: number;
  text_config?: { vocab_size?: number };
}

const configOf = ({ model }: VlmModel) => model.config as unknown as VlmConfig;

/** The token that stands for one visual token in the prompt (-1 when the model has none). */
export const imageTokenId = (loaded: VlmModel): bigint => BigInt(configOf(loaded).image_token_id ?? -1);

export function vocabularySize(loaded: VlmModel): number {
  const config = configOf(loaded);
  return config.vocab_size ?? config.text_config?.vocab_size ?? 0;
}

export const rgbImage = (image: RgbaImage): RawImage => new RawImage(image.data, image.width, image.height, 4).rgb();

/** One image through Qwen-VL's image processor: its patches and its grid (t, h, w). */
export interface ProcessedImage {
  pixel_values: Tensor;
  image_grid_thw: Tensor;
}

export interface QwenImageProcessor {
  (image: RawImage): Promise<ProcessedImage>;
  /** Resized, rescaled and normalized, channels first: everything but the patch layout. */
  preprocess(image: RawImage): Promise<{ pixel_values: Tensor }>;
  config: { merge_size: number; patch_size: number; temporal_patch_size: number };
}

/** Qwen-VL's image processor, typed as what it is (the .d.ts declares the generic base class). */
export const qwenImageProcessor = (processor: Processor): QwenImageProcessor => processor.image_processor as unknown as QwenImageProcessor;

/** What Qwen-VL's image processor returns for one image, with the patches laid out by direct copies (qwen-patches.ts) instead of its permute. */
export async function processQwenImage(imageProcessor: QwenImageProcessor, image: RawImage): Promise<ProcessedImage> {
  const { pixel_values } = await imageProcessor.preprocess(image);
  const [channels, height, width] = pixel_values.dims as [number, number, number];
  const { patch_size: patch, merge_size: merge, temporal_patch_size: temporal } = imageProcessor.config;
  const { data, rows, rowLength } = qwenPatches(pixel_values.data as Float32Array, channels, height, width, { patch, merge, temporal });
  return {
    pixel_values: new Tensor('float32', data, [rows, rowLength]),
    image_grid_thw: new Tensor('int64', BigInt64Array.of(1n, BigInt(height / patch), BigInt(width / patch)), [1, 3]),
  };
}

/** The KV cache generate() returns (a DynamicCache). */
export interface KvCache {
  get_seq_length(): number;
  dispose(): Promise<void>;
}

/** A DynamicCache's tensors by name (`past_key_values.<layer>.key|value`); assigning replaces one. */
export const cacheTensors = (cache: KvCache): Record<string, Tensor> => cache as unknown as Record<string, Tensor>;

export { InterruptableStoppingCriteria as Interrupter };

class StopWhen extends StoppingCriteria {
  constructor(private readonly test: (ids: readonly (number | bigint)[]) => boolean) {
    super();
  }
  override _call(inputIds: number[][]): boolean[] {
    return inputIds.map((ids) => this.test(ids));
  }
}

class MaskLogits extends LogitsProcessor {
  constructor(private readonly mask: (ids: readonly (number | bigint)[], logits: Float32Array) => void) {
    super();
  }
  override _call(inputIds: bigint[][], logits: Tensor): void {
    this.mask(inputIds[0]!, logits.data as Float32Array);
    // LogitsProcessorList threads each processor's return value into the next; the .d.ts says void.
    return logits as unknown as undefined;
  }
}

/** Resolves on the next macrotask, so messages (an interrupt) are handled between decoding steps. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => (channel.port1.close(), resolve());
    channel.port2.postMessage(null);
  });
}

export interface GenerateOptions {
  inputs: Record<string, unknown>;
  /** A cache covering the start of the prompt; the model runs on the rest only. */
  past: KvCache | null;
  /** The images of the uncached suffix, for its first forward pass (see below). */
  suffixVision: ProcessedImage | null;
  maxNewTokens: number;
  /** 0: greedy. */
  temperature: number;
  interrupter: InterruptableStoppingCriteria;
  /** Called with the sequence after each step: true ends generation. */
  stopWhen: (ids: readonly (number | bigint)[]) => boolean;
  /** Called before each sampling step with the sequence and the next token's logits, to mask them in place. */
  maskLogits: ((ids: readonly (number | bigint)[], logits: Float32Array) => void) | null;
}

/**
 * Runs generate() and returns the whole sequence and the KV cache. For this call only, each
 * forward pass is wrapped (transformers.js has no other per-step async hook):
 * - a WASM forward pass resolves through microtasks only, which would starve the worker's message
 *   queue for a whole generation; yielding one macrotask per step lets an interrupt land in time;
 * - with a KV cache passed in, transformers.js computes the multimodal positions of the suffix from
 *   every image's grid, then sets `pixel_values` to null. The first pass on the suffix gets the
 *   pixels and grids of the suffix's own images instead, so only new images are encoded; later
 *   passes (one token each) get none.
 */
export async function generate({ model }: VlmModel, options: GenerateOptions): Promise<{ sequence: BigInt64Array; cache: KvCache }> {
  const forward = model.forward;
  let suffixVision = options.suffixVision;
  model.forward = async (inputs: Record<string, unknown>) => {
    await nextTask();
    if (inputs.pixel_values !== null) return forward.call(model, inputs as never);
    delete inputs.pixel_values;
    const vision = suffixVision;
    suffixVision = null;
    return forward.call(model, (vision && (inputs.input_ids as Tensor).dims[1]! > 1 ? { ...inputs, ...vision } : inputs) as never);
  };
  const sample = options.temperature > 0;
  try {
    const output = (await model.generate({
      ...options.inputs,
      ...(options.past ? { past_key_values: options.past } : {}),
      return_dict_in_generate: true,
      max_new_tokens: options.maxNewTokens,
      do_sample: sample,
      ...(sample ? { temperature: options.temperature } : {}),
      stopping_criteria: [options.interrupter, new StopWhen(options.stopWhen)],
      logits_processor: options.maskLogits ? [new MaskLogits(options.maskLogits)] : null,
      // The .d.ts has no field for model inputs spread beside the generation options.
    } as never)) as { sequences: Tensor; past_key_values: KvCache };
    return { sequence: output.sequences.data as BigInt64Array, cache: output.past_key_values };
  } finally {
    model.forward = forward;
  }
}

/** ORT's WebGPU device, when the model runs on one. */
export async function webgpuDevice(): Promise<GPUDevice | null> {
  const webgpu = (env.backends.onnx as { webgpu?: { device?: GPUDevice | Promise<GPUDevice> } }).webgpu;
  return (await Promise.resolve(webgpu?.device)) ?? null;
}
