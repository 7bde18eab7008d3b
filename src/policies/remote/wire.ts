/** The OpenAI chat-completions wire format: building requests and reading replies. Pure. */
import type { ChatMessage } from '../../agent/types.ts';
import { AppError } from '../../errors.ts';
import type { RemoteSettings } from './settings.ts';

export type OpenAiContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

export type OpenAiMessage = { role: 'user'; content: OpenAiContentPart[] } | { role: 'assistant'; content: string };

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

/** Converts the agent's conversation; `imageUrl` gives the (data) URL of each image id. */
export function toOpenAiMessages(
  messages: readonly ChatMessage[],
  imageUrl: (imageId: string) => string | undefined,
): OpenAiMessage[] {
  return messages.map((m): OpenAiMessage => {
    if (m.role === 'assistant') {
      return { role: 'assistant', content: m.content.map((p) => (p.type === 'text' ? p.text : '')).join('') };
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

/** Reads one SSE `data:` payload; returns null when it is not an OpenAI stream chunk. */
export function parseStreamData(data: string): StreamData | null {
  if (data.trim() === '[DONE]') return { kind: 'done' };
  const json = parseJson(data);
  if (!isRecord(json)) return null;
  const error = errorMessage(json);
  if (error !== null) return { kind: 'error', message: error };
  if (!Array.isArray(json.choices)) return null;
  // Chunks with no choices (usage reports) carry no text.
  const choice: unknown = json.choices[0];
  if (choice === undefined) return { kind: 'delta', text: '', finishReason: null };
  if (!isRecord(choice)) return null;
  const delta = isRecord(choice.delta) ? choice.delta : {};
  const text = typeof delta.content === 'string' ? delta.content : typeof choice.text === 'string' ? choice.text : '';
  const finishReason = typeof choice.finish_reason === 'string' ? choice.finish_reason : null;
  return { kind: 'delta', text, finishReason };
}

/** Reads a whole (non-streamed) chat completion; null when it is not one. */
export function parseCompletion(body: string): { text: string; finishReason: string | null } | null {
  const json = parseJson(body);
  if (!isRecord(json) || !Array.isArray(json.choices)) return null;
  const choice: unknown = json.choices[0];
  if (!isRecord(choice) || !isRecord(choice.message)) return null;
  const content = choice.message.content;
  if (typeof content !== 'string' && content !== null) return null;
  return { text: content ?? '', finishReason: typeof choice.finish_reason === 'string' ? choice.finish_reason : null };
}

/** Model ids from GET /models; null when the body is not a model list. */
export function parseModelList(body: string): string[] | null {
  const json = parseJson(body);
  if (!isRecord(json) || !Array.isArray(json.data)) return null;
  return json.data.flatMap((m: unknown) => (isRecord(m) && typeof m.id === 'string' ? [m.id] : []));
}

/**
 * The human-readable message in an error body: OpenAI's `{error: {message}}`, vLLM's
 * `{message}` next to `object: "error"`, FastAPI's `{detail}`, or `{error: "text"}`. Null when there is none.
 */
export function errorMessage(json: unknown): string | null {
  if (!isRecord(json)) return null;
  if (typeof json.error === 'string') return json.error;
  if (isRecord(json.error) && typeof json.error.message === 'string') return json.error.message;
  if (json.object === 'error' && typeof json.message === 'string') return json.message;
  if (typeof json.detail === 'string') return json.detail; // FastAPI's own errors (vLLM's unknown routes)
  return null;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
