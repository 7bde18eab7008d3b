/** The real small files of the registry's models, from ../shared/models-metadata (see its README). */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const METADATA_DIR = resolve(import.meta.dirname, '../../../shared/models-metadata');

export function metadataJson<T = Record<string, unknown>>(model: string, file: string): T {
  return JSON.parse(metadataText(model, file)) as T;
}

export function metadataText(model: string, file: string): string {
  const path = join(METADATA_DIR, model, file);
  if (!existsSync(path)) throw new Error(`test models: ${path} is missing; the generator needs ../shared/models-metadata (see README).`);
  return readFileSync(path, 'utf8');
}

/** Token id of an added (special) token in a tokenizer.json. */
export function addedTokenId(tokenizer: { added_tokens: { id: number; content: string }[] }, content: string): number {
  const token = tokenizer.added_tokens.find((t) => t.content === content);
  if (!token) throw new Error(`test models: the tokenizer has no added token ${content}`);
  return token.id;
}
