/** One overall download progress over many files, with bytes and an estimate of time left. Pure. */

/** The subset of transformers.js' progress_callback payload that matters here. */
export interface FileProgressEvent {
  status: string;
  file?: string;
  loaded?: number;
  total?: number;
}

export interface DownloadSnapshot {
  loadedBytes: number;
  totalBytes: number;
  /** 0..1, or null while no file size is known yet. */
  fraction: number | null;
  /** Seconds left at the average rate so far, or null when it cannot be estimated. */
  secondsLeft: number | null;
  files: number;
  done: boolean;
}

export class DownloadProgress {
  private readonly files = new Map<string, { loaded: number; total: number }>();
  private startedAt: number | null = null;

  /**
   * @param expected bytes of every file the load will fetch, when known (a pinned registry
   *   entry): the total is right from the first byte, not only once each download has started.
   */
  constructor(
    expected: Readonly<Record<string, number>> = {},
    private readonly now: () => number = () => performance.now(),
  ) {
    for (const [file, total] of Object.entries(expected)) if (total > 0) this.files.set(file, { loaded: 0, total });
  }

  update(event: FileProgressEvent): DownloadSnapshot {
    const file = event.file?.replace(/^\/+/, '');
    if (file) {
      const entry = this.files.get(file) ?? { loaded: 0, total: 0 };
      if (typeof event.total === 'number' && event.total > 0) entry.total = event.total;
      if (typeof event.loaded === 'number') entry.loaded = Math.max(entry.loaded, event.loaded);
      if (event.status === 'done' && entry.total) entry.loaded = entry.total;
      this.files.set(file, entry);
      if (this.startedAt === null && event.status === 'progress') this.startedAt = this.now();
    }
    return this.snapshot(event.status === 'ready');
  }

  snapshot(done = false): DownloadSnapshot {
    let loadedBytes = 0;
    let totalBytes = 0;
    for (const f of this.files.values()) {
      loadedBytes += f.loaded;
      totalBytes += f.total;
    }
    const fraction = totalBytes > 0 ? Math.min(1, loadedBytes / totalBytes) : null;
    let secondsLeft: number | null = null;
    if (this.startedAt !== null && loadedBytes > 0 && totalBytes > loadedBytes) {
      const elapsed = (this.now() - this.startedAt) / 1000;
      if (elapsed > 0) secondsLeft = (totalBytes - loadedBytes) / (loadedBytes / elapsed);
    }
    if (done || (totalBytes > 0 && loadedBytes >= totalBytes)) secondsLeft = 0;
    return { loadedBytes, totalBytes, fraction, secondsLeft, files: this.files.size, done };
  }
}

/** A transformers.js `progress_callback` that folds every file event into one snapshot for `onProgress`. */
export function progressCallback(
  onProgress?: (p: DownloadSnapshot) => void,
  expected: Readonly<Record<string, number>> = {},
): { progress: DownloadProgress; progress_callback: (event: unknown) => void } {
  const progress = new DownloadProgress(expected);
  const progress_callback = (event: unknown) => {
    const snapshot = progress.update(event as FileProgressEvent);
    onProgress?.(snapshot);
  };
  return { progress, progress_callback };
}
