/** Trajectories as JSON: what `runEpisode` records, written out and read back (images by id). */
import type { Trajectory } from './types.ts';

export function serializeTrajectory(trajectory: Trajectory): string {
  return JSON.stringify(trajectory, null, 2);
}

