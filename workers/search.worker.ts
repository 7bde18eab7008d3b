/** Search worker: holds the page vector indexes in memory and answers top-k queries off the main thread. */
import * as Comlink from 'comlink';
import { VectorIndexes } from '../src/retrieval/vector-store.ts';

const api = new VectorIndexes();

export type SearchWorkerApi = VectorIndexes;
Comlink.expose(api);
