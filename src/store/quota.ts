/** How much room the origin has, and asking the browser not to evict the library. */
import type { StorageEstimate } from './types.ts';

/** Asks for persistent storage; true if granted (the browser may decide without prompting). */
export async function requestPersistence(): Promise<boolean> {
  if (!navigator.storage?.persist) return false;
  if (await navigator.storage.persisted()) return true;
  return navigator.storage.persist();
}

/** Bytes used and available to this origin (an estimate; browsers round and pad it). */
export async function storageEstimate(): Promise<StorageEstimate> {
  if (!navigator.storage?.estimate) return { usage: 0, quota: 0 };
  const { usage = 0, quota = 0 } = await navigator.storage.estimate();
  return { usage, quota };
}
