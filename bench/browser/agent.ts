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
    const worker: { computeMs: number; prepareMs: number; totalMs: number; images: number }[] = [];
    let turn = 0;
    const policy: Policy = {
      name: 'tiny-qwen2-vl + script',
      vision,
      async reply(request: PolicyRequest) {
        await vlm.reply(request);
        // Model compute only: the app's own input preparation is overhead.
        const { totalMs, prepareMs } = vlm.last!;
        worker.push({ computeMs: totalMs - prepareMs, prepareMs, totalMs, images: request.images.size });
        return SCRIPT[turn++]!;
      },
    };
    // The session's own road, with the scripted policy as the model that answers.
    const { outcome, trajectory } = (await session.ask('What share of travel is booked online?', { answerer: () => ({ policy, sampling: null }) })).result;
    // The overhead in three parts: inputs built in the worker (template, image processing), the
    // page's side of a reply (conversation, messages to and from the worker), and the observation.
    const turns = trajectory.turns.map((t, i) => {
      const { computeMs, prepareMs, totalMs, images } = worker[i]!;
      const total = t.timings.modelMs + t.timings.observeMs;
      const parts = { prepareMs: round(prepareMs), pageSideMs: round(t.timings.modelMs - totalMs), observeMs: round(t.timings.observeMs) };
      return { action: t.action?.kind ?? 'invalid', images, totalMs: round(total), computeMs: round(computeMs), frameworkMs: round(total - computeMs), ...parts };
    });
    const total = turns.reduce((s, t) => s + t.totalMs, 0);
    const framework = turns.reduce((s, t) => s + t.frameworkMs, 0);
    const mean = (key: 'prepareMs' | 'pageSideMs' | 'observeMs') => round(turns.reduce((s, t) => s + t[key], 0) / turns.length);
    return {
      status: outcome.status,
      ...(outcome.message ? { message: outcome.message } : {}),
      turns,
      frameworkFraction: round(framework / total, 3),
      meanFrameworkMsPerTurn: round(framework / turns.length),
      meanPerTurn: { prepareMs: mean('prepareMs'), pageSideMs: mean('pageSideMs'), observeMs: mean('observeMs') },
    };
  } finally {
    session.close();
    await deleteCachedModel(MODEL_FOLDER, LOCAL_FOLDER_HOST);
  }
}

export async function agentBench() {
  return { webgpu: await overhead('webgpu'), wasm: await overhead('wasm') };
}
