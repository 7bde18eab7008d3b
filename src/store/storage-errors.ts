/** Turns IndexedDB failures into errors a person can act on. */
import { AppError } from '../errors.ts';

const FULL_MESSAGE =
  'Browser storage is full, so this page was not saved (everything saved before is intact). ' +
  'Free space by deleting documents from the library, or clear other site data, then add the file again.';

function errorName(error: unknown): string | undefined {
  if (error instanceof DOMException || error instanceof Error) return error.name;
  return undefined;
}

/** True for a QuotaExceededError, or an abort/failure caused by one. */
export function isQuotaError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    if (errorName(e) === 'QuotaExceededError') return true;
    e = e instanceof Error ? e.cause : undefined;
  }
  return false;
}

/** AppErrors pass through; quota failures become 'storage-full'; anything else 'storage-failed'. */
export function toStoreError(error: unknown, action: string): AppError {
  if (error instanceof AppError) return error;
  if (isQuotaError(error)) return new AppError('storage-full', FULL_MESSAGE, { cause: error });
  if (errorName(error) === 'VersionError') {
    return new AppError(
      'storage-failed',
      'The document library was upgraded by a newer version of this app in another tab. Reload this page.',
      { cause: error },
    );
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new AppError('storage-failed', `Could not ${action} in browser storage: ${detail}`, { cause: error });
}
