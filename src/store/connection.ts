/**
 * One lazily opened IndexedDB connection that steps aside for other tabs: when another tab upgrades
 * or deletes the database (versionchange) it closes at once, and the next call opens it again.
 */
import { wrap, type IDBPTransaction } from 'idb';
import { AppError } from '../errors.ts';
import { SCHEMA_VERSION, upgrade, type LibraryDb, type LibrarySchema, type StoreName, type UpgradeTransaction } from './schema.ts';
import { toStoreError } from './storage-errors.ts';

export interface ConnectionOptions {
  /**
   * Called when opening waits on another tab that keeps an older connection open (an old build of
   * the app, say). The open completes once that tab closes or reloads; tell the user to do so.
   */
  onBlocked?: () => void;
  /**
   * Where the database lives: the origin's default `indexedDB`, or a Storage Bucket's
   * (`(await navigator.storageBuckets.open(name)).indexedDB`) to give the library its own
   * persistence and eviction.
   */
  indexedDB?: IDBFactory;
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
    const request = (this.options.indexedDB ?? indexedDB).open(this.name, SCHEMA_VERSION);
    const opening = wrap(request) as Promise<LibraryDb>;
    const forget = () => {
      if (this.opening === opening) this.opening = undefined;
    };
    request.onupgradeneeded = (event) => {
      const tx = wrap(request.transaction!) as unknown as UpgradeTransaction;
      upgrade(wrap(request.result) as unknown as LibraryDb, event.oldVersion, event.newVersion ?? SCHEMA_VERSION, tx);
    };
    request.onblocked = () => this.options.onBlocked?.();
    request.addEventListener('success', () => {
      const db = request.result;
      // Another tab is upgrading or deleting the database: close at once, inside the event, so it
      // is not blocked; the next call here reopens (and fails clearly if the schema moved on).
      db.onversionchange = () => {
        forget();
        db.close();
      };
      db.onclose = forget; // the browser closed it (storage cleared, disk error)
    });
    opening.catch(forget);
    return opening;
  }
}
