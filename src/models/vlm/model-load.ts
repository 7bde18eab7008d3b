/**
 * Loading a VLM in the worker: config.json first (its model_type decides the family, which may
 * reshape the config), then the processor and the ONNX sessions with one overall progress, then
 * a chat template from its own file when the export keeps it there.
 */
import { AppError } from '../../errors.ts';
import { configureModelEnv, fetchModelText } from '../env.ts';
import { vlmFamilyOfConfig } from '../families/index.ts';
import type { VlmFamily } from '../families/types.ts';
import { modelLoadError } from '../load-errors.ts';
import { progressCallback, type DownloadSnapshot } from '../progress.ts';
import { hasChatTemplate, loadModel, setChatTemplate, webgpuDevice, type VlmModel } from './transformers-adapter.ts';
import type { VlmInfo, VlmLoadRequest } from './types.ts';

export interface LoadedVlmModel {
  model: VlmModel;
  family: VlmFamily;
  info: VlmInfo;
}

type ReadText = (path: string) => Promise<string | null>;

export async function loadVlmModel(request: VlmLoadRequest, onProgress?: (p: DownloadSnapshot) => void): Promise<LoadedVlmModel> {
  configureModelEnv(request.source);
  const { progress, progress_callback } = progressCallback(onProgress, request.files.expected);
  const started = performance.now();
  const { variant } = request.files;
  // Files read here rather than by transformers.js still count in the one progress.
  const readText: ReadText = async (path) => {
    const text = await fetchModelText(request.source, request.modelId, path, request.revision);
    if (text !== null) progress_callback({ status: 'done', file: path, loaded: text.length, total: new TextEncoder().encode(text).length });
    return text;
  };
  try {
    const config = await readConfig(request.modelId, readText);
    const family = vlmFamilyOfConfig(config, request.modelId);
    const model = await loadModel(request.modelId, {
      ...(request.revision ? { revision: request.revision } : {}),
      progress_callback,
      config: family.normalizeConfig?.(config) ?? config,
      device: request.device,
      dtype: variant.dtype,
      externalData: variant.externalData,
    });
    await ensureChatTemplate(model, family, request.modelId, readText);
    const info: VlmInfo = {
      modelId: request.modelId,
      modelType: String(config.model_type),
      device: request.device,
      files: request.files,
      modelBytes: progress.snapshot(true).totalBytes,
      loadMs: performance.now() - started,
    };
    return { model, family, info };
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw modelLoadError(request.modelId, error);
  }
}

/** config.json, read first: the family (by model_type) decides how the rest is loaded. */
async function readConfig(modelId: string, readText: ReadText): Promise<Record<string, unknown>> {
  const text = await readText('config.json');
  if (text === null) throw new AppError('model-missing', `The files of model "${modelId}" could not be found (no config.json). Download it in the model manager (it needs the network once), or load it from a local folder.`);
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (cause) {
    throw new AppError('model-corrupt', `The config.json of model "${modelId}" is damaged. Delete the model in the model manager and download it again.`, { cause });
  }
}

/** Newer exports keep the chat template in its own file, which transformers.js does not read for Qwen-VL. */
async function ensureChatTemplate(model: VlmModel, family: VlmFamily, modelId: string, readText: ReadText): Promise<void> {
  if (hasChatTemplate(model) || !family.chatTemplateFile) return;
  const template = await readText(family.chatTemplateFile);
  if (!template) throw new AppError('model-missing', `“${modelId}” has no chat template (neither in tokenizer_config.json nor in ${family.chatTemplateFile}).`);
  setChatTemplate(model, template);
}

/** Resolves when the WebGPU device the model runs on is lost (a driver crash, a reset); never on WASM. */
export async function deviceLost(): Promise<true> {
  const device = await webgpuDevice();
  if (!device) return new Promise<true>(() => {});
  await device.lost;
  return true;
}
