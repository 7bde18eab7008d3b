/**
 * Loads a vision-language model into a worker, from the registry (hub host or mirror), from a
 * folder imported into the model cache, or by any hub id, on the device the settings and the
 * browser allow. Used by the app's model manager and by the command-line tools.
 */
import { AppError } from '../../errors.ts';
import { readModelFolder } from '../cache.ts';
import { chooseDevice, probeDevice, variantFor, type Device, type DeviceOverride } from '../device.ts';
import { vlmFamilyOfConfig } from '../families/index.ts';
import type { VlmFamily } from '../families/types.ts';
import { folderVariant, usesF16 } from '../folder-dtype.ts';
import { hostUrl, LOCAL_FOLDER_SOURCE, modelFileUrl } from '../hub.ts';
import type { DownloadSnapshot } from '../progress.ts';
import { customVlmEntry, expectedFiles, type VlmEntry } from '../registry.ts';
import { startVlmWorker, type VlmClient, type WorkerFactory } from './client.ts';
import type { VlmFiles, VlmLoadRequest } from './types.ts';

/** A registry model, a folder imported into the model cache, or any hub id the user types. */
export type VlmSource = { kind: 'registry'; entry: VlmEntry } | { kind: 'folder'; modelId: string } | { kind: 'hub'; hubId: string };

/** Builds the entry for a typed hub id from its config.json on the model host. */
export async function hubEntry(hubId: string, modelHost: string): Promise<VlmEntry> {
  const id = hubId.trim();
  if (!/^[\w.-]+\/[\w.-]+$/.test(id)) throw new AppError('invalid-config', `“${hubId}” is not a hub id; write it as owner/name, e.g. onnx-community/Qwen2-VL-2B-Instruct.`);
  const host = hostUrl(modelHost);
  let config: unknown;
  try {
    const response = await fetch(modelFileUrl(host, id, 'config.json'));
    config = response.ok ? await response.json() : null;
  } catch (cause) {
    throw new AppError('model-missing', `The model host ${host} could not be reached to look up ${id}. Check the network, or load the model from a folder.`, { cause });
  }
  if (!config) throw new AppError('model-missing', `${id} was not found on ${host} (no config.json). Check the spelling of the hub id.`);
  const family = vlmFamilyOfConfig(config, id);
  return customVlmEntry(id, family);
}

export interface LoadedVlm {
  client: VlmClient;
  modelId: string;
  label: string;
  family: VlmFamily;
  device: Device;
  f16: boolean;
  /** Why this device, in words. */
  deviceReason: string;
  /** Bytes of weights loaded. */
  modelBytes: number;
}

export interface LoadOptions {
  device: DeviceOverride;
  modelHost: string;
  onProgress?: (p: DownloadSnapshot) => void;
  onNotice?: (message: string) => void;
  /** Starts the VLM's worker: the session hands it out (src/session/workers.ts). */
  createWorker: WorkerFactory;
}

interface Plan {
  request: VlmLoadRequest;
  family: VlmFamily;
  label: string;
  reason: string;
}

async function registryPlan(entry: VlmEntry, override: DeviceOverride, modelHost: string): Promise<Plan> {
  const choice = chooseDevice(await probeDevice(), override);
  const chosen = variantFor(entry, choice);
  if (!chosen) throw new AppError('model-failed', `${entry.label} has no files for this device.`);
  const files = (name: typeof chosen.name): VlmFiles => ({ variant: entry.variants[name]!, expected: expectedFiles(entry, name) });
  const wasm = entry.variants.wasm ? files('wasm') : undefined;
  return {
    request: {
      modelId: entry.hubId,
      ...(entry.revision ? { revision: entry.revision } : {}),
      device: chosen.device,
      files: files(chosen.name),
      ...(wasm ? { fallback: wasm } : {}),
      source: { remoteHost: modelHost, allowRemote: true },
    },
    family: entry.family,
    label: entry.label,
    reason: chosen.name === choice.variant ? choice.reason : `${entry.label} has no WebGPU files; using WASM.`,
  };
}

async function folderPlan(modelId: string, override: DeviceOverride): Promise<Plan> {
  const { paths, config } = await readModelFolder(modelId);
  if (!config) throw new AppError('model-missing', `The model folder “${modelId}” is not on this device any more (no config.json). Load the folder again.`);
  const family = vlmFamilyOfConfig(config, modelId);
  const choice = chooseDevice(await probeDevice(), override);
  const variant = folderVariant(paths, choice.variant === 'webgpu-f16', family.sessions);
  const wasm = folderVariant(paths, false, family.sessions);
  if (!variant || !wasm) {
    throw new AppError('invalid-model-folder', `“${modelId}” lacks the ONNX files a ${family.name} model needs (onnx/${family.sessions.join(', onnx/')}).`);
  }
  return {
    request: {
      modelId,
      device: choice.device,
      files: { variant, expected: {} },
      fallback: { variant: wasm, expected: {} },
      source: LOCAL_FOLDER_SOURCE,
    },
    family,
    label: modelId,
    reason: choice.reason,
  };
}

export async function loadVlm(source: VlmSource, options: LoadOptions): Promise<LoadedVlm> {
  const plan =
    source.kind === 'folder'
      ? await folderPlan(source.modelId, options.device)
      : await registryPlan(source.kind === 'registry' ? source.entry : await hubEntry(source.hubId, options.modelHost), options.device, options.modelHost);
  const client = startVlmWorker(options.onNotice ?? (() => {}), options.createWorker);
  try {
    const info = await client.load(plan.request, options.onProgress);
    return {
      client,
      modelId: info.modelId,
      label: plan.label,
      family: plan.family,
      device: info.device,
      f16: info.device === 'webgpu' && usesF16(info.files.variant.dtype),
      deviceReason: plan.reason,
      modelBytes: info.modelBytes,
    };
  } catch (error) {
    client.terminate();
    throw error;
  }
}
