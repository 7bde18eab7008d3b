/**
 * What the command-line tools run inside the headless app: a session with a library (fresh, or the
 * one a reused profile keeps), the given documents ingested, and the model that answers loaded into
 * the session (a VLM from the registry or a folder) or named (an endpoint).
 */
import { AppError, describeError, isAbortError, type ErrorCode } from '../errors.ts';
import type { AddResult } from '../library/library.ts';
import { importModelFolder } from '../models/cache.ts';
import { findModel } from '../models/registry.ts';
import type { DeviceOverride } from '../models/device.ts';
import { DEFAULT_SOURCE } from '../models/hub.ts';
import type { EmbedderSource, LoadedEmbedder } from '../models/embed/load.ts';
import type { VlmSource } from '../models/vlm/load.ts';
import type { EndpointOptions } from '../policies/answerer.ts';
import { createSession, type Session } from './session.ts';

/** A VLM by registry id, the files of a converted model folder (each served at its url), or an OpenAI-compatible endpoint. */
export type ModelSpec =
  | { kind: 'registry'; id: string }
  | { kind: 'folder'; id: string; files: { path: string; url: string }[] }
  | { kind: 'endpoint'; endpoint: string; model: string; apiKey?: string };

/** Embedders come from the registry or a folder. */
export type EmbedderSpec = Exclude<ModelSpec, { kind: 'endpoint' }>;

export interface SessionFile {
  name: string;
  url: string;
}

/** The model that answers a headless run, as the session is to be asked: its name, and the endpoint when it is remote. */
export interface HeadlessModel {
  label: string;
  /** The OpenAI-compatible server that answers; null when the session's loaded VLM does. */
  endpoint: EndpointOptions | null;
}

export type Log = (line: string) => void;

/** A document that could not be added: its file name and why, in the words the library gave. */
export interface SkippedDocument {
  file: string;
  error: string;
  code?: ErrorCode;
}

/** The error when no document at all could be added: the one file's own, or the count and the first. */
export function nothingAdded(skipped: readonly SkippedDocument[]): AppError {
  const [first] = skipped;
  if (!first) return new AppError('invalid-input', 'No documents were given.');
  const code = first.code ?? 'corrupt-file';
  return skipped.length === 1 ? new AppError(code, first.error) : new AppError(code, `None of the ${skipped.length} documents could be added; the first, ${first.file}: ${first.error}`);
}

export interface OpenedSession {
  session: Session;
  /** File name -> document id, for the files that are in the library (added now or stored before). */
  docIds: Map<string, string>;
  /** The files that could not be added, in order: the others went on without them. */
  skipped: SkippedDocument[];
}

export interface SessionPlace {
  /**
   * Keep the library (a fixed IndexedDB name, never deleted) so that a reused browser profile
   * finds the documents ingested by an earlier run. Otherwise a throwaway library.
   */
  keepLibrary?: boolean;
  signal?: AbortSignal;
}

/** The IndexedDB name of the library a reused profile keeps between runs. */
export const KEPT_LIBRARY = 'vrag-cli-library';

/** A session in the place asked for: the library a reused profile keeps, or a throwaway one. */
function placedSession(place: SessionPlace): Session {
  return place.keepLibrary
    ? createSession({ libraryName: KEPT_LIBRARY })
    : createSession({ libraryName: `headless-${Date.now()}-${Math.random().toString(36).slice(2)}`, deleteOnClose: true });
}

/**
 * Adds the files to the session's library. A file that cannot be read or added is skipped (named in
 * `skipped` with its error) and the others go on; only a cancel stops the run.
 */
async function addAll(session: Session, files: SessionFile[], log: Log, signal?: AbortSignal): Promise<Omit<OpenedSession, 'session'>> {
  const docIds = new Map<string, string>();
  const skipped: SkippedDocument[] = [];
  for (const file of files) {
    signal?.throwIfAborted();
    const started = performance.now();
    const result = await addOne(session, file, signal);
    if ('error' in result) {
      skipped.push(result);
      log(`warning: skipped ${file.name}: ${result.error}`);
      continue;
    }
    docIds.set(file.name, result.docId);
    log(
      result.status === 'duplicate'
        ? `already stored: ${file.name} (${result.pages} pages), not ingested again`
        : `ingested ${file.name}: ${result.pages} pages in ${((performance.now() - started) / 1000).toFixed(1)} s${result.status === 'resumed' ? ' (resumed after an interrupted run)' : ''}`,
    );
  }
  if (skipped.length) log(`warning: ${skipped.length} of ${files.length} documents could not be added and were skipped`);
  return { docIds, skipped };
}

