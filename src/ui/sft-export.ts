/** "Export for training (VRAG SFT)": the episode as a VRAG-RL SFT bundle (src/agent/sft-bundle.ts: a zip of data.json and its images). */
import { exportSftBundle } from '../agent/sft-bundle.ts';
import type { EpisodeImage, Trajectory } from '../agent/types.ts';
import { AppError } from '../errors.ts';

export async function exportForTraining(trajectory: Trajectory, images: ReadonlyMap<string, EpisodeImage> | null): Promise<Blob> {
  if (!images) {
    throw new AppError('invalid-input', 'An imported trajectory carries no images, so it cannot become training data here. Export for training right after asking.');
  }
  return exportSftBundle([{ trajectory, images }]);
}
