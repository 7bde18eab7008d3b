/**
 * A model replaced while it answers: the question finishes on the model it started with, the new
 * one answers the next, and a call to a worker that is ended fails instead of waiting for ever.
 * The workers are the production bundle's; a gate holds the messages to one worker so that a call
 * is in flight at the moment the test needs it.
 */
import { afterAll, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { deleteCachedModel, importModelFolder, LOCAL_FOLDER_HOST } from '../../src/models/cache.ts';
import { startVlmWorker } from '../../src/models/vlm/client.ts';
import type { VlmGenerateRequest } from '../../src/models/vlm/types.ts';
import type { WorkerFactory } from '../../src/rpc/spawn.ts';
import { createSession } from '../../src/session/session.ts';
import { folderVlmRequest, modelFolder, SCRIPTED_VLM } from '../support/test-models.ts';
import { workerFactory } from '../support/workers.ts';

const MODEL = 'replace-test-vlm';

afterAll(() => deleteCachedModel(MODEL, LOCAL_FOLDER_HOST));

interface Watched {
  posted: number;
  ended: boolean;
  /** Messages to the worker wait until `open` (they are counted when they reach it). */
  close(): void;
  open(): void;
  held(): number;
}

/** Starts real workers and watches each: what reaches it, and whether it was ended. */
function watchedWorkers(create: WorkerFactory): { factory: WorkerFactory; started: Watched[] } {
  const started: Watched[] = [];
  const factory = () => {
    const worker = create();
    const post = worker.postMessage.bind(worker);
    const end = worker.terminate.bind(worker);
    let queue: (() => void)[] | null = null;
    const watched: Watched = {
      posted: 0,
      ended: false,
      close: () => void (queue ??= []),
      open: () => {
        const waiting = queue ?? [];
        queue = null;
        waiting.forEach((send) => send());
      },
      held: () => queue?.length ?? 0,
    };
    const send = (message: unknown, transfer: Transferable[]) => {
      watched.posted++;
      post(message, transfer);
    };
    worker.postMessage = ((message: unknown, transfer: Transferable[] = []) => (queue ? queue.push(() => send(message, transfer)) : send(message, transfer))) as Worker['postMessage'];
    worker.terminate = () => {
      watched.ended = true;
      end();
    };
    started.push(watched);
    return worker;
  };
  return { factory, started };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (const started = performance.now(); !condition(); await new Promise((r) => setTimeout(r, 20))) {
    if (performance.now() - started > 30_000) throw new Error(`timed out waiting until ${what}`);
  }
}

it('a call waiting on a worker that is ended fails with what happened, and so does every later call', { timeout: 60_000 }, async () => {
  const { factory, started } = watchedWorkers(await workerFactory('vlm', 'production'));
  const client = startVlmWorker(() => {}, factory);
  await client.load(folderVlmRequest(SCRIPTED_VLM.absolute, 'wasm'));
  started[0]!.close();
  const request: VlmGenerateRequest = { messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }], images: [], maxNewTokens: 4 };
  const pending = client.generate(request, () => {});
  await until(() => started[0]!.held() > 0, 'the generate call is sent');
  client.terminate();
  const failed = await pending.then(
    () => null,
    (error: unknown) => error,
  );
  expect(failed).toBeInstanceOf(AppError);
  expect(failed).toMatchObject({ code: 'cancelled', message: expect.stringMatching(/ended before it answered/) });
  await expect(client.info()).rejects.toMatchObject({ code: 'cancelled' });
  expect(started).toHaveLength(1);
});

it('a model loaded while a question runs answers the next question; the question finishes on its model, whose worker ends then', { timeout: 120_000 }, async () => {
  await importModelFolder(MODEL, await modelFolder(SCRIPTED_VLM.absolute));
  const { factory, started } = watchedWorkers(await workerFactory('vlm', 'production'));
  const session = createSession({ libraryName: `replace-${Date.now()}`, deleteOnClose: true, workers: { vlm: factory } });
  const load = () => session.loadVlm({ kind: 'folder', modelId: MODEL }, { device: 'wasm', modelHost: LOCAL_FOLDER_HOST });
  try {
    const first = await load();
    const [firstWorker] = started;
    firstWorker!.close();
    const asked = session.ask('What is the CAGR of outbound trips from India?', { agent: { maxActions: 2 } });
    await until(() => firstWorker!.held() > 0, 'the question asks the first model');

    const second = await load();
    expect(started).toHaveLength(2);
    expect(session.vlm.value).toBe(second);
    expect(firstWorker!.ended).toBe(false);

    firstWorker!.open();
    const { result } = await asked;
    expect(result.trajectory.turns.length).toBeGreaterThan(0);
    expect(result.trajectory.outcome.status).not.toBe('error');
    expect(firstWorker!.ended).toBe(true);
    expect(first).not.toBe(second);

    const secondWorker = started[1]!;
    const before = secondWorker.posted;
    const next = await session.ask('What is the CAGR of outbound trips from India?', { agent: { maxActions: 2 } });
    expect(next.result.trajectory.turns.length).toBeGreaterThan(0);
    expect(secondWorker.posted).toBeGreaterThan(before);
    expect(secondWorker.ended).toBe(false);
  } finally {
    session.close();
  }
  expect(started.every((w) => w.ended)).toBe(true);
});
