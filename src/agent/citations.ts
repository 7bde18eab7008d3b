/** The pages (and regions on them) an episode looked at, for citing them next to the answer. Pure. */
import type { Region } from '../perception/geometry.ts';
import type { Trajectory } from './types.ts';

export interface Citation {
  pageId: string;
  /** Crop regions on the page, coarse to fine, in page-image pixels. */
  regions: Region[];
  /** The image id of the page view (and of each crop), to show them. */
  imageIds: string[];
}

/**
 * Every page the model saw, in the order it first saw it, with the crop chain drawn on it. Pages
 * it zoomed into come first: a crop is the strongest sign that the page held the evidence.
 */
export function citations(trajectory: Pick<Trajectory, 'images'>): Citation[] {
  const byPage = new Map<string, Citation>();
  for (const image of trajectory.images) {
    const citation = byPage.get(image.pageId) ?? { pageId: image.pageId, regions: [], imageIds: [] };
    citation.imageIds.push(image.id);
    if (image.kind === 'crop') citation.regions.push(image.region);
    byPage.set(image.pageId, citation);
  }
  const all = [...byPage.values()];
  return [...all.filter((c) => c.regions.length > 0), ...all.filter((c) => c.regions.length === 0)];
}
