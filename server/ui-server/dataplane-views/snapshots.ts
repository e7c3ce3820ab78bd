// Short-lived snapshots of what the agents said: each table of each compute is read once and
// shared by every request within its TTL (pages, filters and sorts are answered from it). The TTL
// runs from the end of the read, so a table whose read outlasts it is not read again back to back.
// A read in flight is joined rather than repeated, and a config change drops everything (the
// embedded simulation's change feed). A failed read is not kept. Knows nothing of the values.

export interface Snapshot<T> {
  readonly value: T;
  /** When the read started (ms since the epoch): the data is at least this fresh. */
  readonly asOf: number;
}

interface Entry {
  promise: Promise<Snapshot<unknown>>;
  /** When the read succeeded: the TTL runs from here. */
  readAt: number | null;
}

export class SnapshotCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The snapshot under `key`, read with `load` when there is none younger than the TTL. */
  get<T>(key: string, load: () => Promise<T>): Promise<Snapshot<T>> {
    const entry = this.entries.get(key);
    if (entry && (entry.readAt === null || this.now() - entry.readAt < this.ttlMs))
      return entry.promise as Promise<Snapshot<T>>;
    const asOf = this.now();
    const fresh: Entry = {
      readAt: null,
      promise: load().then(
        (value) => {
          fresh.readAt = this.now();
          return { value, asOf };
        },
        (err: unknown) => {
          if (this.entries.get(key) === fresh) this.entries.delete(key);
          throw err;
        },
      ),
    };
    this.entries.set(key, fresh);
    return fresh.promise as Promise<Snapshot<T>>;
  }

  /** The snapshot under `key` when one is read and younger than the TTL; never starts a read. */
  async peek<T>(key: string): Promise<Snapshot<T> | undefined> {
    const entry = this.entries.get(key);
    if (!entry || entry.readAt === null || this.now() - entry.readAt >= this.ttlMs) return undefined;
    return entry.promise as Promise<Snapshot<T>>;
  }

  /** Drops every snapshot (reads in flight finish for their callers but are not kept). */
  invalidate(): void {
    this.entries.clear();
  }
}
