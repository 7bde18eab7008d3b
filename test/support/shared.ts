/** Paths into ../shared (real documents); tests read them in place, never copied. */
export const SHARED_DIR = new URL('../../../shared/', import.meta.url);

export function sharedPath(relative: string): URL {
  return new URL(relative, SHARED_DIR);
}
