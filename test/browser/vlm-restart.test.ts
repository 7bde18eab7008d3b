/** The VLM worker outlives a crash of its worker, as the embedder and search workers do (src/rpc/restarting-engine.ts). */
import { expect, it } from 'vitest';
import { startVlmWorker } from '../../src/models/vlm/client.ts';
import type { VlmGenerateRequest } from '../../src/models/vlm/types.ts';
import { folderVlmRequest, SCRIPTED_VLM } from '../support/test-models.ts';
import { workerFactory } from '../support/workers.ts';

it('a VLM worker that dies is started again with its last load request, by the next generate', async () => {
  const workers: Worker[] = [];
  const create = await workerFactory('vlm', 'production');
  const notices: string[] = [];
  const client = startVlmWorker(
    (m) => notices.push(m),
    () => {
      const worker = create();
      workers.push(worker);
      return worker;
    },
  );
  try {
    const { loadMs: _, ...loaded } = await client.load(folderVlmRequest(SCRIPTED_VLM.absolute, 'wasm'));
    const request: VlmGenerateRequest = { messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }], images: [], maxNewTokens: 4 };
    const before = await client.generate(request, () => {});
    // As a crash would: the worker is gone and said so with an error it did not handle.
    workers[0]!.terminate();
    workers[0]!.dispatchEvent(new ErrorEvent('error', { message: 'out of memory' }));
    let streamed = '';
    const after = await client.generate(request, (delta) => (streamed += delta));
    expect(workers).toHaveLength(2);
    expect(after.text).toBe(before.text);
    expect(streamed).toBe(after.text);
    expect(await client.info()).toMatchObject(loaded);
    expect(notices).toEqual([]);
  } finally {
    client.terminate();
  }
});
