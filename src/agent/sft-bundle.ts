/**
 * Exporting finished episodes as a VRAG-RL SFT bundle (a zip of `data.json` and the images it
 * names), and importing a trajectory file. Image conversion needs createImageBitmap and
 * OffscreenCanvas (browser); PNG and JPEG sources are stored as their original bytes.
 */
import { AppError } from '../errors.ts';
import { zipFiles, type ZipEntry } from '../export/zip.ts';
import { encodeImage } from '../perception/canvas-2d.ts';
import { toSftExample, type SftExample } from './sft.ts';
import { parseTrajectory } from '../schemas/trajectory.ts';
import type { EpisodeImage, Trajectory } from './types.ts';

export interface ExportableEpisode {
  trajectory: Trajectory;
  /** The episode result's image map: pixels of every image the trajectory shows, by id. */
  images: ReadonlyMap<string, EpisodeImage>;
}

export const SFT_DATA_FILE = 'data.json';

/** A zip with `data.json` (one SFT example per episode) and `images/<episode>-<imageId>.<png|jpg>`. */
export async function exportSftBundle(results: readonly ExportableEpisode[]): Promise<Blob> {
  if (results.length === 0) throw new AppError('invalid-input', 'Nothing to export: run at least one episode first.');
  const examples: SftExample[] = [];
  const files: ZipEntry[] = [];
  for (const [i, { trajectory, images }] of results.entries()) {
    const episode = i + 1;
    const byId = new Map<string, ZipEntry>();
    for (const turn of trajectory.turns) {
      if (turn.observation.kind !== 'image') continue;
      const id = turn.observation.imageId;
      const image = images.get(id);
      if (!image) {
        throw new AppError('trajectory-format', `Episode ${episode} shows image ${id}, but its pixels were not kept, so it cannot be exported.`);
      }
      const { bytes, extension } = await trainingImage(await image.source);
      byId.set(id, { path: `images/${episode}-${id}.${extension}`, data: bytes });
    }
    const example = toSftExample(trajectory, (id) => byId.get(id)!.path);
    const used = new Set(example.images);
    files.push(...[...byId.values()].filter((f) => used.has(f.path)));
    examples.push(example);
  }
  const data = new TextEncoder().encode(JSON.stringify(examples, null, 2));
  return zipFiles([{ path: SFT_DATA_FILE, data }, ...files]);
}

/** The source bytes when they are PNG or JPEG (what trainers read); anything else re-encoded as PNG. */
async function trainingImage(source: Blob): Promise<{ bytes: Uint8Array; extension: 'png' | 'jpg' }> {
  const bytes = new Uint8Array(await source.arrayBuffer());
  if (startsWith(bytes, PNG_MAGIC)) return { bytes, extension: 'png' };
  if (startsWith(bytes, JPEG_MAGIC)) return { bytes, extension: 'jpg' };
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(source);
  } catch (cause) {
    throw new AppError('invalid-image', `An episode image (${source.type || 'unknown type'}) could not be decoded for export.`, { cause });
  }
  try {
    const png = await encodeImage(bitmap, { type: 'image/png' });
    return { bytes: new Uint8Array(await png.arrayBuffer()), extension: 'png' };
  } finally {
    bitmap.close();
  }
}

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_MAGIC = [0xff, 0xd8, 0xff];
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

/** Reads a trajectory file exported by this app; other files (an SFT bundle or data.json included) get a clear error. */
export async function importTrajectoryFile(file: Blob): Promise<Trajectory> {
  if (file.size === 0) throw new AppError('empty-file', 'The file is empty; choose a trajectory .json file exported by this app.');
  const bytes = new Uint8Array(await file.slice(0, 8).arrayBuffer());
  if (startsWith(bytes, ZIP_MAGIC)) {
    throw new AppError(
      'trajectory-format',
      'This is a zip (an SFT training bundle?), not a trajectory. Import the trajectory .json file instead.',
    );
  }
  const text = await file.text();
  if (looksLikeSftData(text)) {
    throw new AppError(
      'trajectory-format',
      'This is SFT training data (a list of conversations), which does not keep what a trajectory records. Import a trajectory .json file instead.',
    );
  }
  return parseTrajectory(text);
}

function looksLikeSftData(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) && value.some((e) => typeof e === 'object' && e !== null && 'messages' in e);
  } catch {
    return false; // parseTrajectory says why it is not JSON
  }
}
