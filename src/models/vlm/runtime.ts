/**
 * A VLM on transformers.js: load with one overall progress, generate with token streaming that
 * stops right after the first stop string, interrupt within one token. Runs inside
 * workers/vlm.worker.ts; the client restarts that worker on WASM if the WebGPU device is lost.
 * It knows the model's family (from config.json's model_type) but nothing of the agent above it.
 */
import {
  AutoModelForImageTextToText,
  AutoProcessor,
  InterruptableStoppingCriteria,
  LogitsProcessor,
  RawImage,
  StoppingCriteria,
  env,
  type PreTrainedModel,
  type Processor,
  type Tensor,
} from '@huggingface/transformers';
import { AppError, describeError } from '../../errors.ts';
import { configureModelEnv, fetchModelText } from '../env.ts';
import { vlmFamilyFor } from '../families/index.ts';
import type { VlmFamily } from '../families/types.ts';
import { modelLoadError } from '../load-errors.ts';
import { progressCallback, type DownloadSnapshot } from '../progress.ts';
import { maskToOpeners, openerCandidates, pendingOpener } from './constrain.ts';
import { joinImages, modelInputs, type ProcessedImage } from './inputs.ts';
import { cropKvCache, type KvCache } from './kv-cache.ts';
import { imageKey, imageSpans, reusablePrefix, type PromptLayout } from './prefix.ts';
import { TextStream } from './text-stream.ts';
import type { OpenerConstraint, VlmGenerateRequest, VlmGenerateResult, VlmInfo, VlmLoadRequest } from './types.ts';

class StopAfterString extends StoppingCriteria {
  constructor(private readonly stream: TextStream) {
    super();
  }
  override _call(inputIds: number[][]): boolean[] {
    return inputIds.map((ids) => {
      this.stream.update(ids);
      return this.stream.stopped;
    });
  }
}

class OpenersOnly extends LogitsProcessor {
  constructor(
    private readonly stream: TextStream,
    private readonly constraint: OpenerConstraint,
    private readonly vocabulary: () => { texts: string[]; candidates: Int32Array },
  ) {
    super();
  }
  override _call(inputIds: bigint[][], logits: Tensor): void {
    this.stream.update(inputIds[0]!);
    const pending = pendingOpener(this.stream.text, this.constraint);
    if (pending !== null) {
      const { texts, candidates } = this.vocabulary();
      maskToOpeners(logits.data as Float32Array, pending, texts, candidates, this.constraint.openers);
    }
    // LogitsProcessorList threads each processor's return value into the next; the .d.ts says void.
    return logits as unknown as undefined;
  }
}

