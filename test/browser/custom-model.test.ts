import { expect, it } from 'vitest';
import { hubEntry, loadVlm } from '../../src/models/vlm/load.ts';
import { APP_WORKERS } from '../../src/session/workers.ts';

it('a typed hub id is checked and, with the hub unreachable, refused with what to do', async () => {
  await expect(hubEntry('not a hub id', 'https://huggingface.co/')).rejects.toThrow(/write it as owner\/name/);
  // This machine cannot reach the hub: the message says so and offers the folder route.
  await expect(loadVlm({ kind: 'hub', hubId: 'someone/some-vlm' }, { device: 'wasm', modelHost: 'https://huggingface.co/', createWorker: APP_WORKERS.vlm })).rejects.toThrow(
    /could not be reached to look up someone\/some-vlm.*load the model from a folder/,
  );
});
