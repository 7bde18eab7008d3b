/** The one way to talk to workers: the app's typed errors cross every boundary intact, minified bundle included. */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { startIngestWorker } from '../../src/ingest/client.ts';
import { startPerceptionWorker } from '../../src/perception/client.ts';
import { VRAG_PIXEL_BOUNDS } from '../../src/perception/geometry.ts';
import { startSearchWorker } from '../../src/retrieval/search-client.ts';
import { BUNDLES, workerFactory } from '../support/workers.ts';

async function caught(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

for (const bundle of BUNDLES) {
  describe(`errors from workers (${bundle} bundle)`, () => {
    it('arrive as AppErrors with their code and message', async () => {
      const perception = startPerceptionWorker(await workerFactory('perception', bundle));
      const search = startSearchWorker(await workerFactory('search', bundle));
      const ingest = startIngestWorker(await workerFactory('ingest', bundle));
      try {
        const image = await caught(perception.preparePage(new Blob([]), VRAG_PIXEL_BOUNDS));
        expect(image).toBeInstanceOf(AppError);
        expect(image).toMatchObject({ code: 'invalid-image', message: 'The image is empty (0 bytes).' });
        const missing = await caught(search.search('text-dense', new Float32Array(4), 3));
        expect(missing).toMatchObject({ code: 'retrieval-failed', message: expect.stringMatching(/not loaded/) });
        const events = ingest.ingestFile(new Blob(['not a pdf at all']), 'notes.txt');
        const refused = await caught((async () => { for await (const _ of events) void _; })());
        expect(refused).toBeInstanceOf(AppError);
        expect(refused).toMatchObject({ code: 'unsupported-file' });
      } finally {
        perception.terminate();
        search.terminate();
        ingest.terminate();
      }
    });
  });
}
