/**
 * The single place transformers.js is configured: where models come from (hub host, local folder)
 * and where the ONNX runtime files are served from (this app, never a CDN).
 */
import { env } from '@huggingface/transformers';
import { useBundledOrtAssets } from './ort-assets.ts';

/** Imported model folders live in Cache Storage under this host (the .invalid TLD never resolves). */
export const LOCAL_FOLDER_HOST = 'https://local-folder.invalid/';

const networkFetch = env.fetch;

/** A file of an imported folder that is not in the cache does not exist: answer 404 without any network. */
const fetchModelFile: typeof env.fetch = (input, init) => {
  const url = String(input);
  if (url.startsWith(LOCAL_FOLDER_HOST)) return Promise.resolve(new Response(null, { status: 404, statusText: 'Not Found' }));
  return networkFetch(input, init);
};

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
  env.fetch = fetchModelFile;
  env.remoteHost = settings.remoteHost.endsWith('/') ? settings.remoteHost : `${settings.remoteHost}/`;
  env.allowRemoteModels = settings.allowRemote;
  env.allowLocalModels = settings.localModelPath !== undefined;
  if (settings.localModelPath !== undefined) env.localModelPath = settings.localModelPath;
}
