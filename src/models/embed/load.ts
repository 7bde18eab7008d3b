/**
 * Loads an embedder into a worker, from the registry or from a folder imported into the model
 * cache (its family read from config.json's model_type), on the device the settings and the
 * browser allow. What a family embeds with (its towers, its query/passage prefixes) travels with
 * the family, so a folder and a registry entry of one family embed alike.
 */
import { AppError } from '../../errors.ts';
import { readModelFolder } from '../cache.ts';
import { chooseDevice, probeDevice, variantFor, type DeviceOverride } from '../device.ts';
import { embedderFamilyOfConfig } from '../families/index.ts';
import { folderVariant } from '../folder-dtype.ts';
import type { WorkerFactory } from '../../rpc/spawn.ts';
import { LOCAL_FOLDER_SOURCE } from '../hub.ts';
import { expectedFiles, type EmbedderEntry } from '../registry.ts';
import { startEmbedWorker, type EmbedderClient } from './client.ts';
import type { EmbedderInfo, EmbedderLoadRequest } from './types.ts';

export type EmbedderSource = { kind: 'registry'; entry: EmbedderEntry } | { kind: 'folder'; modelId: string; modality: 'text' | 'image' };

export interface LoadedEmbedder {
  client: EmbedderClient;
  modelId: string;
  info: EmbedderInfo;
}

/** The request for a folder imported into the model cache. */
async function folderRequest(modelId: string, modality: 'text' | 'image', override: DeviceOverride): Promise<EmbedderLoadRequest> {
  const { paths, config } = await readModelFolder(modelId);
  if (!config) throw new AppError('model-missing', `The model folder “${modelId}” is not on this device (no config.json). Load the folder again.`);
  const family = embedderFamilyOfConfig(config, modelId, modality);
  const choice = chooseDevice(await probeDevice(), override);
  const variant = folderVariant(paths, choice.variant === 'webgpu-f16', family.sessions);
  if (!variant) throw new AppError('invalid-model-folder', `“${modelId}” lacks the ONNX files of a ${family.name} embedder (onnx/${family.sessions.join('.onnx, onnx/')}.onnx).`);
  return { modelId, family, device: choice.device, dtype: variant.dtype, expected: {}, source: LOCAL_FOLDER_SOURCE };
}

async function registryRequest(entry: EmbedderEntry, override: DeviceOverride, modelHost: string): Promise<EmbedderLoadRequest> {
  const chosen = variantFor(entry, chooseDevice(await probeDevice(), override));
  if (!chosen) throw new AppError('model-failed', `${entry.label} has no files for this device.`);
  return {
    modelId: entry.hubId,
    ...(entry.revision ? { revision: entry.revision } : {}),
    family: entry.family,
    device: chosen.device,
    dtype: chosen.variant.dtype,
    expected: expectedFiles(entry, chosen.name),
    source: { remoteHost: modelHost, allowRemote: true },
  };
}

export interface EmbedderLoadOptions {
  device: DeviceOverride;
  modelHost: string;
  /** Starts the embedder's worker: the session hands it out (src/session/workers.ts). */
  createWorker: WorkerFactory;
}

export async function loadEmbedder(source: EmbedderSource, options: EmbedderLoadOptions): Promise<LoadedEmbedder> {
  const request = source.kind === 'registry' ? await registryRequest(source.entry, options.device, options.modelHost) : await folderRequest(source.modelId, source.modality, options.device);
  const client = startEmbedWorker(options.createWorker);
  try {
    const info = await client.load(request);
    return { client, modelId: request.modelId, info };
  } catch (error) {
    client.terminate();
    throw error;
  }
}
