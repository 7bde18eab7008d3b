/**
 * What the command-line tools run inside the headless app: a fresh library with the given
 * documents ingested, and a policy (a VLM from the registry or a folder, or the eval oracle).
 */
import type { Policy } from '../agent/types.ts';
import { AppError } from '../errors.ts';
import { importModelFolder } from '../models/cache.ts';
import { findModel } from '../models/registry.ts';
import type { DeviceOverride } from '../models/device.ts';
import { DEFAULT_SOURCE } from '../models/env.ts';
import { VRAG_VISUAL_TOKENS } from '../models/families/types.ts';
import type { VlmClient } from '../models/vlm/client.ts';
import { loadEmbedder, type EmbedderSource, type LoadedEmbedder } from '../models/embed/load.ts';
import { loadVlm, type VlmSource } from '../models/vlm/load.ts';
import { localPolicies, remotePolicies } from '../policies/pair.ts';
import { createSession, type Session } from '../session/session.ts';

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

export interface LoadedModel {
  /** The local model's worker; null for an endpoint. */
  client: VlmClient | null;
  /** Greedy decoding. */
  policy: Policy;
  /** The same model sampling at temperature 0.7 (best-of-N). */
  sampling: Policy;
  label: string;
}

export type Log = (line: string) => void;

export interface OpenedSession {
  session: Session;
  docIds: Map<string, string>;
}

/** A throwaway session with the files ingested; a file that cannot be read fails the whole session. */
export async function openSession(files: SessionFile[], log: Log, signal?: AbortSignal): Promise<OpenedSession> {
  const session = createSession({ libraryName: `headless-${Date.now()}-${Math.random().toString(36).slice(2)}`, deleteOnClose: true });
  try {
    const docIds = new Map<string, string>();
    for (const file of files) {
      signal?.throwIfAborted();
      const response = await fetch(file.url);
      if (!response.ok) throw new AppError('invalid-input', `Cannot read “${file.name}” (${response.status}).`);
      const started = performance.now();
      const [result] = await session.library.addFiles([{ name: file.name, data: await response.blob() }], undefined, signal);
      if (result!.status !== 'added' && result!.status !== 'duplicate') {
        throw new AppError(result!.code ?? 'corrupt-file', result!.message ?? `“${file.name}” could not be added.`);
      }
      docIds.set(file.name, result!.docId!);
      log(`ingested ${file.name}: ${result!.pages} pages in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    return { session, docIds };
  } catch (error) {
    session.close();
    throw error;
  }
}

/**
 * Loads the model while the files are ingested (a download and OCR overlap instead of adding up).
 * A model that cannot load stops the ingestion at once; whichever part failed, the other is released.
 */
export async function loadWhileIngesting(loading: Promise<LoadedModel | null>, files: SessionFile[], log: Log): Promise<{ model: LoadedModel | null; opened: OpenedSession }> {
  const controller = new AbortController();
  const model = loading.catch((error: unknown) => {
    controller.abort();
    throw error;
  });
  const opened = openSession(files, log, controller.signal);
  try {
    const [loaded, session] = await Promise.all([model, opened]);
    return { model: loaded, opened: session };
  } catch (error) {
    void model.then((m) => m?.client?.terminate(), () => {});
    void opened.then((o) => o.session.close(), () => {});
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

/** Loads a text or image embedder from the registry or a folder. */
export async function loadEmbedderSpec(spec: EmbedderSpec, modality: 'text' | 'image', override: DeviceOverride, log: Log): Promise<LoadedEmbedder> {
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
  const loaded = await loadEmbedder(source, { device: override, modelHost: DEFAULT_SOURCE.remoteHost });
  log(`loaded the ${modality} embedder ${spec.id} (${loaded.info.dims} dims) on ${loaded.info.device === 'webgpu' ? 'WebGPU' : 'WASM'}`);
  return loaded;
}

/** Loads the VLM the way the app's model manager does; a folder is imported into the model cache first. */
export async function loadModel(spec: ModelSpec, override: DeviceOverride, log: Log, options: { maxNewTokens: number }): Promise<LoadedModel> {
  const generation = { maxNewTokens: options.maxNewTokens, visualTokens: VRAG_VISUAL_TOKENS };
  if (spec.kind === 'endpoint') {
    const { policy, sampling } = remotePolicies(spec, generation);
    log(`answering with ${spec.model} at ${spec.endpoint} (page images are sent to that server)`);
    return { client: null, policy, sampling, label: `${spec.model} (endpoint)` };
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
  const loaded = await loadVlm(source, { device: override, modelHost: DEFAULT_SOURCE.remoteHost, onNotice: log });
  log(`loaded ${loaded.label} on ${loaded.device === 'webgpu' ? 'WebGPU' : 'WASM'} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const { policy, sampling } = localPolicies(loaded, { ...generation, constrainActions: false });
  return { client: loaded.client, policy, sampling, label: loaded.label };
}

