/** "Export for training (VRAG SFT)": the episode as a VRAG-RL SFT example in a zip of data.json and the images it names. */
import { toSftExample } from '../agent/sft.ts';
import type { EpisodeImage, Trajectory } from '../agent/types.ts';
import { AppError } from '../errors.ts';
import { zipFiles, type ZipEntry } from '../export/zip.ts';

const EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };

export async function exportForTraining(trajectory: Trajectory, images: ReadonlyMap<string, EpisodeImage> | null): Promise<Blob> {
  if (!images) {
    throw new AppError('invalid-input', 'An imported trajectory carries no images, so it cannot become training data here. Export for training right after asking.');
  }
  const files = new Map<string, ZipEntry>();
  const example = toSftExample(trajectory, (imageId) => {
    const image = images.get(imageId);
    if (!image) throw new AppError('trajectory-format', `Image ${imageId} of this episode was not kept, so it cannot be exported.`);
    const path = `images/${imageId}.${EXTENSIONS[image.source.type] ?? 'png'}`;
    files.set(path, { path, data: image.source });
    return path;
  });
  const data = new TextEncoder().encode(JSON.stringify([example], null, 2));
  return zipFiles([{ path: 'data.json', data }, ...files.values()]);
}
