/** Perception worker: crops and resamples page images off the main thread. */
import { perceptionWorkerApi } from '../src/perception/worker-api.ts';
import { exposeWorkerApi } from '../src/rpc/spawn.ts';

exposeWorkerApi(perceptionWorkerApi());
