/**
 * Bounded min-heap keeping the k best (score, row) pairs seen so far: O(n log k) over n scores,
 * no array of all scores and no full sort. Ties go to the lower row, so the order is total.
 */
export interface RowScore {
  row: number;
  score: number;
}

/** True when a ranks strictly before b. */
export function ranksBefore(aScore: number, aRow: number, bScore: number, bRow: number): boolean {
  return aScore > bScore || (aScore === bScore && aRow < bRow);
}

export class TopK {
  private readonly scores: Float64Array;
  private readonly rows: Int32Array;
  private size = 0;

  constructor(readonly k: number) {
    this.scores = new Float64Array(Math.max(0, k));
    this.rows = new Int32Array(Math.max(0, k));
  }

  /** Offers one candidate; cheap rejection when it cannot enter the heap. */
  offer(score: number, row: number): void {
    if (this.size < this.k) {
      this.siftUp(this.size++, score, row);
    } else if (this.k > 0 && ranksBefore(score, row, this.scores[0]!, this.rows[0]!)) {
      this.siftDown(score, row);
    }
  }

  /** The k-th best score so far, or 0 while fewer than k are kept: what a new candidate must beat. */
  kthScore(): number {
    return this.size < this.k || this.k === 0 ? 0 : this.scores[0]!;
  }

  /** The kept candidates, best first. */
  sorted(): RowScore[] {
    const out: RowScore[] = [];
    for (let i = 0; i < this.size; i++) out.push({ row: this.rows[i]!, score: this.scores[i]! });
    return out.sort((a, b) => (ranksBefore(a.score, a.row, b.score, b.row) ? -1 : 1));
  }

  private siftUp(at: number, score: number, row: number): void {
    const { scores, rows } = this;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!ranksBefore(scores[parent]!, rows[parent]!, score, row)) break;
      scores[at] = scores[parent]!;
      rows[at] = rows[parent]!;
      at = parent;
    }
    scores[at] = score;
    rows[at] = row;
  }

  /** Replaces the root (the worst kept) and restores the heap. */
  private siftDown(score: number, row: number): void {
    const { scores, rows, size } = this;
    let at = 0;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= size) break;
      const right = left + 1;
      // The child that ranks last is the one that must move up in a min-heap of "rank".
      let worst = left;
      if (right < size && ranksBefore(scores[left]!, rows[left]!, scores[right]!, rows[right]!)) worst = right;
      if (!ranksBefore(score, row, scores[worst]!, rows[worst]!)) break;
      scores[at] = scores[worst]!;
      rows[at] = rows[worst]!;
      at = worst;
    }
    scores[at] = score;
    rows[at] = row;
  }
}
