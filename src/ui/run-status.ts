/** The line under Ask while a run works: step n of the budget, elapsed time, and how fast the model writes. */
import type { AgentEvent } from '../agent/types.ts';

export class RunStatus {
  private started = 0;
  private step = 0;
  private pieces = 0;
  private writingMs = 0;
  private pieceAt: number | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private sample = '';

  constructor(
    private readonly element: HTMLElement,
    private readonly maxSteps: () => number,
  ) {}

  start(sample = ''): void {
    this.started = performance.now();
    this.step = 0;
    this.pieces = 0;
    this.writingMs = 0;
    this.pieceAt = null;
    this.sample = sample;
    this.element.hidden = false;
    this.render();
    this.stopTimer();
    this.timer = setInterval(() => this.render(), 500);
  }

  /** Best-of-N: which sample is being drawn. */
  setSample(sample: string): void {
    this.sample = sample;
    this.render();
  }

  handle(event: AgentEvent): void {
    const now = performance.now();
    if (event.type === 'turn') {
      this.step = event.index + 1;
      this.pieceAt = null;
    } else if (event.type === 'token') {
      // Time between streamed pieces is the model writing; the first piece of a turn also waited for the prefill.
      if (this.pieceAt !== null) this.writingMs += now - this.pieceAt;
      this.pieceAt = now;
      this.pieces++;
    } else {
      this.pieceAt = null;
    }
    this.render();
  }

  finish(): void {
    this.stopTimer();
    this.render(true);
  }

  private render(done = false): void {
    const seconds = (performance.now() - this.started) / 1000;
    const speed = this.writingMs > 0 && this.pieces > 1 ? ` · about ${Math.round((this.pieces - 1) / (this.writingMs / 1000))} tokens/s` : '';
    const step = this.step > 0 ? `${done ? 'Took' : 'Step'} ${this.step} of at most ${this.maxSteps()}` : 'Starting';
    this.element.textContent = `${this.sample ? `${this.sample} · ` : ''}${step} · ${seconds.toFixed(seconds < 10 ? 1 : 0)} s${speed}${done ? '' : '…'}`;
  }

  private stopTimer(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}
