/** Ingest worker: renders, reads and OCRs documents off the main thread (see src/ingest/client.ts). */
import { ingestWorkerApi } from '../src/ingest/worker-api.ts';
import { exposeWorkerApi } from '../src/rpc/spawn.ts';

exposeWorkerApi(ingestWorkerApi());
