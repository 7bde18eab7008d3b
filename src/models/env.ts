/**
 * The single place transformers.js is configured, inside the model workers only: where models
 * come from (hub host, local folder; the URL template of hub.ts) and where the ONNX runtime files
 * are served from (this app, never a CDN). The page never imports this module (test/unit/layers.test.ts).
 */
import { env } from '@huggingface/transformers';
import type { Env as OnnxEnv } from 'onnxruntime-common';
import { allowedBy, connectSources } from '../connect-policy.ts';
import { AppError } from '../errors.ts';
import { hostUrl, LOCAL_FOLDER_HOST, MODEL_CACHE, MODEL_PATH_TEMPLATE, modelFileUrl, type ModelSourceSettings } from './hub.ts';
import { useBundledOrtAssets } from './ort-assets.ts';

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

/**
 * ONNX Runtime's env as transformers.js runs it: its .d.ts declares `env.backends.onnx` a
 * `Partial<Env>`, but at run time it is ORT's whole env (transformers.js assigns `ONNX.env`).
 */
const onnxEnv = (): OnnxEnv => env.backends.onnx as OnnxEnv;

export function configureModelEnv(settings: ModelSourceSettings): void {
  useBundledOrtAssets(onnxEnv());
  env.fetch = fetchModelFiles(settings);
  env.cacheKey = MODEL_CACHE;
  env.remoteHost = hostUrl(settings.remoteHost);
  env.remotePathTemplate = MODEL_PATH_TEMPLATE;
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
  const url = modelFileUrl(settings.remoteHost, modelId, path, revision);
  const cache = typeof caches === 'undefined' ? null : await caches.open(MODEL_CACHE);
  const cached = await cache?.match(url);
  if (cached) return cached.text();
  if (url.startsWith(LOCAL_FOLDER_HOST) || !settings.allowRemote) return null;
  const response = await fetchModelFiles(settings)(url);
  if (!response.ok) return null;
  await cache?.put(url, response.clone());
  return response.text();
}
