import { afterAll, expect, test } from 'vitest';
import { commands } from 'vitest/browser';

afterAll(() => commands.setStorageQuota(null));

/** Incompressible bytes: Chromium compresses IndexedDB values, so a filled array would not fill the disk. */
function noise(bytes: number): Uint8Array<ArrayBuffer> {
  const data = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i += 65536) crypto.getRandomValues(data.subarray(i, Math.min(bytes, i + 65536)));
  return data;
}

function putBlob(bytes: number): Promise<string> {
  return new Promise((resolve) => {
    const open = indexedDB.open('quota-command-test', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('blobs');
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction('blobs', 'readwrite');
      tx.objectStore('blobs').put(new Blob([noise(bytes)]), 'big');
      tx.oncomplete = () => (db.close(), resolve('stored'));
      tx.onabort = () => (db.close(), resolve(tx.error?.name ?? 'aborted'));
    };
  });
}

// Chromium enforces the override but navigator.storage.estimate() keeps reporting the real quota,
// so the test observes the override by writing past it.
test('tests can shrink the origin storage quota to exercise a full disk', async () => {
  await commands.setStorageQuota(5_000_000);
  expect(await putBlob(20_000_000)).toBe('QuotaExceededError');
  await commands.setStorageQuota(null);
  expect(await putBlob(20_000_000)).toBe('stored');
  indexedDB.deleteDatabase('quota-command-test');
});
