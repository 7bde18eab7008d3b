/**
 * Loads a vision-language model into a worker, from the registry (hub host or mirror) or from a
 * folder imported into the model cache, on the device the settings and the browser allow.
 * Used by the app's model manager and by the command-line tools.
 */
import type { VisionSpec } from '../../agent/types.ts';
import { AppError } from '../../errors.ts';
import { LOCAL_FOLDER_HOST, LOCAL_FOLDER_SOURCE, MODEL_CACHE } from '../cache.ts';
import { customVlmEntry, visionForModelType, type VlmEntry } from '../config.ts';
import { chooseDevice, dtypesFor, probeDevice, type Device, type DeviceOverride } from '../device.ts';
import { folderDtypes, usesF16 } from '../folder-dtype.ts';
import type { DownloadSnapshot } from '../progress.ts';
import { startVlmWorker, type VlmClient } from './client.ts';
import type { VlmLoadRequest } from './types.ts';

/** A registry model, a folder imported into the model cache, or any hub id the user types. */
export type VlmSource = { kind: 'registry'; entry: VlmEntry } | { kind: 'folder'; modelId: string } | { kind: 'hub'; hubId: string };

/** Builds the entry for a typed hub id from its config.json on the model host. */
export async function hubEntry(hubId: string, modelHost: string): Promise<VlmEntry> {
  const id = hubId.trim();
  if (!/^[\w.-]+\/[\w.-]+$/.test(id)) throw new AppError('invalid-config', `“${hubId}” is not a hub id; write it as owner/name, e.g. onnx-community/Qwen2-VL-2B-Instruct.`);
  const host = modelHost.endsWith('/') ? modelHost : `${modelHost}/`;
  let config: { model_type?: unknown } | null;
  try {
    const response = await fetch(`${host}${id}/resolve/main/config.json`);
    config = response.ok ? await response.json() : null;
  } catch (cause) {
    throw new AppError('model-missing', `The model host ${host} could not be reached to look up ${id}. Check the network, or load the model from a folder.`, { cause });
  }
  if (!config) throw new AppError('model-missing', `${id} was not found on ${host} (no config.json). Check the spelling of the hub id.`);
  const entry = customVlmEntry(id, String(config.model_type));
  if (!entry) {
    throw new AppError('model-failed', `${id} is a “${String(config.model_type)}” model; this app runs Qwen2-VL, Qwen2.5-VL, Qwen3-VL and SmolVLM exports for transformers.js.`);
  }
  return entry;
}

export interface LoadedVlm {
  client: VlmClient;
  modelId: string;
  label: string;
  vision: VisionSpec;
  device: Device;
  f16: boolean;
}

export interface LoadOptions {
  device: DeviceOverride;
  modelHost: string;
  onProgress?: (p: DownloadSnapshot) => void;
  onNotice?: (message: string) => void;
}

async function folderRequest(modelId: string, f16: boolean, device: Device): Promise<{ request: VlmLoadRequest; vision: VisionSpec }> {
  const cache = await caches.open(MODEL_CACHE);
  const prefix = `${LOCAL_FOLDER_HOST}${modelId}/resolve/main/`;
  const paths = (await cache.keys()).map((r) => r.url).filter((u) => u.startsWith(prefix)).map((u) => u.slice(prefix.length));
  const config = await (await cache.match(`${prefix}config.json`))?.json().catch(() => null);
  if (!config) throw new AppError('model-missing', `The model folder “${modelId}” is not on this device any more (no config.json). Load the folder again.`);
  const dtype = folderDtypes(paths, f16);
  const wasmDtype = folderDtypes(paths, false);
  if (!dtype || !wasmDtype) {
    throw new AppError('invalid-model-folder', `“${modelId}” lacks the ONNX files a Qwen-VL model needs (onnx/embed_tokens, vision_encoder and decoder_model_merged).`);
  }
  return { request: { modelId, device, dtype, wasmDtype, source: LOCAL_FOLDER_SOURCE }, vision: visionForModelType(String(config.model_type)) };
}

export async function loadVlm(source: VlmSource, options: LoadOptions): Promise<LoadedVlm> {
  const choice = chooseDevice(await probeDevice(), options.device);
  let request: VlmLoadRequest;
  let vision: VisionSpec;
  let label: string;
  if (source.kind !== 'folder') {
    const entry = source.kind === 'registry' ? source.entry : await hubEntry(source.hubId, options.modelHost);
    request = {
      modelId: entry.hubId,
      device: choice.device,
      dtype: dtypesFor(entry, choice),
      wasmDtype: entry.dtypes.wasm,
      source: { remoteHost: options.modelHost, allowRemote: true },
    };
    vision = entry.vision;
    label = entry.label;
  } else {
    ({ request, vision } = await folderRequest(source.modelId, choice.f16, choice.device));
    label = source.modelId;
  }
  const client = startVlmWorker(options.onNotice);
  try {
    const info = await client.load(request, options.onProgress);
    return { client, modelId: info.modelId, label, vision, device: info.device, f16: info.device === 'webgpu' && usesF16(info.dtype) };
  } catch (error) {
    client.terminate();
    throw error;
  }
}