/** ORT's WebGPU device, watched for loss. */
async function watchDeviceLoss(): Promise<true> {
  const webgpu = (env.backends.onnx as { webgpu?: { device?: GPUDevice | Promise<GPUDevice> } }).webgpu;
  const device = await Promise.resolve(webgpu?.device);
  if (!device) return new Promise<true>(() => {});
  await device.lost;
  return true;
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
 * - with a KV cache passed in, transformers.js computes the multimodal positions of the suffix from
 *   every image's grid, then sets `pixel_values` to null. The first pass on the suffix gets the
 *   pixels and grids of the suffix's own images instead (`suffixVision`), so only new images are
 *   encoded; later passes (one token each) get none.
 */
function adaptForward(model: PreTrainedModel, suffixVision: () => ProcessedImage | null): PreTrainedModel {
  const forward = model.forward.bind(model);
  model.forward = async (inputs: Record<string, unknown>) => {
    await nextTask();
    if (inputs.pixel_values !== null) return forward(inputs as never);
    delete inputs.pixel_values;
    const vision = suffixVision();
    return forward((vision && (inputs.input_ids as Tensor).dims[1]! > 1 ? { ...inputs, ...vision } : inputs) as never);
  };
  return model;
}

/** The previous turn's cache and the prompt (plus reply) it covers. */
interface CachedTurn {
  layout: PromptLayout;
  cache: KvCache;
}

/** The opener constraint's token table: every token decoded alone, and those that can ever pass it. */
interface Vocabulary {
  texts: string[];
  candidates: Map<string, Int32Array>;
}

export class VlmRuntime {
  private model: PreTrainedModel | null = null;
  private processor: Processor | null = null;
  private family: VlmFamily | null = null;
  private info: VlmInfo | null = null;
  private vocabulary: Vocabulary | null = null;
  private readonly interrupter = new InterruptableStoppingCriteria();
  private stream: TextStream | null = null;
  private cached: CachedTurn | null = null;
  /** This episode's images through the processor, by fingerprint (see prefix.ts imageKey). */
  private readonly processedImages = new Map<string, ProcessedImage>();
  /** The new images of the turn being generated, for its first forward pass. */
  private suffixVision: ProcessedImage | null = null;
  private interruptedAt: number | null = null;
  /** Milliseconds the last vocabulary table took to build (benchmarks). */
  vocabularyMs: number | null = null;
  /** Resolves when the WebGPU device the model runs on is lost (a driver crash, a reset). */
  private gpuLost: Promise<true> | null = null;

  async load(request: VlmLoadRequest, onProgress?: (p: DownloadSnapshot) => void): Promise<VlmInfo> {
    await this.dispose();
    configureModelEnv(request.source);
    const { progress, progress_callback } = progressCallback(onProgress, request.files.expected);
    const started = performance.now();
    const { variant } = request.files;
    const hub = { progress_callback, ...(request.revision ? { revision: request.revision } : {}) };
    // Files read here rather than by transformers.js still count in the one progress.
    const readText = async (path: string) => {
      const text = await fetchModelText(request.source, request.modelId, path, request.revision);
      if (text !== null) progress_callback({ status: 'done', file: path, loaded: text.length, total: new TextEncoder().encode(text).length });
      return text;
    };
    try {
      const config = await this.readConfig(request, readText);
      const modelType = String(config.model_type);
      const family = vlmFamilyFor(modelType);
      if (!family) throw new AppError('model-failed', `“${request.modelId}” is a “${modelType}” model; this app runs Qwen3-VL, Qwen2.5-VL, Qwen2-VL and SmolVLM.`);
      const [processor, model] = await Promise.all([
        AutoProcessor.from_pretrained(request.modelId, hub),
        AutoModelForImageTextToText.from_pretrained(request.modelId, {
          ...hub,
          config: (family.normalizeConfig?.(config) ?? config) as never,
          device: request.device,
          dtype: variant.dtype,
          ...(Object.keys(variant.externalData).length > 0 ? { use_external_data_format: variant.externalData } : {}),
        }),
      ]);
      await this.ensureChatTemplate(processor, family, request, readText);
      this.processor = processor;
      this.family = family;
      this.model = adaptForward(model, () => {
        const vision = this.suffixVision;
        this.suffixVision = null;
        return vision;
      });
      this.gpuLost = request.device === 'webgpu' ? watchDeviceLoss() : null;
      const snapshot = progress.snapshot(true);
      this.info = {
        modelId: request.modelId,
        modelType,
        device: request.device,
        files: request.files,
        modelBytes: snapshot.totalBytes,
        loadMs: performance.now() - started,
      };
      return this.info;
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw modelLoadError(request.modelId, error);
    }
  }

  /** config.json, read first: the family (by model_type) decides how the rest is loaded. */
  private async readConfig(request: VlmLoadRequest, readText: (path: string) => Promise<string | null>): Promise<Record<string, unknown>> {
    const text = await readText('config.json');
    if (text === null) throw new AppError('model-missing', `The files of model "${request.modelId}" could not be found (no config.json). Download it in the model manager (it needs the network once), or load it from a local folder.`);
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch (cause) {
      throw new AppError('model-corrupt', `The config.json of model "${request.modelId}" is damaged. Delete the model in the model manager and download it again.`, { cause });
    }
  }

  /** Newer exports keep the chat template in its own file, which transformers.js does not read for Qwen-VL. */
  private async ensureChatTemplate(processor: Processor, family: VlmFamily, request: VlmLoadRequest, readText: (path: string) => Promise<string | null>): Promise<void> {
    if (processor.chat_template || processor.tokenizer?.chat_template || !family.chatTemplateFile) return;
    const template = await readText(family.chatTemplateFile);
    if (!template) {
      throw new AppError('model-missing', `“${request.modelId}” has no chat template (neither in tokenizer_config.json nor in ${family.chatTemplateFile}).`);
    }
    processor.chat_template = template;
  }

  current(): VlmInfo | null {
    return this.info;
  }

  async generate(request: VlmGenerateRequest, onText: (delta: string) => void): Promise<VlmGenerateResult> {
    try {
      return await this.generateOnce(request, onText);
    } catch (error) {
      // After a lost device every run fails; say so in a way the client can act on (restart on WASM).
      const lost = this.gpuLost && (await Promise.race([this.gpuLost, new Promise<false>((r) => setTimeout(() => r(false), 200))]));
      if (lost) throw new AppError('gpu-lost', `The GPU stopped responding (${describeError(error).slice(0, 160)}).`, { cause: error });
      throw error;
    }
  }

  private async generateOnce(request: VlmGenerateRequest, onText: (delta: string) => void): Promise<VlmGenerateResult> {
    const { model, processor, family } = this;
    if (!model || !processor || !family) throw new AppError('model-failed', 'No vision-language model is loaded. Load one in the model manager.');
    const started = performance.now();
    const prompt = processor.apply_chat_template(request.messages as never, { add_generation_prompt: true }) as string;
    const keys = request.images.map(imageKey);
    for (const key of this.processedImages.keys()) if (!keys.includes(key) || request.reusePrefix === false) this.processedImages.delete(key);
    const images = request.images.map((i, n) => ({ image: new RawImage(i.data, i.width, i.height, 4).rgb(), key: keys[n]! }));
    const { inputs, seenSizes, perImage } = await modelInputs(family, processor, prompt, images, this.processedImages);
    const inputIds = inputs.input_ids as Tensor;
    const promptTokens = inputIds.dims[1]!;
    const ids = inputIds.data as BigInt64Array;
    const layout: PromptLayout = { ids, imageKeys: keys, spans: perImage ? imageSpans(ids, this.imageToken(), keys) : null };
    const prepareMs = performance.now() - started;
    const tokenizer = processor.tokenizer!;
    const stream = new TextStream(promptTokens, (ids) => tokenizer.decode(ids, { skip_special_tokens: true }), request.stop ?? [], onText);
    this.stream = stream;
    this.interruptedAt = null;
    this.interrupter.reset();
    const sample = (request.temperature ?? 0) > 0;
    const past = inputIds.dims[0] === 1 && request.reusePrefix !== false ? await this.takeReusableCache(layout) : await this.releaseCache();
    this.suffixVision = past && past.newImages.length > 0 && perImage ? joinImages(past.newImages.map((i) => perImage[i]!)) : null;
    const constraint = request.constrain;
    const output = (await model.generate({
      ...inputs,
      ...(past ? { past_key_values: past.cache } : {}),
      return_dict_in_generate: true,
      max_new_tokens: request.maxNewTokens,
      do_sample: sample,
      ...(sample ? { temperature: request.temperature } : {}),
      stopping_criteria: [this.interrupter, new StopAfterString(stream)],
      logits_processor: constraint ? [new OpenersOnly(stream, constraint, () => this.constraintTable(constraint))] : null,
    } as never).finally(() => (this.suffixVision = null))) as { sequences: Tensor; past_key_values: KvCache };
    const sequence = output.sequences.data as BigInt64Array;
    // The cache covers every token but the last sampled one, which was never fed to the model.
    this.cached = { layout: { ...layout, ids: sequence.slice(0, sequence.length - 1) }, cache: output.past_key_values };
    const stop = this.interrupter.interrupted
      ? 'interrupted'
      : stream.stopped
        ? 'stop-string'
        : stream.newTokens >= request.maxNewTokens
          ? 'max-tokens'
          : 'eos';
    return {
      text: stream.text,
      stop,
      promptTokens,
      reusedTokens: past?.length ?? 0,
      encodedImages: past ? past.newImages.length : request.images.length,
      newTokens: stream.newTokens,
      seenSizes,
      ...(this.interruptedAt !== null ? { tokensAfterInterrupt: stream.newTokens - this.interruptedAt } : {}),
      prepareMs,
      firstTokenMs: (stream.firstTokenAt ?? performance.now()) - started,
      totalMs: performance.now() - started,
    };
  }

  /** Stops the running generation after the current token. */
  interrupt(): void {
    this.interruptedAt ??= this.stream?.newTokens ?? 0;
    this.interrupter.interrupt();
  }

  private async releaseCache(): Promise<null> {
    await this.cached?.cache.dispose();
    this.cached = null;
    return null;
  }

  private imageToken(): bigint {
    return BigInt((this.model!.config as unknown as { image_token_id?: number }).image_token_id ?? -1);
  }

  /**
   * The previous turn's KV cache cut to the prefix this prompt shares with it (tokens and the
   * pixels behind them, see prefix.ts), with the images left to encode; null after releasing it
   * when nothing can be reused. Only Qwen-VL can take new images on a cache (see adaptForward).
   */
  private async takeReusableCache(layout: PromptLayout): Promise<{ cache: KvCache; length: number; newImages: number[] } | null> {
    const previous = this.cached;
    this.cached = null;
    if (!previous) return null;
    const reuse = reusablePrefix(previous.layout, layout, this.imageToken());
    const usable =
      reuse.length > 0 &&
      (reuse.newImages.length === 0 || layout.spans !== null) &&
      previous.cache.get_seq_length() === previous.layout.ids.length &&
      (reuse.length === previous.layout.ids.length || (await cropKvCache(previous.cache, reuse.length)));
    if (usable) return { cache: previous.cache, ...reuse };
    await previous.cache.dispose();
    return null;
  }

  async dispose(): Promise<void> {
    await this.releaseCache();
    this.processedImages.clear();
    const model = this.model;
    this.model = null;
    this.processor = null;
    this.family = null;
    this.info = null;
    this.vocabulary = null;
    await model?.dispose();
  }

  /**
   * Every token decoded on its own (once per model), and per set of openers the few tokens that
   * can ever continue one, so a constrained step looks at those only.
   */
  private constraintTable(constraint: OpenerConstraint): { texts: string[]; candidates: Int32Array } {
    if (!this.vocabulary) {
      const started = performance.now();
      const tokenizer = this.processor!.tokenizer!;
      const config = this.model!.config as unknown as { vocab_size?: number; text_config?: { vocab_size: number } };
      const size = config.vocab_size ?? config.text_config?.vocab_size ?? 0;
      this.vocabulary = { texts: Array.from({ length: size }, (_, i) => tokenizer.decode([i], { skip_special_tokens: false })), candidates: new Map() };
      this.vocabularyMs = performance.now() - started;
    }
    const key = constraint.openers.join('\u0000');
    let candidates = this.vocabulary.candidates.get(key);
    if (!candidates) {
      candidates = openerCandidates(this.vocabulary.texts, constraint.openers);
      this.vocabulary.candidates.set(key, candidates);
    }
    return { texts: this.vocabulary.texts, candidates };
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
