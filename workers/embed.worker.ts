/** Embedder worker: embeds page text, page images and queries off the main thread (the engine in src/models/embed/worker-api.ts). */
import { embedEngine } from '../src/models/embed/worker-api.ts';
import { exposeWorkerApi } from '../src/rpc/spawn.ts';

exposeWorkerApi(embedEngine());
