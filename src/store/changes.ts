/** Change notifications: to this instance's listeners directly, and to other tabs over a BroadcastChannel. */
import type { StoreChange } from './types.ts';

type Change = StoreChange extends infer C ? (C extends unknown ? Omit<C, 'remote'> : never) : never;
export type ChangeListener = (change: StoreChange) => void;

export class ChangeFeed {
  private readonly listeners = new Set<ChangeListener>();
  private readonly channel: BroadcastChannel | undefined;

  constructor(channelName: string) {
    // Workers and pages both have BroadcastChannel; guard for runtimes without it.
    if (typeof BroadcastChannel === 'function') {
      this.channel = new BroadcastChannel(channelName);
      this.channel.onmessage = (event: MessageEvent<Change>) => this.deliver({ ...event.data, remote: true } as StoreChange);
    }
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(change: Change): void {
    this.channel?.postMessage(change);
    this.deliver({ ...change, remote: false } as StoreChange);
  }

  close(): void {
    this.channel?.close();
    this.listeners.clear();
  }

  private deliver(change: StoreChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        // One faulty listener must not stop the others or the write that triggered it.
        reportError(error);
      }
    }
  }
}
