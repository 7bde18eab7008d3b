/** Builds type-correct trajectories for pure tests: replies parsed the way the agent loop parses them. */
import { parseReply } from '../../src/agent/protocol.ts';
import { DEFAULT_AGENT_CONFIG, type Trajectory, type TurnRecord } from '../../src/agent/types.ts';
import { VRAG_PIXEL_BOUNDS } from '../../src/perception/geometry.ts';

/** One turn for a raw reply; `extra` sets what the loop would have recorded (search, observation…). */
export function turnOf(index: number, reply: string, extra: Partial<TurnRecord> = {}): TurnRecord {
  const parsed = parseReply(reply);
  return {
    index,
    reply,
    kept: parsed.kept,
    thought: parsed.thought,
    action: parsed.action,
    invalid: parsed.invalid,
    observation: { kind: 'none' },
    timings: { startedAt: index, modelMs: 1, observeMs: 1 },
    ...extra,
  };
}

/** A trajectory around the turns; its outcome follows the last answer unless `overrides` says otherwise. */
export function trajectoryOf(question: string, turns: TurnRecord[], overrides: Partial<Trajectory> = {}): Trajectory {
  const answer = turns.findLast((t) => t.action?.kind === 'answer')?.action;
  return {
    format: 'vrag-browser-trajectory',
    version: 2,
    question,
    policy: 'test',
    vision: { convention: 'absolute', pixelBounds: VRAG_PIXEL_BOUNDS, canCrop: true },
    config: DEFAULT_AGENT_CONFIG,
    startedAt: 0,
    totalMs: turns.length,
    turns,
    images: [],
    outcome: answer?.kind === 'answer' ? { status: 'answered', answer: answer.text } : { status: 'no-answer' },
    ...overrides,
  };
}
