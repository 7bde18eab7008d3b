/** `npm run ask`, inside the headless app: ingest the documents, run one episode, return the answer with citations. */
import { citations } from '../agent/citations.ts';
import { runEpisode } from '../agent/episode.ts';
import { traceLine } from '../agent/trace-text.ts';
import type { EpisodeOutcome } from '../agent/types.ts';
import type { DeviceOverride } from '../models/device.ts';
import { parsePageId } from '../store/index.ts';
import { loadModel, loadWhileIngesting, type Log, type ModelSpec, type SessionFile } from './setup.ts';

export interface AskConfig {
  files: SessionFile[];
  question: string;
  model: ModelSpec;
  device: DeviceOverride;
  maxActions: number;
  maxNewTokens: number;
}

export interface AskResult {
  outcome: EpisodeOutcome;
  citations: { file: string; page: number; regions: { x: number; y: number; width: number; height: number }[] }[];
}

export async function ask(config: AskConfig, log: Log): Promise<AskResult> {
  const loaded = await loadWhileIngesting(loadModel(config.model, config.device, log, { maxNewTokens: config.maxNewTokens }), config.files, log);
  const model = loaded.model!;
  const { session, docIds } = loaded.opened;
  const names = new Map([...docIds].map(([name, id]) => [id, name]));
  const label = (pageId: string) => {
    const { docId, pageNumber } = parsePageId(pageId);
    return `${names.get(docId) ?? docId.slice(0, 8)} p. ${pageNumber}`;
  };
  try {
    const { outcome, trajectory } = await runEpisode({
      question: config.question,
      policy: model.policy,
      retriever: session.retriever(),
      perception: session.perception,
      config: { maxActions: config.maxActions },
      onEvent: (event) => {
        const line = traceLine(event, label);
        if (line) log(line);
      },
    });
    return {
      outcome,
      citations: citations(trajectory).map((c) => {
        const { docId, pageNumber } = parsePageId(c.pageId);
        return { file: names.get(docId) ?? docId, page: pageNumber, regions: c.regions.map(({ x, y, width, height }) => ({ x, y, width, height })) };
      }),
    };
  } finally {
    model.client?.terminate();
    session.close();
  }
}
