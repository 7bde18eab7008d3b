/** Deterministic synthetic data for the search benchmark and the retrieval tests. */
import { seededRandom } from '../scripts/seeded-random.ts';
import { normalizeRows } from '../src/vectors/matrix.ts';

export { seededRandom };

/** Standard normal samples (Box–Muller, both outputs of each pair used). */
export function gaussian(random: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - random()));
    const angle = 2 * Math.PI * random();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
}

/** `count` unit vectors drawn uniformly on the sphere. */
export function randomUnitVectors(count: number, dims: number, seed: number): Float32Array {
  const normal = gaussian(seededRandom(seed));
  const data = new Float32Array(count * dims);
  for (let i = 0; i < data.length; i++) data[i] = normal();
  return normalizeRows(data, dims);
}

/**
 * `count` unit vectors around `clusters` random centres (noise of norm ≈ `spread` per vector): the
 * hard case for quantisation, since neighbours' scores crowd together.
 */
export function clusteredUnitVectors(count: number, dims: number, clusters: number, spread: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const normal = gaussian(random);
  const centres = randomUnitVectors(clusters, dims, seed + 1);
  const data = new Float32Array(count * dims);
  const sigma = spread / Math.sqrt(dims);
  for (let row = 0; row < count; row++) {
    const centre = Math.floor(random() * clusters) * dims;
    for (let i = 0; i < dims; i++) data[row * dims + i] = centres[centre + i]! + sigma * normal();
  }
  return normalizeRows(data, dims);
}

/** Fraction of `expected` ids that also appear in `actual` (top-k overlap). */
export function overlap(expected: readonly string[], actual: readonly string[]): number {
  if (expected.length === 0) return 1;
  const found = new Set(actual);
  return expected.filter((id) => found.has(id)).length / expected.length;
}

/** Pseudo-word number i: letters only ("ba", "bb", …), so the analyzer keeps it one word as it does real words. */
function pseudoWord(i: number): string {
  let word = '';
  for (let n = i + 26; n > 0; n = Math.floor(n / 26)) word = String.fromCharCode(97 + (n % 26)) + word;
  return word;
}

/** A synthetic text corpus: pages of Zipf-distributed pseudo-words. */
export function syntheticCorpus(pages: number, wordsPerPage: number, vocabulary: number, seed: number): { pageId: string; text: string }[] {
  const random = seededRandom(seed);
  const words = Array.from({ length: vocabulary }, (_, i) => pseudoWord(i));
  // Inverse-CDF sampling of a Zipf(1) law over the vocabulary.
  const cdf = new Float64Array(vocabulary);
  let total = 0;
  for (let i = 0; i < vocabulary; i++) cdf[i] = total += 1 / (i + 1);
  const pick = () => {
    const target = random() * total;
    let lo = 0;
    let hi = vocabulary - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    return words[lo]!;
  };
  return Array.from({ length: pages }, (_, p) => ({
    pageId: `page-${p}`,
    text: Array.from({ length: wordsPerPage }, pick).join(' '),
  }));
}
