// A binary min-heap of (primary, secondary) number pairs, ordered lexicographically: the priority queue
// behind BPE training (most frequent pair first) and long-word encoding (lowest merge rank first).

/**
 * A min-heap of number pairs: `pop` returns the smallest primary, ties broken by the smallest secondary.
 *
 * @example
 * const h = new PairHeap();
 * h.push(2, 0); h.push(1, 5); h.push(1, 3);
 * h.pop(); // true
 * [h.primary, h.secondary]; // [1, 3]
 */
export class PairHeap {
  private a: number[] = [];
  private b: number[] = [];
  /** The primary key of the last popped entry. */
  primary = 0;
  /** The secondary key of the last popped entry. */
  secondary = 0;

  /** Number of entries. */
  get size(): number {
    return this.a.length;
  }

  private less(i: number, j: number): boolean {
    const ai = this.a[i]!, aj = this.a[j]!;
    return ai < aj || (ai === aj && this.b[i]! < this.b[j]!);
  }

  private swap(i: number, j: number): void {
    const a = this.a, b = this.b;
    const ta = a[i]!, tb = b[i]!;
    a[i] = a[j]!; b[i] = b[j]!;
    a[j] = ta; b[j] = tb;
  }

  /** Adds an entry. */
  push(primary: number, secondary: number): void {
    this.a.push(primary);
    this.b.push(secondary);
    let i = this.a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** Removes the smallest entry into `primary`/`secondary`; false when empty. */
  pop(): boolean {
    const n = this.a.length;
    if (n === 0) return false;
    this.primary = this.a[0]!;
    this.secondary = this.b[0]!;
    const lastA = this.a.pop()!, lastB = this.b.pop()!;
    if (n > 1) {
      this.a[0] = lastA;
      this.b[0] = lastB;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < n - 1 && this.less(l, m)) m = l;
        if (r < n - 1 && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return true;
  }
}
