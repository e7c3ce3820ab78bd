// Lowest-free integer allocation (vif indexes, MPLS labels, next-hop ids) in O(log n) per call:
// a high-water mark plus a min-heap of released ids below it. No knowledge of what the ids name.

export class IdPool {
  private highWater: number;
  private readonly used = new Set<number>();
  /** Released ids below the high-water mark, as a binary min-heap. */
  private readonly freed: number[] = [];

  constructor(private readonly first: number) {
    this.highWater = first;
  }

  /** The lowest id ≥ `first` not in use; marks it used. */
  allocate(): number {
    if (this.freed.length > 0) {
      const id = this.popMin();
      this.used.add(id);
      return id;
    }
    const id = this.highWater++;
    this.used.add(id);
    return id;
  }

  release(id: number): void {
    if (id < this.first || !this.used.delete(id)) return;
    if (id === this.highWater - 1) this.highWater--;
    else this.pushFreed(id);
  }

  private pushFreed(id: number): void {
    const heap = this.freed;
    heap.push(id);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]! <= heap[i]!) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  }

  private popMin(): number {
    const heap = this.freed;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && heap[l]! < heap[m]!) m = l;
        if (r < heap.length && heap[r]! < heap[m]!) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i]!, heap[m]!];
        i = m;
      }
    }
    return top;
  }
}
