/**
 * Every error the app raises on purpose is an AppError: a stable `code` for programs and a
 * `message` written for the person using the app (what happened and what they can do about it).
 */
export type ErrorCode =
  | 'cancelled'
  | 'invalid-image'
  | 'invalid-config'
  | 'trajectory-format'
  | 'model-failed'
  | 'model-missing'
  | 'model-corrupt'
  | 'gpu-lost'
  | 'invalid-model-folder'
  | 'retrieval-failed'
  | 'perception-failed'
  | 'storage-full'
  | 'storage-failed'
  | 'not-found'
  | 'invalid-input'
  | 'unsupported-file'
  | 'corrupt-file'
  | 'encrypted-pdf'
  | 'empty-file'
  | 'file-too-large'
  | 'too-many-pages'
  | 'ocr-failed'
  | 'remote-unreachable'
  | 'remote-auth'
  | 'remote-failed';

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isAbortError(error: unknown): boolean {
  return (
    (error instanceof AppError && error.code === 'cancelled') ||
    (error instanceof DOMException && error.name === 'AbortError')
  );
}

/** Throws a typed 'cancelled' error if the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AppError('cancelled', 'Stopped by the user.');
}

/** Turns anything thrown into a message a person can read. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
