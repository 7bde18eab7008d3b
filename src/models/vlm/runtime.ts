/**
 * A VLM on transformers.js: load with one overall progress, generate with token streaming that
 * stops right after the first complete action, interrupt within one token. Runs inside
 * workers/vlm.worker.ts; the client restarts that worker on WASM if the WebGPU device is lost.
 */
import {
  AutoModelForImageTextToText,
  AutoProcessor,
  InterruptableStoppingCriteria,
  LogitsProcessor,
  RawImage,
  StoppingCriteria,
  cat,
  env,
  type PreTrainedModel,
  type Processor,
  type Tensor,
} from '@huggingface/transformers';
import { endOfFirstAction } from '../../agent/protocol.ts';
import { AppError } from '../../errors.ts';
import { configureModelEnv } from '../env.ts';
import { modelLoadError } from '../load-errors.ts';
import { progressCallback, type DownloadSnapshot } from '../progress.ts';
import { maskToOpeners, pendingOpener } from './constrain.ts';
import type { VlmGenerateRequest, VlmGenerateResult, VlmInfo, VlmLoadRequest } from './types.ts';

type Decode = (ids: number[]) => string;

/** transformers.js' DynamicCache, as generate() returns it. */
interface KvCache {
  dispose(): Promise<void>;
}

/** transformers.js passes bigint ids at run time although its types say number. */
const toNumbers = (ids: readonly (number | bigint)[]) => ids.map(Number);

/** Decodes the new tokens after every step and streams the text that was added. */
class IncrementalText {
  text = '';
  newTokens = 0;
  firstTokenAt: number | null = null;
  constructor(
    private readonly promptLength: number,
    private readonly decode: Decode,
    private readonly onText: (delta: string) => void,
  ) {}

  update(ids: readonly (number | bigint)[]): void {
    this.newTokens = ids.length - this.promptLength;
    if (this.newTokens <= 0) return;
    this.firstTokenAt ??= performance.now();
    const text = this.decode(toNumbers(ids.slice(this.promptLength)));
    // A multi-byte character split across tokens decodes to U+FFFD until it is complete.
    let stable = text.endsWith('\uFFFD') ? text.replace(/\uFFFD+$/, '') : text;
    const end = endOfFirstAction(stable);
    if (end >= 0) stable = stable.slice(0, end);
    if (stable.length > this.text.length && stable.startsWith(this.text)) {
      this.onText(stable.slice(this.text.length));
      this.text = stable;
    } else if (!stable.startsWith(this.text)) {
      this.text = stable;
    }
  }
}

class StopAfterAction extends StoppingCriteria {
  constructor(private readonly stream: IncrementalText) {
    super();
  }
  override _call(inputIds: number[][]): boolean[] {
    return inputIds.map((ids) => {
      this.stream.update(ids);
      return endOfFirstAction(this.stream.text) >= 0;
    });
  }
}

class OpenersOnly extends LogitsProcessor {
  constructor(
    private readonly stream: IncrementalText,
    private readonly tokenTexts: () => string[],
  ) {
    super();
  }
  override _call(inputIds: bigint[][], logits: Tensor): void {
    this.stream.update(inputIds[0]!);
    const pending = pendingOpener(this.stream.text);
    if (pending !== null) maskToOpeners(logits.data as Float32Array, pending, this.tokenTexts());
    // LogitsProcessorList threads each processor's return value into the next; the .d.ts says void.
    return logits as unknown as undefined;
  }
}

const IMAGE_PAD = '<|image_pad|>';

function isQwenVl(processor: Processor): boolean {
  return processor.constructor.name.startsWith('Qwen') && !!processor.image_processor;
}

/**
 * Qwen-VL inputs for any number of images of any sizes. transformers.js' Qwen2VLProcessor treats a
 * list of images as frames of one video, so each image is processed on its own and the patches,
 * grids and image-pad tokens are joined here, as the Python processor does.
 */
