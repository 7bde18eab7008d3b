/** The OpenAI chat-completions wire format: building requests and reading replies. Pure. */
import type { ChatMessage } from '../../agent/types.ts';
import * as v from 'valibot';
import { AppError } from '../../errors.ts';
import type { RemoteSettings } from './settings.ts';

export type OpenAiContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

export type OpenAiMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: OpenAiContentPart[] }
  | { role: 'assistant'; content: string };

export interface ChatCompletionRequest {
  model: string;
  messages: OpenAiMessage[];
  max_tokens: number;
  temperature: number;
  stream: boolean;
  stop?: string[];
}

/** Ids of the images the conversation shows, in order of first appearance. */
export function imageIds(messages: readonly ChatMessage[]): string[] {
  const ids = new Set<string>();
  for (const m of messages) for (const part of m.content) if (part.type === 'image') ids.add(part.imageId);
  return [...ids];
}

/**
 * Converts the agent's conversation; `imageUrl` gives the (data) URL of each image id. A system
 * turn (the `tools` style's tool-description prompt) stays a system message, as plain text.
 */
export function toOpenAiMessages(
  messages: readonly ChatMessage[],
  imageUrl: (imageId: string) => string | undefined,
): OpenAiMessage[] {
  return messages.map((m): OpenAiMessage => {
    if (m.role === 'assistant' || m.role === 'system') {
      return { role: m.role, content: m.content.map((p) => (p.type === 'text' ? p.text : '')).join('') };
    }
    return {
      role: 'user',
      content: m.content.map((part): OpenAiContentPart => {
        if (part.type === 'text') return { type: 'text', text: part.text };
        const url = imageUrl(part.imageId);
        if (url === undefined) {
          throw new AppError('model-failed', `The conversation refers to image ${part.imageId}, which is missing.`);
        }
        return { type: 'image_url', image_url: { url } };
      }),
    };
  });
}

export function chatRequestBody(settings: RemoteSettings, messages: OpenAiMessage[]): ChatCompletionRequest {
  return {
    model: settings.model,
    messages,
    max_tokens: settings.maxTokens,
    temperature: settings.temperature,
    stream: true,
    ...(settings.stop?.length ? { stop: settings.stop } : {}),
  };
}

/** One `data:` payload of a streamed reply. */
export type StreamData =
  | { kind: 'delta'; text: string; finishReason: string | null }
  | { kind: 'done' }
  | { kind: 'error'; message: string };

// What the app reads of the server's JSON; extra fields are ignored, a wrong shape is "not one".
const StreamChunk = v.looseObject({
  choices: v.array(
    v.looseObject({
      delta: v.optional(v.looseObject({ content: v.nullish(v.string()) })),
      text: v.nullish(v.string()),
      finish_reason: v.nullish(v.string()),
    }),
  ),
});

const Completion = v.looseObject({
  choices: v.pipe(
    v.array(v.looseObject({ message: v.looseObject({ content: v.nullable(v.string()) }), finish_reason: v.nullish(v.string()) })),
    v.minLength(1),
  ),
});

const ModelList = v.looseObject({ data: v.array(v.unknown()) });
const ModelEntry = v.looseObject({ id: v.string() });

/**
 * OpenAI's `{error: {message}}` or `{error: "text"}`, vLLM's `{object: "error", message}`,
 * FastAPI's `{detail}` (vLLM's unknown routes).
 */
const ERROR_BODIES = [
  v.pipe(v.looseObject({ error: v.string() }), v.transform((b) => b.error)),
  v.pipe(v.looseObject({ error: v.looseObject({ message: v.string() }) }), v.transform((b) => b.error.message)),
  v.pipe(v.looseObject({ object: v.literal('error'), message: v.string() }), v.transform((b) => b.message)),
  v.pipe(v.looseObject({ detail: v.string() }), v.transform((b) => b.detail)),
];

/** Reads one SSE `data:` payload; returns null when it is not an OpenAI stream chunk. */
export function parseStreamData(data: string): StreamData | null {
  if (data.trim() === '[DONE]') return { kind: 'done' };
  const json = parseJson(data);
  const error = errorMessage(json);
  if (error !== null) return { kind: 'error', message: error };
  const chunk = v.safeParse(StreamChunk, json);
  if (!chunk.success) return null;
  // Chunks with no choices (usage reports) carry no text.
  const choice = chunk.output.choices[0];
  if (choice === undefined) return { kind: 'delta', text: '', finishReason: null };
  return { kind: 'delta', text: choice.delta?.content ?? choice.text ?? '', finishReason: choice.finish_reason ?? null };
}

/** Reads a whole (non-streamed) chat completion; null when it is not one. */
export function parseCompletion(body: string): { text: string; finishReason: string | null } | null {
  const completion = v.safeParse(Completion, parseJson(body));
  if (!completion.success) return null;
  const choice = completion.output.choices[0]!;
  return { text: choice.message.content ?? '', finishReason: choice.finish_reason ?? null };
}

/** Model ids from GET /models; null when the body is not a model list. */
export function parseModelList(body: string): string[] | null {
  const list = v.safeParse(ModelList, parseJson(body));
  if (!list.success) return null;
  return list.output.data.flatMap((m) => {
    const entry = v.safeParse(ModelEntry, m);
    return entry.success ? [entry.output.id] : [];
  });
}

/** The human-readable message in an error body; null when there is none. */
export function errorMessage(json: unknown): string | null {
  for (const schema of ERROR_BODIES) {
    const body = v.safeParse(schema, json);
    if (body.success) return body.output;
  }
  return null;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
