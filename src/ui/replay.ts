/**
 * Replays an imported trajectory step by step: each turn becomes the events the live episode
 * emitted. Trajectories hold no pixels, so crops are cut again from the library's page image.
 */
import type { AgentEvent, ImageRecord, Trajectory } from '../agent/types.ts';
import { encodeImage } from '../perception/canvas-2d.ts';
import type { PageSource } from './page-source.ts';

/** The events of each turn, in order; the last step also carries the end of the episode. */
export function replaySteps(trajectory: Trajectory): AgentEvent[][] {
  const images = new Map(trajectory.images.map((i) => [i.id, i]));
  const steps = trajectory.turns.map((turn): AgentEvent[] => {
    const index = turn.index;
    const events: AgentEvent[] = [{ type: 'turn', index }, { type: 'token', index, text: turn.reply }];
    if (turn.thought !== null) events.push({ type: 'thought', index, text: turn.thought });
    if (turn.action) events.push({ type: 'action', index, action: turn.action });
    if (turn.invalid) events.push({ type: 'invalid', index, reason: turn.invalid.reason, problem: turn.invalid.problem });
    if (turn.search) {
      events.push({ type: 'search', index, query: turn.search.query }, { type: 'results', index, search: turn.search });
    }
    const shown = turn.observation.kind === 'image' ? images.get(turn.observation.imageId) : undefined;
    // The source blob is filled in by `withPixels` just before the step is shown.
    if (shown) events.push({ type: 'image', index, image: shown, source: Promise.resolve(new Blob()) });
    events.push({ type: 'observation', index, observation: turn.observation });
    if (turn.action?.kind === 'answer') events.push({ type: 'answer', index, text: turn.action.text });
    return events;
  });
  const end: AgentEvent = { type: 'end', outcome: trajectory.outcome };
  if (steps.length === 0) return [[end]];
  steps.at(-1)!.push(end);
  return steps;
}

/** Cuts each crop of the step out of its page image (a failed cut keeps the empty blob: the page may not be here). */
export async function withPixels(events: AgentEvent[], pages: PageSource): Promise<AgentEvent[]> {
  return Promise.all(
    events.map(async (event) => {
      if (event.type !== 'image' || event.image.kind !== 'crop') return event;
      try {
        return { ...event, source: Promise.resolve(await cutRegion(await pages.image(event.image.pageId), event.image)) };
      } catch {
        return event;
      }
    }),
  );
}

/** A crop cut again from its page image (stored runs and imported trajectories keep no pixels). */
export async function cutRegion(page: Blob, image: ImageRecord): Promise<Blob> {
  const { x, y, width, height } = image.region;
  const w = Math.max(1, Math.round(width));
  const h = Math.max(1, Math.round(height));
  const bitmap = await createImageBitmap(page, Math.round(x), Math.round(y), w, h);
  try {
    return await encodeImage(bitmap, { type: 'image/png' });
  } finally {
    bitmap.close();
  }
}
