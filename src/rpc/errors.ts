/**
 * Errors across worker boundaries: Comlink's default serialises a thrown Error to its message,
 * losing the app's error code. This transfer handler carries an AppError (code, message) and any
 * other Error (name, message) intact, on every boundary, page and worker alike.
 */
import * as Comlink from 'comlink';
import { AppError, type ErrorCode } from '../errors.ts';

interface SerializedError {
  name: string;
  message: string;
  code?: ErrorCode;
  stack?: string;
}

type Thrown = { value: unknown };

const defaultThrow = Comlink.transferHandlers.get('throw')!;

function serialize(value: unknown): SerializedError {
  if (value instanceof AppError) return { name: 'AppError', message: value.message, code: value.code, ...(value.stack ? { stack: value.stack } : {}) };
  if (value instanceof Error) return { name: value.name, message: value.message, ...(value.stack ? { stack: value.stack } : {}) };
  return { name: 'Error', message: String(value) };
}

function deserialize(error: SerializedError): Error {
  const revived = error.code ? new AppError(error.code, error.message) : Object.assign(new Error(error.message), { name: error.name });
  if (error.stack) revived.stack = error.stack;
  return revived;
}

let installed = false;

/** Installs the handler in this context (idempotent); both sides of a boundary need it. */
export function carryErrorsAcrossWorkers(): void {
  if (installed) return;
  installed = true;
  Comlink.transferHandlers.set('throw', {
    canHandle: (value: unknown): value is Thrown => defaultThrow.canHandle(value),
    serialize: ({ value }: Thrown) => [{ isError: true, value: serialize(value) }, []],
    deserialize: (serialized: { value: SerializedError }) => {
      throw deserialize(serialized.value);
    },
  } as Comlink.TransferHandler<Thrown, { value: SerializedError }>);
}
