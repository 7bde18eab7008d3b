/** "Export for training (VRAG SFT)": the episode as a VRAG-RL SFT bundle (a zip of data.json and its images). */
import type { EpisodeImage, Trajectory } from '../agent/types.ts';
import { AppError } from '../errors.ts';

export async function exportForTraining(_trajectory: Trajectory, _images: ReadonlyMap<string, EpisodeImage> | null): Promise<Blob> {
  throw new AppError('invalid-input', 'Export for training is not available in this build yet: export the trajectory as JSON instead.');
}
