/**
 * The single place transformers.js is configured: where models come from (hub host, local folder)
 * and where the ONNX runtime files are served from (this app, never a CDN).
 */
import { env } from '@huggingface/transformers';
import { AppError } from '../errors.ts';
import { allowedBy, connectSources } from '../pwa/connect-policy.ts';
import { useBundledOrtAssets } from './ort-assets.ts';

/** Imported model folders live in Cache Storage under this host (the .invalid TLD never resolves). */
export const LOCAL_FOLDER_HOST = 'https://local-folder.invalid/';

/** transformers.js' default `env.cacheKey`: every downloaded model file is cached there under its URL. */
export const MODEL_CACHE_NAME = 'transformers-cache';

const networkFetch = env.fetch;

/**
 * Model files come from this app's origin or the configured model host, nothing else: workers do
 * not inherit the page's Content-Security-Policy, so the rule is enforced here too. A file of an
 * imported folder that is not in the cache does not exist: 404 without any network.
 */
function fetchModelFiles(settings: ModelSourceSettings): typeof env.fetch {
  const sources = connectSources({ modelHost: settings.remoteHost });
  const self = globalThis.location?.origin ?? null;
  return (input, init) => {
    const url = String(input);
    if (url.startsWith(LOCAL_FOLDER_HOST)) return Promise.resolve(new Response(null, { status: 404, statusText: 'Not Found' }));
    if (/^https?:/.test(url) && !allowedBy(sources, url, self)) {
      return Promise.reject(new AppError('model-failed', `Blocked a request to ${new URL(url).origin}: models may only come from ${settings.remoteHost} or this app.`));
    }
    return networkFetch(input, init);
  };
}

export interface ModelSourceSettings {
  /** Hub host (a mirror works): files are fetched from `${remoteHost}${hubId}/resolve/main/`. */
  remoteHost: string;
  allowRemote: boolean;
  /** URL prefix of a folder of models served to the app (`${localModelPath}${id}/config.json`). */
  localModelPath?: string;
}

export const DEFAULT_SOURCE: ModelSourceSettings = { remoteHost: 'https://huggingface.co/', allowRemote: true };

export function configureModelEnv(settings: ModelSourceSettings = DEFAULT_SOURCE): void {
  const onnx = env.backends.onnx as unknown as Parameters<typeof useBundledOrtAssets>[0];
  useBundledOrtAssets(onnx);
  env.fetch = fetchModelFiles(settings);
  env.remoteHost = settings.remoteHost.endsWith('/') ? settings.remoteHost : `${settings.remoteHost}/`;
  env.allowRemoteModels = settings.allowRemote;
  env.allowLocalModels = settings.localModelPath !== undefined;
  if (settings.localModelPath !== undefined) env.localModelPath = settings.localModelPath;
}

/**
 * Reads a small text file of a model (e.g. a chat template transformers.js does not load itself)
 * from the same places transformers.js would: the model cache, a local model path, or the model
 * host, caching what it downloads. Null when the model has no such file.
 */
export async function fetchModelText(settings: ModelSourceSettings, modelId: string, path: string, revision = 'main'): Promise<string | null> {
  if (settings.localModelPath !== undefined) {
    const response = await fetch(`${settings.localModelPath}${modelId}/${path}`);
    return response.ok && !/text\/html/.test(response.headers.get('content-type') ?? '') ? response.text() : null;
  }
  const host = settings.remoteHost.endsWith('/') ? settings.remoteHost : `${settings.remoteHost}/`;
  const url = `${host}${modelId}/resolve/${encodeURIComponent(revision)}/${path}`;
  const cache = typeof caches === 'undefined' ? null : await caches.open(MODEL_CACHE_NAME);
  const cached = await cache?.match(url);
  if (cached) return cached.text();
  if (url.startsWith(LOCAL_FOLDER_HOST) || !settings.allowRemote) return null;
  const response = await fetchModelFiles(settings)(url);
  if (!response.ok) return null;
  await cache?.put(url, response.clone());
  return response.text();
}
