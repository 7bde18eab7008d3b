/** The reply as it streams: decoded after every step, cut after the first stop string, handed on piece by piece. */
import { endOfFirstStop } from '../stop.ts';

type Decode = (ids: number[]) => string;

/** transformers.js passes bigint ids at run time although its types say number. */
const toNumbers = (ids: readonly (number | bigint)[]) => ids.map(Number);

export class TextStream {
  text = '';
  newTokens = 0;
  firstTokenAt: number | null = null;

  constructor(
    private readonly promptLength: number,
    private readonly decode: Decode,
    private readonly stops: readonly string[],
    private readonly onText: (delta: string) => void,
  ) {}

  /** True once a stop string has been generated. */
  get stopped(): boolean {
    return endOfFirstStop(this.text, this.stops) >= 0;
  }

  update(ids: readonly (number | bigint)[]): void {
    this.newTokens = ids.length - this.promptLength;
    if (this.newTokens <= 0) return;
    this.firstTokenAt ??= performance.now();
    const text = this.decode(toNumbers(ids.slice(this.promptLength)));
    // A multi-byte character split across tokens decodes to U+FFFD until it is complete.
    let stable = text.endsWith('\uFFFD') ? text.replace(/\uFFFD+$/, '') : text;
    const end = endOfFirstStop(stable, this.stops);
    if (end >= 0) stable = stable.slice(0, end);
    if (stable.length > this.text.length && stable.startsWith(this.text)) {
      this.onText(stable.slice(this.text.length));
      this.text = stable;
    } else if (!stable.startsWith(this.text)) {
      this.text = stable;
    }
  }
}
