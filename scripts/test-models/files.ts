import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A model folder: relative path -> JSON value or file bytes. */
export type ModelFiles = Record<string, unknown>;

export function writeModel(root: string, files: ModelFiles): number {
  let bytes = 0;
  for (const [relative, content] of Object.entries(files)) {
    const path = join(root, relative);
    mkdirSync(dirname(path), { recursive: true });
    const data = content instanceof Uint8Array ? content : new TextEncoder().encode(JSON.stringify(content, null, 2));
    writeFileSync(path, data);
    bytes += data.length;
  }
  return bytes;
}
