/** Search worker: holds the page indexes in memory and answers top-k queries off the main thread. */
import { searchWorkerApi } from '../src/retrieval/worker-api.ts';
import { exposeWorkerApi } from '../src/rpc/spawn.ts';

exposeWorkerApi(searchWorkerApi());
