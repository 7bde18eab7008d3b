/**
 * Models on this device: transformers.js caches every downloaded file in Cache Storage under its
 * URL. Listing, sizing and deleting work on that cache; a model folder the user picks is stored
 * there too, under a host that never resolves, so it loads offline through the normal path.
 */
import { AppError } from '../errors.ts';
import { folderFileUrl, LOCAL_FOLDER_HOST, MODEL_CACHE, parseModelFileUrl } from './hub.ts';

/** The host imported folders are listed under (`CachedModel.host`). */
export { LOCAL_FOLDER_HOST };

export interface CachedModel {
  /** Hub id (org/name) or the name given to an imported folder. */
  modelId: string;
  host: string;
  files: number;
  bytes: number;
  /** True for folders imported from disk. */
  local: boolean;
}

export interface FolderFile {
  /** Path inside the model folder, e.g. 'onnx/decoder_model_merged_q4f16.onnx'. */
  path: string;
  data: Blob;
}

async function sizeOf(response: Response): Promise<number> {
  const length = Number(response.headers.get('content-length'));
  return Number.isFinite(length) && length > 0 ? length : (await response.blob()).size;
}

export async function listCachedModels(): Promise<CachedModel[]> {
  const cache = await caches.open(MODEL_CACHE);
  const models = new Map<string, CachedModel>();
  for (const request of await cache.keys()) {
    const key = parseModelFileUrl(request.url);
    if (!key) continue;
    const id = `${key.host}${key.modelId}`;
    const entry = models.get(id) ?? { modelId: key.modelId, host: key.host, files: 0, bytes: 0, local: key.host === LOCAL_FOLDER_HOST };
    const response = await cache.match(request);
    entry.files++;
    entry.bytes += response ? await sizeOf(response) : 0;
    models.set(id, entry);
  }
  return [...models.values()].sort((a, b) => a.modelId.localeCompare(b.modelId));
}

/** Removes every cached file of a model; returns how many were removed. */
export async function deleteCachedModel(modelId: string, host?: string): Promise<number> {
  const cache = await caches.open(MODEL_CACHE);
  let removed = 0;
  for (const request of await cache.keys()) {
    const key = parseModelFileUrl(request.url);
    if (key?.modelId === modelId && (host === undefined || key.host === host)) {
      await cache.delete(request);
      removed++;
    }
  }
  return removed;
}

/**
 * Stores a model folder (files picked or dropped by the user) so transformers.js loads it by
 * `modelId` with LOCAL_FOLDER_SOURCE (hub.ts). The folder must hold config.json and ONNX files.
 */
export async function importModelFolder(modelId: string, files: FolderFile[]): Promise<CachedModel> {
  const paths = new Set(files.map((f) => f.path));
  if (!paths.has('config.json')) {
    throw new AppError('invalid-model-folder', 'This folder has no config.json. Pick the folder that holds config.json and the onnx/ folder of a converted model.');
  }
  if (![...paths].some((p) => p.endsWith('.onnx'))) {
    throw new AppError('invalid-model-folder', 'This folder has no .onnx files. Convert the model to ONNX (for example with Optimum) and pick the converted folder.');
  }
  await deleteCachedModel(modelId, LOCAL_FOLDER_HOST);
  const cache = await caches.open(MODEL_CACHE);
  for (const file of files) {
    const headers = { 'content-length': String(file.data.size), 'content-type': file.path.endsWith('.json') ? 'application/json' : 'application/octet-stream' };
    await cache.put(folderFileUrl(modelId, file.path), new Response(file.data, { headers }));
  }
  const bytes = files.reduce((sum, f) => sum + f.data.size, 0);
  return { modelId, host: LOCAL_FOLDER_HOST, files: files.length, bytes, local: true };
}

/** An imported folder as stored: the paths of its files, and its config.json (null when missing or unreadable). */
export async function readModelFolder(modelId: string): Promise<{ paths: string[]; config: unknown }> {
  const cache = await caches.open(MODEL_CACHE);
  const prefix = folderFileUrl(modelId, '');
  const paths = (await cache.keys()).map((r) => r.url).filter((u) => u.startsWith(prefix)).map((u) => u.slice(prefix.length));
  const config: unknown = await (await cache.match(folderFileUrl(modelId, 'config.json')))?.json().catch(() => null);
  return { paths, config: config ?? null };
}

/** Files from an `<input type=file webkitdirectory>` or a drop: paths relative to the picked folder. */
export function folderFilesFromList(list: Iterable<File>): FolderFile[] {
  return [...list].map((file) => {
    const relative = (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name;
    return { path: relative.split('/').slice(relative.includes('/') ? 1 : 0).join('/'), data: file };
  });
}

/** Files under a directory handle (File System Access API), recursively. */
export async function folderFilesFromHandle(dir: FileSystemDirectoryHandle, prefix = ''): Promise<FolderFile[]> {
  const files: FolderFile[] = [];
  for await (const [name, handle] of dir.entries()) {
    if (handle.kind === 'file') files.push({ path: prefix + name, data: await (handle as FileSystemFileHandle).getFile() });
    else files.push(...(await folderFilesFromHandle(handle as FileSystemDirectoryHandle, `${prefix}${name}/`)));
  }
  return files;
}
