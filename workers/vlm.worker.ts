/** VLM worker: runs the vision-language model off the main thread. */
import { vlmWorkerApi } from '../src/models/vlm/worker-api.ts';
import { exposeWorkerApi } from '../src/rpc/spawn.ts';

exposeWorkerApi(vlmWorkerApi());
