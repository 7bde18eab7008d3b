/**
 * A VLM on transformers.js, in workers/vlm.worker.ts: one loaded model at a time, a reply at a
 * time, an interrupt within one token. The concerns live beside it: loading (model-load.ts), one
 * reply (generation.ts), KV-prefix reuse across turns (prefix-cache.ts), the opener constraint
 * (constrain.ts), and every bridge to transformers.js' types (transformers-adapter.ts). The client
 * restarts the worker on WASM if the WebGPU device is lost. It knows the model's family (from
 * config.json's model_type) but nothing of the agent above it.
 */
import { AppError, describeError } from '../../errors.ts';
import type { DownloadSnapshot } from '../progress.ts';
import { OpenerTable } from './constrain.ts';
import { generateReply, notLoaded, type Turn } from './generation.ts';
import { deviceLost, loadVlmModel, type LoadedVlmModel } from './model-load.ts';
import { PrefixCache } from './prefix-cache.ts';
import { decoder, Interrupter, vocabularySize } from './transformers-adapter.ts';
import type { VlmGenerateRequest, VlmGenerateResult, VlmInfo, VlmLoadRequest } from './types.ts';

interface Loaded extends LoadedVlmModel {
  openers: OpenerTable;
  /** Resolves when the WebGPU device the model runs on is lost; null on WASM. */
  gpuLost: Promise<true> | null;
}

export class VlmRuntime {
  private loaded: Loaded | null = null;
  private readonly prefix = new PrefixCache();
  private readonly interrupter = new Interrupter();
  /** The reply being generated (or the last one). */
  private turn: Turn | null = null;

  async load(request: VlmLoadRequest, onProgress?: (p: DownloadSnapshot) => void): Promise<VlmInfo> {
    await this.dispose();
    const loaded = await loadVlmModel(request, onProgress);
    this.loaded = {
      ...loaded,
      openers: new OpenerTable(vocabularySize(loaded.model), (id) => decoder(loaded.model, false)([id])),
      gpuLost: request.device === 'webgpu' ? deviceLost() : null,
    };
    return loaded.info;
  }

  current(): VlmInfo | null {
    return this.loaded?.info ?? null;
  }

  async generate(request: VlmGenerateRequest, onText: (delta: string) => void): Promise<VlmGenerateResult> {
    const loaded = this.loaded;
    if (!loaded) throw notLoaded();
    try {
      return await generateReply({ loaded, openers: loaded.openers, prefix: this.prefix, interrupter: this.interrupter, onTurn: (turn) => (this.turn = turn) }, request, onText);
    } catch (error) {
      // After a lost device every run fails; say so in a way the client can act on (restart on WASM).
      const lost = loaded.gpuLost && (await Promise.race([loaded.gpuLost, new Promise<false>((r) => setTimeout(() => r(false), 200))]));
      if (lost) throw new AppError('gpu-lost', `The GPU stopped responding (${describeError(error).slice(0, 160)}).`, { cause: error });
      throw error;
    }
  }

  /** Stops the running generation after the current token. */
  interrupt(): void {
    this.turn?.interrupted();
    this.interrupter.interrupt();
  }

  async dispose(): Promise<void> {
    await this.prefix.clear();
    const loaded = this.loaded;
    this.loaded = null;
    this.turn = null;
    await loaded?.model.model.dispose();
  }
}
