/** Stops a streamed reply right after its first complete action, like the local VLM does. Pure. */
import { endOfFirstAction } from '../../agent/protocol.ts';

export class ActionCutter {
  private text = '';
  private cut = false;

  /** `onText` receives exactly the kept text, piece by piece. */
  constructor(private readonly onText: (text: string) => void) {}

  /** Adds a streamed piece; returns true once the first action is complete (ignore later pieces). */
  push(piece: string): boolean {
    if (this.cut) return true;
    if (!piece) return false;
    const before = this.text.length;
    this.text += piece;
    const end = endOfFirstAction(this.text);
    if (end >= 0) {
      this.cut = true;
      this.text = this.text.slice(0, end);
    }
    const kept = this.text.slice(before);
    if (kept) this.onText(kept);
    return this.cut;
  }

  /** The kept reply so far. */
  get reply(): string {
    return this.text;
  }

  /** True once the first action is complete; later text is dropped. */
  get wasCut(): boolean {
    return this.cut;
  }
}
