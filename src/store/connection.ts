/**
 * One lazily opened IndexedDB connection that steps aside for other tabs: when another tab upgrades
 * or deletes the database (versionchange) it closes at once, and the next call opens it again.
 */
import { openDB, type IDBPTransaction } from 'idb';
import { AppError } from '../errors.ts';
import { SCHEMA_VERSION, upgrade, type LibraryDb, type LibrarySchema, type StoreName } from './schema.ts';
import { toStoreError } from './storage-errors.ts';

export interface ConnectionOptions {
  /**
   * Called when opening waits on another tab that keeps an older connection open (an old build of
   * the app, say). The open completes once that tab closes or reloads; tell the user to do so.
   */
  onBlocked?: () => void;
}

export type Tx<S extends StoreName[], M extends IDBTransactionMode> = IDBPTransaction<LibrarySchema, S, M>;

function isClosingError(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'InvalidStateError';
}

/** Ends a transaction that failed part-way so none of its writes land; its own rejection is expected. */
function abortQuietly(tx: { done: Promise<void>; abort(): void }): void {
  tx.done.catch(() => undefined);
  try {
    tx.abort();
  } catch {
    // Already finished or aborted.
  }
}

export class Connection {
  private opening: Promise<LibraryDb> | undefined;
  private closed = false;

  constructor(
    readonly name: string,
    private readonly options: ConnectionOptions = {},
  ) {}

  /**
   * Runs `work` in one transaction and resolves once it has committed. If `work` throws, the
   * transaction is aborted, so either all of its writes land or none do.
   */
  async transact<const S extends StoreName[], M extends IDBTransactionMode, T>(
    action: string,
    stores: S,
    mode: M,
    work: (tx: Tx<S, M>) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      let tx: Tx<S, M>;
      try {
        tx = (await this.db()).transaction(stores, mode);
      } catch (error) {
        // The connection closed between opening and use (another tab's upgrade): reopen once.
        if (attempt === 0 && isClosingError(error)) {
          this.opening = undefined;
          continue;
        }
        throw toStoreError(error, action);
      }
      try {
        const result = await work(tx);
        await tx.done;
        return result;
      } catch (error) {
        abortQuietly(tx);
        throw toStoreError(error, action);
      }
    }
  }

  close(): void {
    this.closed = true;
    const opening = this.opening;
    this.opening = undefined;
    opening?.then((db) => db.close()).catch(() => undefined);
  }

  private db(): Promise<LibraryDb> {
    if (this.closed) return Promise.reject(new AppError('storage-failed', 'This document library was closed; reload the page.'));
    this.opening ??= this.open();
    return this.opening;
  }

  private open(): Promise<LibraryDb> {
    const forget = () => {
      if (this.opening === opening) this.opening = undefined;
    };
    const opening = openDB<LibrarySchema>(this.name, SCHEMA_VERSION, {
      upgrade: (db, oldVersion, newVersion, tx) => upgrade(db, oldVersion, newVersion ?? SCHEMA_VERSION, tx),
      blocked: () => this.options.onBlocked?.(),
      // Close synchronously, inside the event, so the other tab's upgrade or delete is not blocked.
      blocking: (_current, _next, event) => {
        forget();
        (event.target as IDBDatabase).close();
      },
      terminated: forget,
    });
    opening.catch(forget);
    return opening;
  }
}
