/** `npm run ask`, inside the headless app: ingest the documents, run one episode, return the answer with citations. */
import { citations } from '../agent/citations.ts';
import { runEpisode } from '../agent/episode.ts';
import { traceLine } from '../agent/trace-text.ts';
import type { EpisodeOutcome } from '../agent/types.ts';
import type { DeviceOverride } from '../models/device.ts';
import { parsePageId } from '../store/index.ts';
import { loadModel, loadWhileIngesting, nothingAdded, type Log, type ModelSpec, type SessionFile, type SkippedDocument } from './setup.ts';

export interface AskConfig {
  files: SessionFile[];
  question: string;
  model: ModelSpec;
  device: DeviceOverride;
  maxActions: number;
  maxNewTokens: number;
  /** Keep the library in the browser profile (--profile), so the next run finds the documents stored. */
  keepLibrary?: boolean;
}

export interface AskResult {
  outcome: EpisodeOutcome;
  /** Documents that could not be added; the question was asked of the others. */
  skipped: SkippedDocument[];
  citations: { file: string; page: number; regions: { x: number; y: number; width: number; height: number }[] }[];
}

export async function ask(config: AskConfig, log: Log): Promise<AskResult> {
  const loaded = await loadWhileIngesting(loadModel(config.model, config.device, log, { maxNewTokens: config.maxNewTokens }), config.files, log, { keepLibrary: config.keepLibrary ?? false });
  const model = loaded.model!;
  const { session, docIds, skipped } = loaded.opened;
  const names = new Map([...docIds].map(([name, id]) => [id, name]));
  const label = (pageId: string) => {
    const { docId, pageNumber } = parsePageId(pageId);
    return `${names.get(docId) ?? docId.slice(0, 8)} p. ${pageNumber}`;
  };
  try {
    if (docIds.size === 0) throw nothingAdded(skipped);
    const { outcome, trajectory } = await runEpisode({
      question: config.question,
      policy: model.policy,
      // Only this run's documents, even when a reused profile's library holds others.
      retriever: session.retriever({ docIds: [...new Set(docIds.values())] }),
      perception: session.perception,
      config: { maxActions: config.maxActions },
      onEvent: (event) => {
        const line = traceLine(event, label);
        if (line) log(line);
      },
    });
    return {
      outcome,
      skipped,
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
