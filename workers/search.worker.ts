/** Search worker: reads the page indexes (BM25 and embeddings) from the library and answers top-k queries off the main thread. */
import { searchEngine } from '../src/retrieval/worker-api.ts';
import { exposeWorkerApi } from '../src/rpc/spawn.ts';

exposeWorkerApi(searchEngine());
