// Short-lived snapshots of what the agents said: each table of each compute is read once and
// shared by every request within its TTL (pages, filters and sorts are answered from it). The TTL
// runs from the end of the read, and a table that is slow to read stays fresh for a few times its
// read (a 400k-flow table read in 4 s, 16 s): what a page costs the agent and this server stays a
// small share of their time, however big the table; each freshness has a little random jitter so
// that tables read together are not read again together.
// Once the TTL has run out, the snapshot still answers (its `asOf` says how old it is) while one
// new read replaces it, so a page never waits for a whole table to be read again — up to a few
// TTLs, after which a request waits for the new read. A read in flight is joined rather than
// repeated, and a config change drops everything (the embedded simulation's change feed). A failed
// read is not kept. Knows nothing of the values.

export interface Snapshot<T> {
  readonly value: T;
  /** When the read started (ms since the epoch): the data is at least this fresh. */
  readonly asOf: number;
}

interface Entry {
  promise: Promise<Snapshot<unknown>>;
  /** When the read succeeded: the TTL runs from here. */
  readAt: number | null;
  /** How long after `readAt` the snapshot is fresh: the TTL, or a few times the read's duration. */
  freshMs: number;
  /** The read that will replace this snapshot, once one is under way. */
  next?: Entry;
}

/** How many TTLs past its read a snapshot may still answer while its replacement is read. */
const STALE_TTLS = 5;
/** A snapshot stays fresh for at least this many times the duration of its read. */
const READS_PER_TTL = 4;
/**
 * Up to this share of its freshness is added to each snapshot's at random: tables read together
 * (a page's routes, interfaces, MPLS labels and names) would otherwise expire together and be read
 * again together, every TTL, in one burst of work for the agent and this server.
 */
const JITTER = 0.25;

export class SnapshotCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    /** In [0, 1): the jitter's draw (tests pass one that is always 0). */
    private readonly random: () => number = Math.random,
  ) {}

  /** The snapshot under `key`, read with `load` when there is none younger than the TTL. */
  get<T>(key: string, load: () => Promise<T>): Promise<Snapshot<T>> {
    const entry = this.entries.get(key);
    if (entry) {
      const age = entry.readAt === null ? 0 : this.now() - entry.readAt;
      if (age < entry.freshMs) return entry.promise as Promise<Snapshot<T>>;
      if (age < entry.freshMs * STALE_TTLS) {
        entry.next ??= this.read(key, load, entry);
        return entry.promise as Promise<Snapshot<T>>;
      }
    }
    return this.read(key, load).promise as Promise<Snapshot<T>>;
  }

  /**
   * Starts a read of `key`. Without `replacing`, it is the entry at once; with it, it takes that
   * entry's place when it succeeds (if nothing dropped the entry meanwhile), and on failure drops
   * the entry so that the next request reads again and sees the failure.
   */
  private read(key: string, load: () => Promise<unknown>, replacing?: Entry): Entry {
    const asOf = this.now();
    const fresh: Entry = {
      readAt: null,
      freshMs: this.ttlMs,
      promise: load().then(
        (value) => {
          fresh.readAt = this.now();
          fresh.freshMs =
            Math.max(this.ttlMs, (fresh.readAt - asOf) * READS_PER_TTL) * (1 + JITTER * this.random());
          if (replacing && this.entries.get(key) === replacing) this.entries.set(key, fresh);
          return { value, asOf };
        },
        (err: unknown) => {
          const current = this.entries.get(key);
          if (current === fresh || (replacing && current === replacing)) this.entries.delete(key);
          throw err;
        },
      ),
    };
    if (replacing) fresh.promise.catch(() => undefined);
    else this.entries.set(key, fresh);
    return fresh;
  }

  /** The snapshot under `key` when one is read and still fresh; never starts a read. */
  async peek<T>(key: string): Promise<Snapshot<T> | undefined> {
    const entry = this.entries.get(key);
    if (!entry || entry.readAt === null || this.now() - entry.readAt >= entry.freshMs) return undefined;
    return entry.promise as Promise<Snapshot<T>>;
  }

  /** Drops every snapshot (reads in flight finish for their callers but are not kept). */
  invalidate(): void {
    this.entries.clear();
  }
}
