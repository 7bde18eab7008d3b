/** Ingest worker: renders, reads and OCRs documents off the main thread (see src/ingest/client.ts). */
import { ingestEngine } from '../src/ingest/worker-api.ts';
import { exposeWorkerApi } from '../src/rpc/spawn.ts';

exposeWorkerApi(ingestEngine());
