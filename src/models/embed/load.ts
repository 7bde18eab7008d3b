/**
 * Loads an embedder into a worker, from the registry or from a folder imported into the model
 * cache (its family read from config.json), on the device the settings and the browser allow.
 */
import { AppError } from '../../errors.ts';
import { LOCAL_FOLDER_HOST, LOCAL_FOLDER_SOURCE, MODEL_CACHE } from '../cache.ts';
import type { EmbedderEntry } from '../config.ts';
import { chooseDevice, probeDevice, type DeviceOverride } from '../device.ts';
import { startEmbedWorker, type EmbedderClient } from './client.ts';
import type { EmbedderInfo, EmbedderLoadRequest } from './types.ts';

export type EmbedderSource = { kind: 'registry'; entry: EmbedderEntry } | { kind: 'folder'; modelId: string; modality: 'text' | 'image' };

export interface LoadedEmbedder {
  client: EmbedderClient;
  modelId: string;
  info: EmbedderInfo;
}

const FAMILIES: Record<string, EmbedderEntry['family']> = { bert: 'bert', xlm_roberta: 'bert', clip: 'clip', jina_clip: 'jina_clip', siglip: 'siglip' };

async function folderRequest(modelId: string, modality: 'text' | 'image'): Promise<Omit<EmbedderLoadRequest, 'device'>> {
  const cache = await caches.open(MODEL_CACHE);
  const config = await (await cache.match(`${LOCAL_FOLDER_HOST}${modelId}/resolve/main/config.json`))?.json().catch(() => null);
  if (!config) throw new AppError('model-missing', `The model folder “${modelId}” is not on this device (no config.json). Load the folder again.`);
  const family = FAMILIES[String(config.model_type)];
  if (!family) throw new AppError('model-failed', `“${modelId}” is a “${String(config.model_type)}” model, not a text (BERT-like) or image (CLIP, SigLIP) embedder.`);
  return { modelId, family, modality, dtype: 'fp32', source: LOCAL_FOLDER_SOURCE };
}

export async function loadEmbedder(source: EmbedderSource, options: { device: DeviceOverride; modelHost: string }): Promise<LoadedEmbedder> {
  const choice = chooseDevice(await probeDevice(), options.device);
  const request: EmbedderLoadRequest =
    source.kind === 'registry'
      ? {
          modelId: source.entry.hubId,
          family: source.entry.family,
          modality: source.entry.modality,
          device: choice.device,
          dtype: source.entry.dtype,
          source: { remoteHost: options.modelHost, allowRemote: true },
          ...(source.entry.queryPrefix ? { queryPrefix: source.entry.queryPrefix } : {}),
          ...(source.entry.documentPrefix ? { documentPrefix: source.entry.documentPrefix } : {}),
        }
      : { ...(await folderRequest(source.modelId, source.modality)), device: choice.device };
  const client = startEmbedWorker();
  try {
    const info = await client.load(request);
    return { client, modelId: request.modelId, info };
  } catch (error) {
    client.terminate();
    throw error;
  }
}
