/** Trajectories as JSON: what `runEpisode` records, written out and read back (images by id). */
import { AppError } from '../errors.ts';
import type { Trajectory } from './types.ts';

export function serializeTrajectory(trajectory: Trajectory): string {
  return JSON.stringify(trajectory, null, 2);
}

/** Reads a trajectory written by `serializeTrajectory`; a file that is not one gets a clear error. */
export function parseTrajectory(json: string): Trajectory {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (cause) {
    throw new AppError('trajectory-format', 'This file is not valid JSON, so it cannot be a trajectory.', { cause });
  }
  const t = value as Partial<Trajectory> | null;
  const fail = (what: string): never => {
    throw new AppError('trajectory-format', `This file is not a trajectory exported by this app: ${what}.`);
  };
  if (typeof t !== 'object' || t === null) return fail('it is not a JSON object');
  if (t.format !== 'vrag-browser-trajectory') return fail('the "format" field is missing or different');
  if (t.version !== 1) return fail(`version ${String(t.version)} is not supported (this app reads version 1)`);
  if (typeof t.question !== 'string') return fail('the question is missing');
  if (!Array.isArray(t.turns)) return fail('the turns are missing');
  if (!Array.isArray(t.images)) return fail('the image list is missing');
  if (typeof t.outcome !== 'object' || t.outcome === null) return fail('the outcome is missing');
  const imageIds = new Set(t.images.map((i) => i.id));
  t.turns.forEach((turn, i) => {
    if (typeof turn?.reply !== 'string') fail(`turn ${i + 1} has no reply text`);
    const obs = turn.observation;
    if (obs?.kind === 'image' && !imageIds.has(obs.imageId)) fail(`turn ${i + 1} shows an image that is not listed`);
  });
  return t as Trajectory;
}
