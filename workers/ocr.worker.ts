/** OCR worker: one ONNX Runtime reading whole pages for the ingest worker (see src/ingest/ocr-pool.ts). */
import { ocrWorkerApi } from '../src/ingest/ocr-worker-api.ts';
import { exposeWorkerApi } from '../src/rpc/spawn.ts';

exposeWorkerApi(ocrWorkerApi());
