/**
 * Figures per expert and per prompt style, so a user sees which expert to trust: how often the
 * episodes an expert took part in finished and were right, their retrieval NDCG, and how many of
 * the expert's own replies were invalid actions. Pure.
 */
import type { PromptStyle } from '../agent/styles.ts';
import type { Trajectory, TurnRecord } from '../agent/types.ts';
import { mean } from '../reward/metrics.ts';

export type ExpertRole = 'reasoner' | 'grounder';

/** One scored episode, as the figures read it. */
export interface FigureEpisode {
  trajectory: Pick<Trajectory, 'policy' | 'promptStyle' | 'grounder' | 'turns'>;
  /** The episode's outcome status ('answered' finishes). */
  status: string;
  /** The judged outcome, 0..1. */
  outcome: number;
  /** Retrieval NDCG of the pages the episode was shown. */
  ndcg: number;
  /** NDCG counts for answerable questions only (the others have no gold pages). */
  answerable: boolean;
}

export interface Figures {
  /** Episodes with at least one reply of this expert (or in this style). */
  episodes: number;
  replies: number;
  invalidReplies: number;
  /** Invalid replies over replies (0 without replies). */
  invalidActionRate: number;
  /** Of the episodes: answered, right (the judged outcome), and the mean NDCG of the answerable ones. NaN without episodes. */
  finishRate: number;
  accuracy: number;
  ndcg: number;
}

export interface ExpertFigures extends Figures {
  role: ExpertRole;
  label: string;
  promptStyle: PromptStyle;
}

export interface StyleFigures extends Figures {
  promptStyle: PromptStyle;
}

/** An expert the run configured, listed even when it never replied. */
export interface ExpertSeed {
  role: ExpertRole;
  label: string;
  promptStyle: PromptStyle;
}

/** Which expert wrote a turn, and in which style. */
function authorOf(trajectory: FigureEpisode['trajectory'], turn: TurnRecord): { role: ExpertRole; style: PromptStyle; policy: string } {
  if (turn.expert === 'grounder' && trajectory.grounder) {
    return { role: 'grounder', style: trajectory.grounder.promptStyle, policy: trajectory.grounder.policy };
  }
  return { role: turn.expert === 'grounder' ? 'grounder' : 'reasoner', style: trajectory.promptStyle ?? 'vrag', policy: trajectory.policy };
}

interface Group {
  episodes: FigureEpisode[];
  replies: TurnRecord[];
}

function figures({ episodes, replies }: Group): Figures {
  const invalidReplies = replies.filter((t) => t.invalid).length;
  return {
    episodes: episodes.length,
    replies: replies.length,
    invalidReplies,
    invalidActionRate: replies.length ? invalidReplies / replies.length : 0,
    finishRate: mean(episodes.map((e) => (e.status === 'answered' ? 1 : 0))),
    accuracy: mean(episodes.map((e) => e.outcome)),
    ndcg: mean(episodes.filter((e) => e.answerable).map((e) => e.ndcg)),
  };
}

/**
 * Groups every reply by `keyOf` (a Map key, never an object's), each episode counted once per group
 * it has a reply in; the reasoner's group (`ownerOf`) holds every episode, even one that ended before its first reply.
 */
function grouped<K>(
  episodes: readonly FigureEpisode[],
  keyOf: (e: FigureEpisode, t: TurnRecord) => K,
  ownerOf: (e: FigureEpisode) => K,
  seeds: readonly K[] = [],
): Map<K, Group> {
  const groups = new Map<K, Group>(seeds.map((k) => [k, { episodes: [], replies: [] }]));
  const group = (key: K) => groups.get(key) ?? groups.set(key, { episodes: [], replies: [] }).get(key)!;
  for (const episode of episodes) {
    group(ownerOf(episode)).episodes.push(episode);
    for (const turn of episode.trajectory.turns) {
      const mine = group(keyOf(episode, turn));
      mine.replies.push(turn);
      if (mine.episodes.at(-1) !== episode) mine.episodes.push(episode);
    }
  }
  return groups;
}

/**
 * Figures per expert (role and prompt style), the configured experts first and in their order,
 * then any other that replied. Labels come from the seeds; an expert without one is named by its policy.
 */
export function figuresByExpert(episodes: readonly FigureEpisode[], seeds: readonly ExpertSeed[] = []): ExpertFigures[] {
  const experts = new Map<string, ExpertSeed>();
  const key = (role: ExpertRole, promptStyle: PromptStyle, label: string) => {
    const k = `${role} ${promptStyle}`;
    if (!experts.has(k)) experts.set(k, { role, promptStyle, label });
    return k;
  };
  const seedKeys = seeds.map((s) => key(s.role, s.promptStyle, s.label));
  const groups = grouped(
    episodes,
    (e, t) => {
      const author = authorOf(e.trajectory, t);
      return key(author.role, author.style, author.policy);
    },
    (e) => key('reasoner', e.trajectory.promptStyle ?? 'vrag', e.trajectory.policy),
    seedKeys,
  );
  return [...groups].map(([k, group]) => ({ ...experts.get(k)!, ...figures(group) }));
}

/** Figures per prompt style: the replies written in it, and the episodes with any such reply. */
export function figuresByStyle(episodes: readonly FigureEpisode[]): StyleFigures[] {
  const reasonerStyle = (e: FigureEpisode) => e.trajectory.promptStyle ?? 'vrag';
  return [...grouped(episodes, (e, t) => authorOf(e.trajectory, t).style, reasonerStyle)].map(([promptStyle, group]) => ({ promptStyle, ...figures(group) }));
}
