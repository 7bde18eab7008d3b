/** The one way to talk to workers: the app's typed errors cross every boundary intact, minified bundle included. */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { startIngestWorker } from '../../src/ingest/client.ts';
import { startPerceptionWorker } from '../../src/perception/client.ts';
import { VRAG_PIXEL_BOUNDS } from '../../src/perception/geometry.ts';
import { startSearchWorker } from '../../src/retrieval/search-client.ts';
import { createSession } from '../../src/session/session.ts';
import { APP_WORKERS, OCR_WORKER_URL } from '../../src/session/workers.ts';
import { BUNDLES, workerFactory as bundleWorker, type Bundle } from '../support/workers.ts';

/** The bundle's ingest worker factory, counting the workers it starts. */
async function countedIngest(bundle: Bundle) {
  const create = await bundleWorker('ingest', bundle);
  const counted = { started: 0, create: () => (counted.started++, create()) };
  return counted;
}

async function drain(events: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of events) void _;
}

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
      const perception = startPerceptionWorker(await bundleWorker('perception', bundle));
      const search = startSearchWorker(await bundleWorker('search', bundle));
      const ingest = startIngestWorker(await bundleWorker('ingest', bundle), OCR_WORKER_URL);
      try {
        const image = await caught(perception.preparePage(new Blob([]), VRAG_PIXEL_BOUNDS));
        expect(image).toBeInstanceOf(AppError);
        expect(image).toMatchObject({ code: 'invalid-image', message: 'The image is empty (0 bytes).' });
        const closed = await caught(search.searchVectors({ modelId: 'm', kind: 'text' }, new Float32Array(4), 3));
        expect(closed).toBeInstanceOf(AppError);
        expect(closed).toMatchObject({ code: 'retrieval-failed', message: expect.stringMatching(/no document library open/) });
        const refused = await caught(drain(ingest.ingestFile(new Blob(['not a pdf at all']), 'notes.docx')));
        expect(refused).toBeInstanceOf(AppError);
        expect(refused).toMatchObject({ code: 'unsupported-file' });
      } finally {
        perception.terminate();
        search.terminate();
        ingest.terminate();
      }
    });

    it('starts the ingest worker on its first call only, and not at all when ended first', async () => {
      const unused = await countedIngest(bundle);
      startIngestWorker(unused.create, OCR_WORKER_URL).terminate();
      expect(unused.started).toBe(0);

      const used = await countedIngest(bundle);
      const ingest = startIngestWorker(used.create, OCR_WORKER_URL);
      try {
        expect(used.started).toBe(0);
        for (const name of ['one.docx', 'two.docx']) {
          const refused = await caught(drain(ingest.ingestFile(new Blob(['plain text']), name)));
          expect(refused).toMatchObject({ code: 'unsupported-file' });
        }
        expect(used.started).toBe(1);
      } finally {
        ingest.terminate();
      }
    });

    it('a session that only searches never loads the ingest bundle', async () => {
      const ingest = await countedIngest(bundle);
      const session = createSession({
        libraryName: `lazy-ingest-${bundle}-${Date.now()}`,
        deleteOnClose: true,
        workers: { search: await bundleWorker('search', bundle), perception: await bundleWorker('perception', bundle), ingest: ingest.create },
      });
      try {
        expect(await session.retriever().search('revenue by segment', 5)).toEqual([]);
        expect(ingest.started).toBe(0);
      } finally {
        session.close();
      }
    });
  });
}

describe('the session owns its workers', () => {
  it('the remote relay worker starts with the first endpoint request and ends with the session', async () => {
    const started: Worker[] = [];
    let ended = 0;
    const remote = () => {
      const worker = APP_WORKERS.remote();
      const terminate = worker.terminate.bind(worker);
      worker.terminate = () => (ended++, terminate());
      started.push(worker);
      return worker;
    };
    const session = createSession({ libraryName: `relay-${Date.now()}`, deleteOnClose: true, workers: { remote } });
    expect(started).toHaveLength(0);
    // Nothing listens there: the request fails, but it went through the session's relay.
    await expect(session.listEndpointModels({ endpoint: 'http://127.0.0.1:9/v1' })).rejects.toBeInstanceOf(AppError);
    expect(started).toHaveLength(1);
    session.close();
    expect(ended).toBe(1);
  });
});
