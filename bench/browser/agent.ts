/**
 * The framework's own overhead per agent turn: everything except model compute (the app's input
 * preparation, conversation conversion, worker messaging, retrieval, page decoding, crops), as a
 * fraction of turn time. Retrieval is the real library: three real slides ingested into IndexedDB
 * (BM25 in the search worker, page images from the store). The tiny VLM does real compute each
 * turn; its random text is replaced by a scripted valid action so every turn searches or crops.
 */
import type { Policy, PolicyRequest } from '../../src/agent/types.ts';
import { deleteCachedModel, importModelFolder, LOCAL_FOLDER_HOST } from '../../src/models/cache.ts';
import type { Device } from '../../src/models/device.ts';
import { visionSpec } from '../../src/models/families/index.ts';
import { DEFAULT_SOURCE } from '../../src/models/hub.ts';
import { findModel } from '../../src/models/registry.ts';
import { VlmPolicy } from '../../src/policies/vlm.ts';
import { createSession } from '../../src/session/session.ts';
import { fetchShared } from '../../test/support/scripted.ts';
import { modelFolder } from '../../test/support/test-models.ts';
import { round } from './stats.ts';

const SCRIPT = [
  '<think>find it</think><search>travel market</search>',
  '<think>zoom</think><bbox>[100, 80, 500, 400]</bbox>',
  '<think>closer</think><bbox>[50, 50, 300, 300]</bbox>',
  '<think>another page</think><search>travel market</search>',
  '<think>zoom</think><bbox>[200, 100, 600, 500]</bbox>',
  '<think>done</think><answer>42%</answer>',
];

/** The generated Qwen2-VL, imported as a model folder so that the session loads it the way the app does. */
const MODEL_FOLDER = 'bench-agent-qwen2-vl';

async function overhead(device: Device) {
  const session = createSession({ libraryName: `bench-agent-${Math.random().toString(36).slice(2)}`, deleteOnClose: true });
  try {
    for (const name of ['slide_6_1024.jpg', 'aliyun4_4.jpg', 'slide_7_1024.jpg']) {
      await session.library.addFiles([{ name, data: await fetchShared(`corpora/vrag-slides/${name}`) }]);
    }
    await importModelFolder(MODEL_FOLDER, await modelFolder(findModel('qwen2-vl-2b')!.hubId));
    const loaded = await session.loadVlm({ kind: 'folder', modelId: MODEL_FOLDER }, { device, modelHost: DEFAULT_SOURCE.remoteHost });
    const vision = visionSpec(loaded.family);
    // The session's model, wrapped to time its compute: the app's own input preparation is overhead.
    const vlm = new VlmPolicy(loaded.client, loaded.modelId, vision, { maxNewTokens: 24, temperature: 0, constrainActions: false });
    const computeMs: number[] = [];
    let turn = 0;
    const policy: Policy = {
      name: 'tiny-qwen2-vl + script',
      vision,
      async reply(request: PolicyRequest) {
        await vlm.reply(request);
        // Model compute only: the app's own input preparation is overhead.
        computeMs.push(vlm.last!.totalMs - vlm.last!.prepareMs);
        return SCRIPT[turn++]!;
      },
    };
    // The session's own road, with the scripted policy as the model that answers.
    const { outcome, trajectory } = (await session.ask('What share of travel is booked online?', { answerer: () => ({ policy, sampling: null }) })).result;
    const turns = trajectory.turns.map((t, i) => {
      const total = t.timings.modelMs + t.timings.observeMs;
      const framework = total - computeMs[i]!;
      return { action: t.action?.kind ?? 'invalid', totalMs: round(total), computeMs: round(computeMs[i]!), frameworkMs: round(framework) };
    });
    const total = turns.reduce((s, t) => s + t.totalMs, 0);
    const framework = turns.reduce((s, t) => s + t.frameworkMs, 0);
    return { status: outcome.status, ...(outcome.message ? { message: outcome.message } : {}), turns, frameworkFraction: round(framework / total, 3), meanFrameworkMsPerTurn: round(framework / turns.length) };
  } finally {
    session.close();
    await deleteCachedModel(MODEL_FOLDER, LOCAL_FOLDER_HOST);
  }
}

export async function agentBench() {
  return { webgpu: await overhead('webgpu'), wasm: await overhead('wasm') };
}
