// The unanchored list of one type in contrail-api's fq-name table order (`<fq_name joined by
// ':'>:<uuid>`, which is also its page marker), merged lazily after writes so a list after k
// writes costs O(n + k log k) instead of a full sort. Knows nothing of objects beyond their key.

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export class SortedIndex {
  private keys: string[] = [];
  private uuids: string[] = [];
  /** Written since the last merge: uuid → key. */
  private readonly added = new Map<string, string>();
  private readonly removed = new Set<string>();
  private built = false;

  /** `all` yields every [key, uuid] once, on the first read. */
  constructor(private readonly all: () => Iterable<readonly [string, string]>) {}

  /** Whether writes must be tracked (the list was read since the last rebuild). */
  get isBuilt(): boolean {
    return this.built;
  }

  add(uuid: string, key: string): void {
    if (!this.built) return;
    // A uuid deleted and re-created before the next read: rebuild rather than track both.
    if (this.removed.has(uuid)) this.built = false;
    else this.added.set(uuid, key);
  }

  remove(uuid: string): void {
    if (!this.built) return;
    if (!this.added.delete(uuid)) this.removed.add(uuid);
  }

  /** Keys and uuids in order, current as of now. */
  read(): { readonly keys: readonly string[]; readonly uuids: readonly string[] } {
    if (!this.built) this.rebuild();
    else if (this.added.size > 0 || this.removed.size > 0) this.merge();
    return { keys: this.keys, uuids: this.uuids };
  }

  private rebuild(): void {
    const all = [...this.all()].sort(([a], [b]) => byText(a, b));
    this.keys = all.map(([key]) => key);
    this.uuids = all.map(([, uuid]) => uuid);
    this.added.clear();
    this.removed.clear();
    this.built = true;
  }

  private merge(): void {
    const added = [...this.added].map(([uuid, key]) => [key, uuid] as const).sort(([a], [b]) => byText(a, b));
    const keys: string[] = [];
    const uuids: string[] = [];
    let j = 0;
    for (let i = 0; i < this.keys.length; i++) {
      const key = this.keys[i]!;
      while (j < added.length && added[j]![0] < key) {
        keys.push(added[j]![0]);
        uuids.push(added[j++]![1]);
      }
      if (!this.removed.has(this.uuids[i]!)) {
        keys.push(key);
        uuids.push(this.uuids[i]!);
      }
    }
    for (; j < added.length; j++) {
      keys.push(added[j]![0]);
      uuids.push(added[j]![1]);
    }
    this.keys = keys;
    this.uuids = uuids;
    this.added.clear();
    this.removed.clear();
  }
}
