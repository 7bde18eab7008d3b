/**
 * What the command-line tools run inside the headless app: a fresh library with the given
 * documents ingested, and a policy (a VLM from the registry or a folder, or the eval oracle).
 */
import type { Policy } from '../agent/types.ts';
import { AppError } from '../errors.ts';
import { startIngestWorker } from '../ingest/worker.ts';
import { Library } from '../library/library.ts';
import { findModel, visionForModelType, type VlmEntry } from '../models/config.ts';
import { chooseDevice, dtypesFor, probeDevice, type DeviceOverride } from '../models/device.ts';
import { DEFAULT_SOURCE, type ModelSourceSettings } from '../models/env.ts';
import { startVlmWorker, type VlmClient } from '../models/vlm/client.ts';
import { VlmPolicy } from '../models/vlm/policy.ts';
import { startSearchWorker } from '../retrieval/worker.ts';
import { DocumentLibrary } from '../store/index.ts';

/** A VLM by registry id, or a converted model folder served at `baseUrl` (`${baseUrl}${id}/config.json`). */
export type ModelSpec = { kind: 'registry'; id: string } | { kind: 'folder'; id: string; baseUrl: string };

export interface SessionFile {
  name: string;
  url: string;
}

export interface LoadedModel {
  client: VlmClient;
  /** Greedy decoding. */
  policy: VlmPolicy;
  /** The same model sampling at temperature 0.7 (best-of-N). */
  sampling: VlmPolicy;
  label: string;
}

export type Log = (line: string) => void;

/** Ingests the files into a fresh library; a file that cannot be read fails the whole session. */
export async function openLibrary(files: SessionFile[], log: Log): Promise<{ library: Library; docIds: Map<string, string>; close: () => void }> {
  const name = `headless-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const ingest = startIngestWorker();
  const search = startSearchWorker();
  const library = new Library({ store: new DocumentLibrary(name), ingest, search });
  const close = () => {
    library.close();
    ingest.terminate();
    search.terminate();
    indexedDB.deleteDatabase(name);
  };
  try {
    const docIds = new Map<string, string>();
    for (const file of files) {
      const response = await fetch(file.url);
      if (!response.ok) throw new AppError('invalid-input', `Cannot read “${file.name}” (${response.status}).`);
      const started = performance.now();
      const [result] = await library.addFiles([{ name: file.name, data: await response.blob() }]);
      if (result!.status !== 'added' && result!.status !== 'duplicate') {
        throw new AppError(result!.code ?? 'corrupt-file', result!.message ?? `“${file.name}” could not be added.`);
      }
      docIds.set(file.name, result!.docId!);
      log(`ingested ${file.name}: ${result!.pages} pages in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    return { library, docIds, close };
  } catch (error) {
    close();
    throw error;
  }
}

export async function loadModel(spec: ModelSpec, override: DeviceOverride, log: Log, options: { maxNewTokens: number; temperature?: number }): Promise<LoadedModel> {
  const choice = chooseDevice(await probeDevice(), override);
  let source: ModelSourceSettings = DEFAULT_SOURCE;
  let modelId: string;
  let vision;
  let dtype;
  let wasmDtype;
  if (spec.kind === 'registry') {
    const entry = findModel(spec.id);
    if (!entry || entry.kind !== 'vlm') throw new AppError('model-missing', `“${spec.id}” is not a vision-language model in the registry.`);
    modelId = entry.hubId;
    vision = entry.vision;
    dtype = dtypesFor(entry, choice);
    wasmDtype = (entry as VlmEntry).dtypes.wasm;
  } else {
    source = { remoteHost: DEFAULT_SOURCE.remoteHost, allowRemote: false, localModelPath: spec.baseUrl };
    modelId = spec.id;
    const config = await fetch(`${spec.baseUrl}${spec.id}/config.json`).then((r) => (r.ok ? r.json() : null));
    if (!config) throw new AppError('model-missing', `No config.json in the model folder “${spec.id}”.`);
    vision = visionForModelType(String(config.model_type));
    const files = ['embed_tokens', 'vision_encoder', 'decoder_model_merged'];
    dtype = Object.fromEntries(files.map((f) => [f, 'fp32'])) as Record<string, 'fp32'>;
    wasmDtype = dtype;
  }
  log(`loading ${modelId} on ${choice.device} (${choice.reason})`);
  const client = startVlmWorker((notice) => log(notice));
  try {
    const info = await client.load({ modelId, device: choice.device, dtype, wasmDtype, source });
    log(`loaded ${modelId} in ${(info.loadMs / 1000).toFixed(1)} s`);
  } catch (error) {
    client.terminate();
    throw error;
  }
  const policy = new VlmPolicy(client, modelId, vision, { maxNewTokens: options.maxNewTokens, temperature: options.temperature ?? 0, constrainActions: false });
  const sampling = new VlmPolicy(client, modelId, vision, { maxNewTokens: options.maxNewTokens, temperature: 0.7, constrainActions: false });
  return { client, policy, sampling, label: modelId };
}

export type { Policy };
