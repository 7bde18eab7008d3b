/** Test drivers for the agent loop: a policy that replays written replies, a retriever over fixed rankings. */
import type { Policy, PolicyRequest, VisionSpec } from '../../src/agent/types.ts';
import { VRAG_PIXEL_BOUNDS } from '../../src/perception/geometry.ts';
import type { RankedPage, Retriever } from '../../src/retrieval/types.ts';
import type { Answerer } from '../../src/policies/answerer.ts';
import { askWith, type Ask, type AskParts } from '../../src/session/ask.ts';

export const QWEN25_VISION: VisionSpec = { convention: 'absolute', pixelBounds: VRAG_PIXEL_BOUNDS, canCrop: true };

type Script = string | ((request: PolicyRequest) => string | Promise<string>);

/** Replies with the scripted texts in order, streaming each in small pieces; records every request. */
export class ScriptedPolicy implements Policy {
  readonly name = 'scripted';
  readonly requests: PolicyRequest[] = [];
  private next = 0;
  constructor(
    private readonly script: Script[],
    readonly vision: VisionSpec = QWEN25_VISION,
  ) {}

  async reply(request: PolicyRequest): Promise<string> {
    this.requests.push(request);
    const step = this.script[Math.min(this.next++, this.script.length - 1)]!;
    const text = typeof step === 'string' ? step : await step(request);
    for (let i = 0; i < text.length; i += 8) request.onToken(text.slice(i, i + 8));
    return text;
  }
}

/** Serves slide images from ../shared/corpora/vrag-slides with rankings fixed per query. */
export class FixedRankingRetriever implements Retriever {
  readonly queries: string[] = [];
  constructor(private readonly rankings: Record<string, string[]>) {}

  async search(query: string, k: number): Promise<RankedPage[]> {
    this.queries.push(query);
    const pages = this.rankings[query] ?? [];
    return pages.slice(0, k).map((pageId, i) => ({ pageId, score: 1 / (i + 1), signals: ['fixed'] }));
  }

  async pageImage(pageId: string): Promise<Blob> {
    return fetchShared(`corpora/vrag-slides/${pageId}`);
  }
}

export async function fetchShared(relative: string): Promise<Blob> {
  const response = await fetch(`/@fs${__SHARED_DIR__}/${relative}`);
  if (!response.ok) throw new Error(`could not read ../shared/${relative}: HTTP ${response.status}`);
  return response.blob();
}

/**
 * A panel's road over scripted parts: the model it checks before asking, and `ask` on the same
 * road the app's panels take (`askWith`, which `session.ask` runs), with a budget of `maxActions`.
 */
export function scriptedRoad(parts: AskParts & { answerer: () => Answerer }, maxActions: number): { answerer: () => Answerer; ask: Ask } {
  const ask: Ask = (question, run = {}) => askWith(run.answerer ? { ...parts, answerer: run.answerer } : parts, question, { agent: { maxActions }, ...run });
  return { answerer: parts.answerer, ask };
}
