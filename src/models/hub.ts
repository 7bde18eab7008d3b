/**
 * Where model files come from, without transformers.js (the page needs it too): the source
 * settings, the one URL template of a model file (a hub, a mirror, or the host of imported
 * folders), and the Cache Storage that keeps every file. env.ts points transformers.js at the
 * same template, so the app and transformers.js name a file by the same URL.
 */

export interface ModelSourceSettings {
  /** Hub host (a mirror works): files are fetched from `modelFileUrl(remoteHost, hubId, path, revision)`. */
  remoteHost: string;
  allowRemote: boolean;
  /** URL prefix of a folder of models served to the app (`${localModelPath}${id}/config.json`). */
  localModelPath?: string;
}

export const DEFAULT_SOURCE: ModelSourceSettings = { remoteHost: 'https://huggingface.co/', allowRemote: true };

/** Imported model folders live in Cache Storage under this host (the .invalid TLD never resolves). */
export const LOCAL_FOLDER_HOST = 'https://local-folder.invalid/';

/** transformers.js' default `env.cacheKey`: every downloaded model file is cached there under its URL. */
export const MODEL_CACHE = 'transformers-cache';

// Remote stays on so transformers.js consults the cache; files of that host never touch the network (env.ts).
export const LOCAL_FOLDER_SOURCE: ModelSourceSettings = { remoteHost: LOCAL_FOLDER_HOST, allowRemote: true };

/** The path of a model's files under a host: transformers.js' `env.remotePathTemplate`. */
export const MODEL_PATH_TEMPLATE = '{model}/resolve/{revision}/';

/** A host with its trailing slash. */
export const hostUrl = (host: string): string => (host.endsWith('/') ? host : `${host}/`);

/** The URL of one file of a model, e.g. `https://huggingface.co/org/name/resolve/main/config.json`. */
export function modelFileUrl(host: string, modelId: string, path: string, revision = 'main'): string {
  return hostUrl(host) + MODEL_PATH_TEMPLATE.replaceAll('{model}', modelId).replaceAll('{revision}', encodeURIComponent(revision)) + path;
}

/** The URL of a file of a model folder the user imported (always revision `main`). */
export const folderFileUrl = (modelId: string, path: string): string => modelFileUrl(LOCAL_FOLDER_HOST, modelId, path);

const FILE_URL = /^(https?:\/\/[^/]+\/)(.+?)\/resolve\/([^/]+)\/(.+)$/;

/** The parts of a model file's URL, or null for any other URL. */
export function parseModelFileUrl(url: string): { host: string; modelId: string; revision: string; path: string } | null {
  const match = FILE_URL.exec(url);
  return match ? { host: match[1]!, modelId: match[2]!, revision: decodeURIComponent(match[3]!), path: match[4]! } : null;
}
