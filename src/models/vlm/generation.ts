/**
 * One reply of a loaded VLM: the prompt and its images as model inputs, the previous turn's cache
 * reused where the prompts agree, tokens streamed until the first stop string, the token budget,
 * the end of sequence or an interrupt, and the opener constraint applied on the way.
 */
import { AppError } from '../../errors.ts';
import type { OpenerTable } from './constrain.ts';
import { joinImages, modelInputs } from './inputs.ts';
import type { LoadedVlmModel } from './model-load.ts';
import type { PrefixCache } from './prefix-cache.ts';
import { imageKey, imageSpans, type PromptLayout } from './prefix.ts';
import { TextStream } from './text-stream.ts';
import { decoder, generate, imageTokenId, renderPrompt, rgbImage, type Interrupter } from './transformers-adapter.ts';
import type { StopReason, VlmGenerateRequest, VlmGenerateResult } from './types.ts';

/** The reply being generated, as an interrupt sees it. */
export class Turn {
  private interruptedAt: number | null = null;

  constructor(readonly stream: TextStream) {}

  /** Notes how many tokens there were when the interrupt arrived (the result reports those after it). */
  interrupted(): void {
    this.interruptedAt ??= this.stream.newTokens;
  }

  get tokensAfterInterrupt(): number | null {
    return this.interruptedAt === null ? null : this.stream.newTokens - this.interruptedAt;
  }
}

export interface GenerationContext {
  loaded: LoadedVlmModel;
  openers: OpenerTable;
  prefix: PrefixCache;
  interrupter: Interrupter;
  /** Called once the reply's stream exists, before the model runs. */
  onTurn(turn: Turn): void;
}

export async function generateReply(context: GenerationContext, request: VlmGenerateRequest, onText: (delta: string) => void): Promise<VlmGenerateResult> {
  const { loaded, prefix, interrupter } = context;
  const { model, family } = loaded;
  const started = performance.now();
  const reuse = request.reusePrefix !== false;
  const prompt = renderPrompt(model, request.messages);
  const keys = request.images.map(imageKey);
  prefix.keepImages(keys, reuse);
  const images = request.images.map((image, n) => ({ image: rgbImage(image), key: keys[n]! }));
  const { inputs, seenSizes, perImage } = await modelInputs(family, model.processor, prompt, images, prefix.processedImages);
  const inputIds = inputs.input_ids as { dims: number[]; data: BigInt64Array };
  const promptTokens = inputIds.dims[1]!;
  const imageToken = imageTokenId(model);
  const layout: PromptLayout = { ids: inputIds.data, imageKeys: keys, spans: perImage ? imageSpans(inputIds.data, imageToken, keys) : null };
  const prepareMs = performance.now() - started;

  const stream = new TextStream(promptTokens, decoder(model, true), request.stop ?? [], onText);
  const turn = new Turn(stream);
  context.onTurn(turn);
  interrupter.reset();
  const past = inputIds.dims[0] === 1 && reuse ? await prefix.take(layout, imageToken) : (await prefix.release(), null);
  const constraint = request.constrain;
  // Qwen-VL encodes every image without a reused cache, else only the images the cache lacks.
  const encoded = perImage ? (past ? past.newImages.map((i) => perImage[i]!) : perImage) : [];
  const { sequence, cache } = await generate(model, {
    inputs: !past && encoded.length > 0 ? { ...inputs, pixel_values: joinImages(encoded).pixel_values } : inputs,
    past: past?.cache ?? null,
    suffixVision: past && encoded.length > 0 ? joinImages(encoded) : null,
    maxNewTokens: request.maxNewTokens,
    temperature: request.temperature ?? 0,
    interrupter,
    stopWhen: (ids) => {
      stream.update(ids);
      return stream.stopped;
    },
    maskLogits: constraint
      ? (ids, logits) => {
          stream.update(ids);
          context.openers.mask(stream.text, constraint, logits);
        }
      : null,
  });
  prefix.store(layout, sequence, cache);
  const afterInterrupt = turn.tokensAfterInterrupt;
  return {
    text: stream.text,
    stop: stopReason(interrupter.interrupted, stream, request.maxNewTokens),
    promptTokens,
    reusedTokens: past?.length ?? 0,
    encodedImages: past ? past.newImages.length : request.images.length,
    newTokens: stream.newTokens,
    seenSizes,
    ...(afterInterrupt !== null ? { tokensAfterInterrupt: afterInterrupt } : {}),
    prepareMs,
    firstTokenMs: (stream.firstTokenAt ?? performance.now()) - started,
    totalMs: performance.now() - started,
  };
}

function stopReason(interrupted: boolean, stream: TextStream, maxNewTokens: number): StopReason {
  if (interrupted) return 'interrupted';
  if (stream.stopped) return 'stop-string';
  return stream.newTokens >= maxNewTokens ? 'max-tokens' : 'eos';
}

export const notLoaded = () => new AppError('model-failed', 'No vision-language model is loaded. Load one in the model manager.');
