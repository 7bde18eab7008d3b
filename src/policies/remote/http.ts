/** fetch() against a remote model server, with failures mapped to AppErrors. */
import { AppError } from '../../errors.ts';
import { httpError, unreachableError, type RemoteContext } from './http-errors.ts';
import type { EndpointFetch } from './relay-client.ts';

export function authHeaders(apiKey: string | undefined): Record<string, string> {
  return apiKey ? { Authorization: `Bearer ${apiKey}` } : {};
}

/** The app's origin for error messages, when there is one. */
export function appOrigin(): string | undefined {
  return typeof location === 'undefined' ? undefined : location.origin;
}

/** Fetches and returns a 2xx response; `userSignal` tells a cancellation from a network failure. */
export async function remoteFetch(
  send: EndpointFetch,
  url: string,
  init: RequestInit,
  context: RemoteContext,
  userSignal?: AbortSignal,
): Promise<Response> {
  let response: Response;
  try {
    response = await send(url, init);
  } catch (error) {
    if (userSignal?.aborted) throw new AppError('cancelled', 'Stopped by the user.', { cause: error });
    throw unreachableError(context, error);
  }
  if (!response.ok) {
    const body = await response.text().catch(() => '');
    throw httpError(context, response.status, body);
  }
  return response;
}
