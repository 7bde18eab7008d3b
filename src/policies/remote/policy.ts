/**
 * The agent's Policy backed by a remote OpenAI-compatible server (e.g. vLLM serving a VRAG-RL
 * checkpoint). Unlike every other part of the app it sends page images off the device, to
 * `sendsImagesTo`, which the app must show the user.
 */
import type { Policy, PolicyRequest, VisionSpec } from '../../agent/types.ts';
import { AppError } from '../../errors.ts';
import type { RgbaImage } from '../../perception/types.ts';
import { ActionCutter } from './cut.ts';
import { authHeaders, appOrigin, remoteFetch } from './http.ts';
import { connectionLostError, notOpenAiError, streamError, type RemoteContext } from './http-errors.ts';
import { pngDataUrl } from './png.ts';
import type { EndpointFetch } from './relay-client.ts';
import { endpointOrigin, remoteSettings, type RemoteSettings, type RemoteSettingsInput } from './settings.ts';
import { SseParser } from './sse.ts';
import { chatRequestBody, imageIds, parseCompletion, parseStreamData, toOpenAiMessages } from './wire.ts';

export interface RemoteReplyStats {
  /** The reply as returned to the agent (cut after the first action). */
  text: string;
  /** True when reading stopped at the end of the first action; anything the server had after it went unread. */
  cutAfterAction: boolean;
  finishReason: string | null;
  /** From sending the request to the first text, and to the end; ms. */
  firstTextMs: number | null;
  totalMs: number;
  /** Size of the JSON request body in bytes (mostly images). */
  requestBytes: number;
}

export class RemotePolicy implements Policy {
  readonly settings: RemoteSettings;
  readonly name: string;
  readonly vision: VisionSpec;
  /** The origin that receives the page images of every episode run with this policy. */
  readonly sendsImagesTo: string;
  /** Timing of the last reply, for the trace. */
  last: RemoteReplyStats | null = null;
  // The conversation resends every image each turn; encode each once.
  private readonly encoded = new WeakMap<RgbaImage, Promise<string>>();

  /** `send` reaches the endpoint (the session's relay). */
  constructor(
    input: RemoteSettingsInput,
    private readonly send: EndpointFetch,
  ) {
    this.settings = remoteSettings(input);
    this.sendsImagesTo = endpointOrigin(this.settings.endpoint);
    this.name = `${this.settings.model} (remote, ${this.sendsImagesTo})`;
    this.vision = this.settings.vision;
  }

  async reply(request: PolicyRequest): Promise<string> {
    const { signal } = request;
    const body = JSON.stringify(chatRequestBody(this.settings, await this.messages(request)));
    if (signal.aborted) throw cancelled();
    const context: RemoteContext = { origin: this.sendsImagesTo, model: this.settings.model, appOrigin: appOrigin() };
    // Its own controller closes the stream once the reply is cut; the user's signal cancels it too.
    const controller = new AbortController();
    const t0 = performance.now();
    let firstTextMs: number | null = null;
    const cutter = new ActionCutter((text) => {
      firstTextMs ??= performance.now() - t0;
      request.onToken(text);
    });
    try {
      const response = await remoteFetch(
        this.send,
        `${this.settings.endpoint}/chat/completions`,
        {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...authHeaders(this.settings.apiKey) },
          body,
          signal: AbortSignal.any([signal, controller.signal]),
        },
        context,
        signal,
      );
      const finishReason = await readReply(response, cutter, context, signal);
      this.last = {
        text: cutter.reply,
        cutAfterAction: cutter.wasCut,
        finishReason,
        firstTextMs,
        totalMs: performance.now() - t0,
        requestBytes: new Blob([body]).size,
      };
      return cutter.reply;
    } finally {
      controller.abort(); // closes the stream when the reply was cut; a no-op after a complete one
    }
  }

  private async messages(request: PolicyRequest) {
    const urls = new Map<string, string>();
    await Promise.all(
      imageIds(request.messages).map(async (id) => {
        const image = request.images.get(id);
        if (!image) return; // toOpenAiMessages reports it
        let url = this.encoded.get(image.input);
        if (!url) {
          url = pngDataUrl(image.input);
          this.encoded.set(image.input, url);
          url.catch(() => this.encoded.delete(image.input));
        }
        urls.set(id, await url);
      }),
    );
    return toOpenAiMessages(request.messages, (id) => urls.get(id));
  }
}

/** Reads a streamed (or, from servers that ignore `stream`, whole) reply into the cutter; returns the finish reason. */
async function readReply(
  response: Response,
  cutter: ActionCutter,
  context: RemoteContext,
  signal: AbortSignal,
): Promise<string | null> {
  const type = response.headers.get('content-type') ?? '';
  try {
    if (!type.includes('text/event-stream')) {
      const body = await response.text();
      const completion = parseCompletion(body);
      if (!completion) throw notOpenAiError(context, `${type || 'no content type'}: "${body.slice(0, 80)}"`);
      cutter.push(completion.text);
      return completion.finishReason;
    }
    if (!response.body) throw notOpenAiError(context, 'an empty event stream');
    return await readStream(response.body, cutter, context);
  } catch (error) {
    if (signal.aborted) throw cancelled(error);
    if (error instanceof AppError) throw error;
    throw connectionLostError(context, error);
  }
}

async function readStream(body: ReadableStream<Uint8Array>, cutter: ActionCutter, context: RemoteContext): Promise<string | null> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  let finishReason: string | null = null;
  let chunks = 0;
  // Returns true when reading should stop: [DONE], or the first action is complete.
  const take = (events: { data: string }[]): boolean => {
    for (const { data } of events) {
      const parsed = parseStreamData(data);
      if (!parsed) throw notOpenAiError(context, `a stream event that is not a chat-completion chunk: "${data.slice(0, 80)}"`);
      if (parsed.kind === 'done') return true;
      if (parsed.kind === 'error') throw streamError(context, parsed.message);
      chunks++;
      finishReason = parsed.finishReason ?? finishReason;
      if (cutter.push(parsed.text)) return true;
    }
    return false;
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        take([...parser.push(decoder.decode()), ...parser.end()]);
        break;
      }
      if (take(parser.push(decoder.decode(value, { stream: true })))) break;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  if (chunks === 0) throw notOpenAiError(context, 'an event stream without chat-completion chunks');
  return finishReason;
}

function cancelled(cause?: unknown): AppError {
  return new AppError('cancelled', 'Stopped by the user.', { cause });
}
