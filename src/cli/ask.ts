/** `npm run ask`, inside the headless app: ingest the documents, ask the session, return the answer with citations. */
import { citations } from '../agent/citations.ts';
import { traceLine } from '../agent/trace-text.ts';
import type { EpisodeOutcome } from '../agent/types.ts';
import type { DeviceOverride } from '../models/device.ts';
import { answerOptions, settingsWith } from '../session/options.ts';
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
  const loaded = await loadWhileIngesting((session) => loadModel(session, config.model, config.device, log), config.files, log, { keepLibrary: config.keepLibrary ?? false });
  const model = loaded.model!;
  const { session, docIds, skipped } = loaded.opened;
  const names = new Map([...docIds].map(([name, id]) => [id, name]));
  const label = (pageId: string) => {
    const { docId, pageNumber } = parsePageId(pageId);
    return `${names.get(docId) ?? docId.slice(0, 8)} p. ${pageNumber}`;
  };
  try {
    if (docIds.size === 0) throw nothingAdded(skipped);
    const settings = settingsWith({ maxActions: config.maxActions, maxNewTokens: config.maxNewTokens, endpoint: model.endpoint });
    const { result } = await session.ask(config.question, {
      ...answerOptions(settings),
      // Only this run's documents, even when a reused profile's library holds others.
      docIds: [...new Set(docIds.values())],
      onEvent: (event) => {
        const line = traceLine(event, label);
        if (line) log(line);
      },
    });
    return {
      outcome: result.outcome,
      skipped,
      citations: citations(result.trajectory).map((c) => {
        const { docId, pageNumber } = parsePageId(c.pageId);
        return { file: names.get(docId) ?? docId, page: pageNumber, regions: c.regions.map(({ x, y, width, height }) => ({ x, y, width, height })) };
      }),
    };
  } finally {
    session.close();
  }
}