async function qwenInputs(processor: Processor, prompt: string, images: RawImage[]): Promise<Record<string, unknown>> {
  const imageProcessor = processor.image_processor as unknown as ((image: RawImage) => Promise<{ pixel_values: Tensor; image_grid_thw: Tensor }>) & {
    config: { merge_size: number };
  };
  const parts = prompt.split(IMAGE_PAD);
  if (parts.length - 1 !== images.length) {
    throw new AppError('model-failed', `The prompt has ${parts.length - 1} image slots but ${images.length} images were given.`);
  }
  if (images.length === 0) return { ...processor.tokenizer!(prompt) };
  const processed: { pixel_values: Tensor; image_grid_thw: Tensor }[] = [];
  for (const image of images) processed.push(await imageProcessor(image));
  const mergeArea = imageProcessor.config.merge_size ** 2;
  const text = parts.reduce((acc, part, i) => {
    const [t, h, w] = (processed[i - 1]!.image_grid_thw.tolist() as bigint[][])[0]!.map(Number);
    return acc + IMAGE_PAD.repeat((t! * h! * w!) / mergeArea) + part;
  });
  return {
    ...processor.tokenizer!(text),
    pixel_values: cat(processed.map((p) => p.pixel_values), 0),
    image_grid_thw: cat(processed.map((p) => p.image_grid_thw), 0),
  };
}

/** Resolves on the next macrotask, so messages (an interrupt) are handled between decoding steps. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => (channel.port1.close(), resolve());
    channel.port2.postMessage(null);
  });
}

/**
 * Two adjustments around each forward pass:
 * - a WASM forward pass resolves through microtasks only, which would starve the worker's message
 *   queue for a whole generation; yielding one macrotask per step lets an interrupt land in time;
 * - with a KV cache passed in, transformers.js sets `pixel_values` to null and then, for a prompt
 *   suffix longer than one token, tries to encode those null images; the null is dropped, since a
 *   reused cache never comes with new images (see takeReusableCache).
 */
function adaptForward(model: PreTrainedModel): PreTrainedModel {
  const forward = model.forward.bind(model);
  model.forward = async (inputs: Record<string, unknown>) => {
    await nextTask();
    if (inputs.pixel_values === null) delete inputs.pixel_values;
    return forward(inputs as never);
  };
  return model;
}

export class VlmRuntime {
  private model: PreTrainedModel | null = null;
  private processor: Processor | null = null;
  private info: VlmInfo | null = null;
  private tokenTexts: string[] | null = null;
  private readonly interrupter = new InterruptableStoppingCriteria();
  private stream: IncrementalText | null = null;
  private kvCache: { ids: BigInt64Array; cache: KvCache } | null = null;
  private interruptedAt: number | null = null;

  async load(request: VlmLoadRequest, onProgress?: (p: DownloadSnapshot) => void): Promise<VlmInfo> {
    await this.dispose();
    configureModelEnv(request.source);
    const { progress, progress_callback } = progressCallback(onProgress);
    const started = performance.now();
    try {
      const [processor, model] = await Promise.all([
        AutoProcessor.from_pretrained(request.modelId, { progress_callback }),
        AutoModelForImageTextToText.from_pretrained(request.modelId, {
          device: request.device,
          dtype: request.dtype,
          progress_callback,
        }),
      ]);
      this.processor = processor;
      this.model = adaptForward(model);
    } catch (error) {
      throw modelLoadError(request.modelId, error);
    }
    const snapshot = progress.snapshot(true);
    this.info = {
      modelId: request.modelId,
      device: request.device,
      dtype: request.dtype,
      modelBytes: snapshot.totalBytes,
      loadMs: performance.now() - started,
    };
    return this.info;
  }

  current(): VlmInfo | null {
    return this.info;
  }

