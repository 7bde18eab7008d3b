/**
 * Loads a vision-language model into a worker, from the registry (hub host or mirror) or from a
 * folder imported into the model cache, on the device the settings and the browser allow.
 * Used by the app's model manager and by the command-line tools.
 */
import type { VisionSpec } from '../../agent/types.ts';
import { AppError } from '../../errors.ts';
import { LOCAL_FOLDER_HOST, LOCAL_FOLDER_SOURCE, MODEL_CACHE } from '../cache.ts';
import { visionForModelType, type VlmEntry } from '../config.ts';
import { chooseDevice, dtypesFor, probeDevice, type Device, type DeviceOverride } from '../device.ts';
import { folderDtypes, usesF16 } from '../folder-dtype.ts';
import type { DownloadSnapshot } from '../progress.ts';
import { startVlmWorker, type VlmClient } from './client.ts';
import type { VlmLoadRequest } from './types.ts';

export type VlmSource = { kind: 'registry'; entry: VlmEntry } | { kind: 'folder'; modelId: string };

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
  if (source.kind === 'registry') {
    const { entry } = source;
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