/** Adds one file: its document id, or why it could not be added. A cancel is thrown, not reported. */
async function addOne(session: Session, file: SessionFile, signal?: AbortSignal): Promise<{ docId: string; pages: number; status: AddResult['status'] } | SkippedDocument> {
  try {
    const response = await fetch(file.url);
    if (!response.ok) return { file: file.name, error: `Cannot read “${file.name}” (HTTP ${response.status}).`, code: 'not-found' };
    const [result] = await session.library.addFiles([{ name: file.name, data: await response.blob() }], undefined, signal);
    if (result!.status === 'cancelled') throw new AppError('cancelled', 'Stopped.');
    if (result!.status === 'failed' || !result!.docId) {
      return { file: file.name, error: result!.message ?? `“${file.name}” could not be added.`, ...(result!.code ? { code: result!.code } : {}) };
    }
    return { docId: result!.docId, pages: result!.pages ?? 0, status: result!.status };
  } catch (error) {
    if (isAbortError(error) || signal?.aborted) throw error;
    return { file: file.name, error: `“${file.name}” could not be added: ${describeError(error)}`, ...(error instanceof AppError ? { code: error.code } : {}) };
  }
}

/**
 * Opens a session and loads the model into it while the files are ingested (a download and OCR
 * overlap instead of adding up). A model that cannot load stops the ingestion at once; whichever
 * part failed, the session (and the model in it) is closed once the other part has stopped.
 */
export async function loadWhileIngesting(
  load: (session: Session) => Promise<HeadlessModel | null>,
  files: SessionFile[],
  log: Log,
  place: Omit<SessionPlace, 'signal'> = {},
): Promise<{ model: HeadlessModel | null; opened: OpenedSession }> {
  const session = placedSession(place);
  const controller = new AbortController();
  const model = load(session).catch((error: unknown) => {
    controller.abort();
    throw error;
  });
  const added = addAll(session, files, log, controller.signal);
  try {
    const [loaded, { docIds, skipped }] = await Promise.all([model, added]);
    return { model: loaded, opened: { session, docIds, skipped } };
  } catch (error) {
    void Promise.allSettled([model, added]).then(() => session.close());
    throw error;
  }
}

/** Imports a model folder's files (served to the page) into the model cache, as the app's folder picker does. */
async function importFolder(spec: Extract<ModelSpec, { kind: 'folder' }>): Promise<void> {
  const files = await Promise.all(
    spec.files.map(async (f) => {
      const response = await fetch(f.url);
      if (!response.ok) throw new AppError('model-missing', `Cannot read ${f.path} of the model folder “${spec.id}”.`);
      return { path: f.path, data: await response.blob() };
    }),
  );
  await importModelFolder(spec.id, files);
}

/** Loads a text or image embedder from the registry or a folder into the session, as a search signal. */
export async function loadEmbedderSpec(session: Session, spec: EmbedderSpec, modality: 'text' | 'image', override: DeviceOverride, log: Log): Promise<LoadedEmbedder> {
  let source: EmbedderSource;
  if (spec.kind === 'registry') {
    const entry = findModel(spec.id);
    if (!entry || entry.kind !== 'embedder' || entry.family.modality !== modality) {
      throw new AppError('model-missing', `“${spec.id}” is not a ${modality} embedder in the registry.`);
    }
    source = { kind: 'registry', entry };
  } else {
    await importFolder(spec);
    source = { kind: 'folder', modelId: spec.id, modality };
  }
  const loaded = await session.loadEmbedder(source, { device: override, modelHost: DEFAULT_SOURCE.remoteHost });
  log(`loaded the ${modality} embedder ${spec.id} (${loaded.info.dims} dims) on ${loaded.info.device === 'webgpu' ? 'WebGPU' : 'WASM'}`);
  return loaded;
}

/**
 * Loads the VLM into the session the way the app's model manager does (a folder is imported into
 * the model cache first); an endpoint loads nothing and is named for `session.ask`.
 */
export async function loadModel(session: Session, spec: ModelSpec, override: DeviceOverride, log: Log): Promise<HeadlessModel> {
  if (spec.kind === 'endpoint') {
    log(`answering with ${spec.model} at ${spec.endpoint} (page images are sent to that server)`);
    return { label: `${spec.model} (endpoint)`, endpoint: { endpoint: spec.endpoint, model: spec.model, ...(spec.apiKey ? { apiKey: spec.apiKey } : {}) } };
  }
  let source: VlmSource;
  if (spec.kind === 'registry') {
    const entry = findModel(spec.id);
    if (!entry || entry.kind !== 'vlm') throw new AppError('model-missing', `“${spec.id}” is not a vision-language model in the registry.`);
    source = { kind: 'registry', entry };
  } else {
    await importFolder(spec);
    source = { kind: 'folder', modelId: spec.id };
  }
  log(`loading ${spec.id}`);
  const started = performance.now();
  const loaded = await session.loadVlm(source, { device: override, modelHost: DEFAULT_SOURCE.remoteHost, onNotice: log });
  log(`loaded ${loaded.label} on ${loaded.device === 'webgpu' ? 'WebGPU' : 'WASM'} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { label: loaded.label, endpoint: null };
}
