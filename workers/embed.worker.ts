/** Embedder worker: embeds page text, page images and queries off the main thread. */
import { embedWorkerApi } from '../src/models/embed/worker-api.ts';
import { exposeWorkerApi } from '../src/rpc/spawn.ts';

exposeWorkerApi(embedWorkerApi());
