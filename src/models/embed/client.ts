/** The page side of workers/embed.worker.ts (one worker per loaded embedder): the embedder engine's proxy, its worker restarted with the last load request if it dies. */
import { restartingEngine } from '../../rpc/restarting-engine.ts';
import type { EngineWorker, WorkerFactory } from '../../rpc/spawn.ts';
import type { EmbedderLoadRequest } from './types.ts';
import type { EmbedEngine } from './worker-api.ts';

export type EmbedderClient = EngineWorker<EmbedEngine>;

export function startEmbedWorker(createWorker: WorkerFactory): EmbedderClient {
  return restartingEngine<EmbedEngine, EmbedderLoadRequest>(createWorker);
}
