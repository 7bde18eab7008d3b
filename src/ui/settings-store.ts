/**
 * The user's settings in a Storage (localStorage in the app), read and checked through their
 * schema (src/schemas/settings.ts). Pure: no DOM, so it is unit-tested in Node with any Storage-like object.
 */
import { DEFAULT_SETTINGS, parseSettings, settingsProblems, type Settings } from '../schemas/settings.ts';

export { DEFAULT_SETTINGS, type Settings };

export const SETTINGS_KEY = 'vrag-settings';

export type StorageLike = Pick<Storage, 'getItem' | 'setItem'>;

/** Problems with a settings draft, one sentence each; empty when it can be saved. */
export const validateSettings = (s: Settings): string[] => settingsProblems(s);

/** Reads saved settings over the defaults; anything unreadable or invalid falls back to the defaults. */
export function loadSettings(storage: StorageLike): Settings {
  let saved: unknown;
  try {
    saved = JSON.parse(storage.getItem(SETTINGS_KEY) ?? 'null');
  } catch {
    return structuredClone(DEFAULT_SETTINGS);
  }
  return parseSettings(saved ?? {}) ?? structuredClone(DEFAULT_SETTINGS);
}

export function saveSettings(storage: StorageLike, settings: Settings): void {
  const problems = validateSettings(settings);
  if (problems.length) throw new Error(problems.join(' '));
  storage.setItem(SETTINGS_KEY, JSON.stringify(settings));
}
