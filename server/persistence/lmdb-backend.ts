// The state directory's database: one LMDB environment (lmdb-js) with a named database per
// keyspace. lmdb-js batches every put of an event-loop turn into one transaction committed on its
// write thread (group commit). With overlappingSync the commit is synced right after, and after a
// killed process LMDB reopens at the last committed transaction (same boot id), so `committed` is
// the kill -9-safe acknowledgement and `flushed` the power-loss-safe one. Values are MessagePack.
// No knowledge of the records.

import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { open, type Database, type RootDatabase } from 'lmdb';
import type { Backend } from './data-dir.ts';

/** The environment's data file and its lock file, the only files it puts in the directory. */
export const LMDB_FILES = ['state.mdb', 'state.mdb-lock'] as const;

/** Where msgpack keeps its shared record structures: a symbol sorts outside every string key. */
const STRUCTURES = Symbol.for('structures');

/** MDB_MAGIC and the data version of lmdb-js's LMDB, at the start of the first meta page. */
const MDB_MAGIC = 0xbeefc0de;
const MDB_DATA_VERSION = 2;
/** The meta page header that precedes `mm_magic` in lmdb-js's build. */
const MAGIC_OFFSET = 24;

/**
 * Why `file` is not an LMDB environment of ours, or undefined when it is (or is new/empty).
 * LMDB maps whatever file it is given, so another kind of file must be refused before opening.
 */
export function inspectLmdbFile(file: string): string | undefined {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return undefined;
  }
  if (size === 0) return undefined;
  const head = Buffer.alloc(MAGIC_OFFSET + 8);
  const fd = openSync(file, 'r');
  try {
    if (readSync(fd, head, 0, head.length, 0) < head.length)
      return 'it is too short to be an LMDB environment';
  } finally {
    closeSync(fd);
  }
  if (head.readUInt32LE(MAGIC_OFFSET) !== MDB_MAGIC) return 'it is not an LMDB environment';
  const version = head.readUInt32LE(MAGIC_OFFSET + 4);
  if (version !== MDB_DATA_VERSION)
    return `it is an LMDB environment of data version ${version}, expected ${MDB_DATA_VERSION}`;
  return undefined;
}

export class LmdbBackend implements Backend {
  private readonly root: RootDatabase;
  private readonly dbs = new Map<string, Database<unknown, string>>();
  /** This turn's writes, last one per key (undefined: a delete), written as one transaction. */
  private pending = new Map<Database<unknown, string>, Map<string, unknown>>();
  /** The transaction of the writes queued so far: commits are in order. */
  private last: Promise<unknown> = Promise.resolve();
  private scheduled = false;
  private failure: Error | undefined;

  constructor(file: string, keyspaces: readonly string[]) {
    // separateFlushed: a put settles at its commit; `root.flushed` settles at the sync after it.
    this.root = open({ path: file, maxDbs: keyspaces.length + 2, noSubdir: true, separateFlushed: true });
    // Shared structures: a record's field names are stored once per database, not per record,
    // which roughly halves decoding time at restart (see docs/config-api.md, durability).
    for (const name of keyspaces)
      this.dbs.set(name, this.root.openDB<unknown, string>({ name, sharedStructuresKey: STRUCTURES }));
  }

  private db(keyspace: string): Database<unknown, string> {
    const db = this.dbs.get(keyspace);
    if (!db) throw new Error(`unknown keyspace ${keyspace}`);
    return db;
  }

  *entries(keyspace: string): Iterable<readonly [string, unknown]> {
    for (const { key, value } of this.db(keyspace).getRange()) yield [key, value] as const;
  }

  isEmpty(keyspace: string): boolean {
    for (const _ of this.db(keyspace).getKeys({ limit: 1 })) return false;
    return true;
  }

  get(keyspace: string, key: string): unknown {
    return this.db(keyspace).get(key);
  }

  /**
   * Queues a write for the end of the turn. One lmdb-js transaction for the whole turn costs far
   * less than a queued put per record (a promise and an instruction each): a 250k-object populate
   * spends about a third less time writing.
   */
  put(keyspace: string, key: string, value: unknown): void {
    const db = this.db(keyspace);
    let writes = this.pending.get(db);
    if (!writes) this.pending.set(db, (writes = new Map()));
    writes.set(key, value);
    if (this.scheduled) return;
    this.scheduled = true;
    const write = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      this.scheduled = false;
      const batch = this.pending;
      this.pending = new Map();
      // The callback runs inside the write transaction; the commit happens on lmdb-js's thread.
      return this.root.transaction(() => {
        for (const [target, entries] of batch)
          for (const [k, v] of entries) {
            if (v === undefined) void target.remove(k);
            else void target.put(k, v);
          }
      });
    });
    // A failed commit is reported by the next `committed`, never as an unhandled rejection.
    write.catch((err: Error) => (this.failure ??= err));
    this.last = write;
  }

  async committed(): Promise<void> {
    await this.last.catch(() => undefined);
    if (this.failure) throw this.failure;
  }

  async flushed(): Promise<void> {
    await this.committed();
    await this.root.flushed;
  }

  async close(): Promise<void> {
    await this.committed().catch(() => undefined);
    await this.root.close();
  }
}
