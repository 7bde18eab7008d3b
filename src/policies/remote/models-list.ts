/** Lists a remote server's models (GET /models): a connection check and a model picker for the settings. */
import { authHeaders, appOrigin, remoteFetch } from './http.ts';
import { notOpenAiError } from './http-errors.ts';
import type { EndpointFetch } from './relay-client.ts';
import { endpointOrigin, normalizeEndpoint } from './settings.ts';
import { parseModelList } from './wire.ts';

export async function listRemoteModels(server: { endpoint: string; apiKey?: string }, send: EndpointFetch, signal?: AbortSignal): Promise<string[]> {
  const endpoint = normalizeEndpoint(server.endpoint);
  const context = { origin: endpointOrigin(endpoint), model: '', appOrigin: appOrigin() };
  const init: RequestInit = { headers: authHeaders(server.apiKey?.trim()), ...(signal ? { signal } : {}) };
  const response = await remoteFetch(send, `${endpoint}/models`, init, context, signal);
  const body = await response.text();
  const models = parseModelList(body);
  if (!models) throw notOpenAiError(context, `GET /models returned "${body.slice(0, 80)}"`);
  return models;
}
