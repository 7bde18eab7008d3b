/** Turns what goes wrong talking to a remote model server into errors a user can act on. Pure. */
import { AppError, describeError } from '../../errors.ts';
import { errorMessage, parseJson } from './wire.ts';

/** Where the request went, for messages: the server's origin, the model asked for, the app's origin. */
export interface RemoteContext {
  origin: string;
  model: string;
  appOrigin?: string;
}

/** fetch() itself failed: the server is down, the address is wrong, or CORS blocked the response. */
export function unreachableError(context: RemoteContext, cause: unknown): AppError {
  if (isMixedContent(context.appOrigin, context.origin)) {
    return new AppError(
      'remote-unreachable',
      `This page is served over HTTPS, so the browser blocks the plain-HTTP model server at ${context.origin}. ` +
        'Serve the model over HTTPS (e.g. behind a reverse proxy), or forward it to localhost (e.g. an SSH tunnel) and use http://localhost.',
      { cause },
    );
  }
  const from = context.appOrigin ? ` (${context.appOrigin})` : '';
  return new AppError(
    'remote-unreachable',
    `Could not reach the model server at ${context.origin}. Check that it is running and that the endpoint URL is right. ` +
      `If it is running, it must allow requests from this page${from} (CORS; vLLM allows all origins unless started with --allowed-origins).`,
    { cause },
  );
}

/** The connection broke after the server started answering. */
export function connectionLostError(context: RemoteContext, cause: unknown): AppError {
  return new AppError(
    'remote-unreachable',
    `The connection to the model server at ${context.origin} was lost in the middle of a reply (${describeError(cause)}). Try again.`,
    { cause },
  );
}

/** A response with a non-2xx status. `body` is the response text (may be empty). */
export function httpError(context: RemoteContext, status: number, body: string): AppError {
  const detail = serverDetail(body);
  const said = `HTTP ${status}${detail ? `: ${detail}` : ''}`;
  const at = `The model server at ${context.origin}`;
  if (status === 401 || status === 403) {
    return new AppError('remote-auth', `${at} refused the request (${said}). Check the API key.`);
  }
  if (status === 404) {
    return new AppError(
      'remote-failed',
      `${at} did not find the API or the model "${context.model}" (${said}). Check the endpoint URL (usually ending in /v1) and the model name.`,
    );
  }
  if (status === 429) {
    return new AppError('remote-failed', `${at} is busy (${said}). Wait a moment and try again.`);
  }
  if (status >= 500) {
    return new AppError('remote-failed', `${at} failed or is overloaded (${said}). Try again in a moment.`);
  }
  if (status === 400 || status === 413 || status === 422) {
    return new AppError(
      'remote-failed',
      `${at} rejected the request (${said}). If it mentions images per prompt, start the server with a higher limit ` +
        '(vLLM: --limit-mm-per-prompt); if it mentions the context length, lower max tokens or the number of actions.',
    );
  }
  return new AppError('remote-failed', `${at} answered with an error (${said}).`);
}

/** A 2xx response that is not an OpenAI chat completion (e.g. a web page at that address). */
export function notOpenAiError(context: RemoteContext, what: string): AppError {
  return new AppError(
    'remote-failed',
    `The server at ${context.origin} answered, but not like an OpenAI-compatible API (${what}). ` +
      'Check that the endpoint URL points at the API, e.g. http://localhost:8000/v1.',
  );
}

/** An error the server reported inside a streamed reply. */
export function streamError(context: RemoteContext, message: string): AppError {
  return new AppError('remote-failed', `The model server at ${context.origin} stopped with an error: ${message}`);
}

/** The server's own words from an error body, short enough for a message. */
export function serverDetail(body: string): string {
  const fromJson = errorMessage(parseJson(body));
  const text = (fromJson ?? body.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** Browsers block http:// requests from https:// pages, except to loopback addresses. */
export function isMixedContent(appOrigin: string | undefined, serverOrigin: string): boolean {
  if (!appOrigin?.startsWith('https:')) return false;
  const server = new URL(serverOrigin);
  if (server.protocol !== 'http:') return false;
  const host = server.hostname;
  return !(host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || /^127\./.test(host));
}
