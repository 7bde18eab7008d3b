/** The agent's Policy backed by a local VLM: replays the episode through the model's own chat template. */
import { ACTION_CONSTRAINT, ACTION_STOPS } from '../agent/protocol.ts';
import type { ChatMessage, EpisodeImage, Policy, PolicyRequest, VisionSpec } from '../agent/types.ts';
import { AppError } from '../errors.ts';
import type { VlmClient } from '../models/vlm/client.ts';
import type { VlmGenerateResult, VlmMessage } from '../models/vlm/types.ts';
import type { RgbaImage } from '../perception/types.ts';

export interface VlmPolicyOptions {
  maxNewTokens: number;
  temperature: number;
  constrainActions: boolean;
}

export const DEFAULT_VLM_POLICY_OPTIONS: VlmPolicyOptions = { maxNewTokens: 512, temperature: 0, constrainActions: false };

/** Converts the agent's conversation to chat-template messages plus the pixels of each image, in order. */
export function toVlmConversation(
  messages: readonly ChatMessage[],
  images: ReadonlyMap<string, EpisodeImage>,
): { messages: VlmMessage[]; images: RgbaImage[] } {
  const pixels: RgbaImage[] = [];
  const converted = messages.map((m): VlmMessage => ({
    role: m.role,
    content: m.content.map((part) => {
      if (part.type === 'text') return { type: 'text', text: part.text };
      const image = images.get(part.imageId);
      if (!image) throw new AppError('model-failed', `The conversation refers to image ${part.imageId}, which is missing.`);
      pixels.push(image.input);
      return { type: 'image' };
    }),
  }));
  return { messages: converted, images: pixels };
}

export class VlmPolicy implements Policy {
  /** Timing of the last reply, for benchmarks and the trace. */
  last: VlmGenerateResult | null = null;

  constructor(
    private readonly client: VlmClient,
    readonly name: string,
    readonly vision: VisionSpec,
    private readonly options: VlmPolicyOptions = DEFAULT_VLM_POLICY_OPTIONS,
  ) {}

  async reply(request: PolicyRequest): Promise<string> {
    const conversation = toVlmConversation(request.messages, request.images);
    const onAbort = () => void this.client.interrupt().catch(() => {}); // an ended worker generates nothing to interrupt
    request.signal.addEventListener('abort', onAbort, { once: true });
    try {
      this.last = await this.client.generate(
        {
          ...conversation,
          maxNewTokens: this.options.maxNewTokens,
          temperature: this.options.temperature,
          stop: ACTION_STOPS,
          ...(this.options.constrainActions ? { constrain: ACTION_CONSTRAINT } : {}),
        },
        request.onToken,
      );
      return this.last.text;
    } finally {
      request.signal.removeEventListener('abort', onAbort);
    }
  }
}
