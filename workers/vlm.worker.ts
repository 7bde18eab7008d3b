/** VLM worker: runs the vision-language model off the main thread (the engine in src/models/vlm/worker-api.ts). */
import { vlmEngine } from '../src/models/vlm/worker-api.ts';
import { exposeWorkerApi } from '../src/rpc/spawn.ts';

exposeWorkerApi(vlmEngine());