  async generate(request: VlmGenerateRequest, onText: (delta: string) => void): Promise<VlmGenerateResult> {
    const { model, processor } = this;
    if (!model || !processor) throw new AppError('model-failed', 'No vision-language model is loaded. Load one in the model manager.');
    const started = performance.now();
    const prompt = processor.apply_chat_template(request.messages as never, { add_generation_prompt: true }) as string;
    const images = request.images.map((i) => new RawImage(i.data, i.width, i.height, 4).rgb());
    const inputs = isQwenVl(processor) ? await qwenInputs(processor, prompt, images) : await processor(prompt, images.length > 0 ? images : null);
    const promptTokens = (inputs.input_ids as Tensor).dims[1]!;
    const tokenizer = processor.tokenizer!;
    const decode: Decode = (ids) => tokenizer.decode(ids, { skip_special_tokens: true });
    const stream = new IncrementalText(promptTokens, decode, onText);
    this.stream = stream;
    this.interruptedAt = null;
    this.interrupter.reset();
    const sample = (request.temperature ?? 0) > 0;
    const past = await this.takeReusableCache(inputs.input_ids as Tensor);
    const output = (await model.generate({
      ...inputs,
      ...(past ? { past_key_values: past.cache } : {}),
      return_dict_in_generate: true,
      max_new_tokens: request.maxNewTokens,
      do_sample: sample,
      ...(sample ? { temperature: request.temperature } : {}),
      stopping_criteria: [this.interrupter, new StopAfterAction(stream)],
      logits_processor: request.constrainActions ? [new OpenersOnly(stream, () => this.decodedVocabulary())] : null,
    } as never)) as { sequences: Tensor; past_key_values: KvCache };
    const sequence = output.sequences.data as BigInt64Array;
    // The cache covers every token but the last sampled one, which was never fed to the model.
    this.kvCache = { ids: sequence.slice(0, sequence.length - 1), cache: output.past_key_values };
    const end = endOfFirstAction(stream.text);
    const stop = this.interrupter.interrupted
      ? 'interrupted'
      : end >= 0
        ? 'action'
        : stream.newTokens >= request.maxNewTokens
          ? 'max-tokens'
          : 'eos';
    return {
      text: end >= 0 ? stream.text.slice(0, end) : stream.text,
      stop,
      promptTokens,
      reusedTokens: past?.ids.length ?? 0,
      newTokens: stream.newTokens,
      ...(this.interruptedAt !== null ? { tokensAfterInterrupt: stream.newTokens - this.interruptedAt } : {}),
      firstTokenMs: (stream.firstTokenAt ?? performance.now()) - started,
      totalMs: performance.now() - started,
    };
  }

  /** Stops the running generation after the current token. */
  interrupt(): void {
    this.interruptedAt ??= this.stream?.newTokens ?? 0;
    this.interrupter.interrupt();
  }

  /**
   * The previous turn's KV cache, when the new prompt extends exactly what it covers and brings no
   * new image: transformers.js drops pixel inputs whenever a cache is passed, so a turn that shows
   * a new page or crop must run in full. Otherwise the cache is released.
   */
  private async takeReusableCache(inputIds: Tensor): Promise<{ ids: BigInt64Array; cache: KvCache } | null> {
    const previous = this.kvCache;
    this.kvCache = null;
    if (!previous) return null;
    const ids = inputIds.data as BigInt64Array;
    const covered = previous.ids;
    let reusable = inputIds.dims[0] === 1 && ids.length > covered.length;
    for (let i = 0; reusable && i < covered.length; i++) reusable = ids[i] === covered[i];
    const imageToken = BigInt((this.model!.config as unknown as { image_token_id?: number }).image_token_id ?? -1);
    for (let i = covered.length; reusable && i < ids.length; i++) reusable = ids[i] !== imageToken;
    if (reusable) return previous;
    await previous.cache.dispose();
    return null;
  }

  async dispose(): Promise<void> {
    await this.kvCache?.cache.dispose();
    this.kvCache = null;
    const model = this.model;
    this.model = null;
    this.processor = null;
    this.info = null;
    this.tokenTexts = null;
    await model?.dispose();
  }

  /** Every token decoded on its own, for the action-opener constraint (computed once per model). */
  private decodedVocabulary(): string[] {
    if (!this.tokenTexts) {
      const tokenizer = this.processor!.tokenizer!;
      const size = (this.model!.config as unknown as { vocab_size?: number; text_config?: { vocab_size: number } });
      const vocab = size.vocab_size ?? size.text_config?.vocab_size ?? 0;
      this.tokenTexts = Array.from({ length: vocab }, (_, i) => tokenizer.decode([i], { skip_special_tokens: false }));
    }
    return this.tokenTexts;
  }

  /** Destroys the GPU device ORT runs on, as a driver crash would (resilience tests, diagnostics). */
  async simulateDeviceLoss(): Promise<void> {
    const webgpu = (env.backends.onnx as { webgpu?: { device?: GPUDevice | Promise<GPUDevice> } }).webgpu;
    const device = await Promise.resolve(webgpu?.device);
    if (!device) throw new AppError('model-failed', 'No WebGPU device is in use.');
    device.destroy();
    await device.lost;
  }
}
