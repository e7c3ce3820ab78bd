// The state directory (`DATA_DIR`): one embedded database holding a keyspace per simulated
// component (the config store now, the Kubernetes cluster later), all committed through one
// durability discipline: the writes of an event-loop turn are one transaction; `committed()`
// resolves once they survive a killed process, `flushed()` once they are synced to disk. Owns the directory rules (ours, empty, or refused — never a
// silent wipe); knows nothing of what the records mean.

import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { inspectLmdbFile, LmdbBackend, LMDB_FILES } from './lmdb-backend.ts';

/** The keyspaces of the one database: the config store's objects, the embedded cluster's. */
export type KeyspaceName = 'config' | 'kubernetes';
const KEYSPACES: readonly KeyspaceName[] = ['config', 'kubernetes'];

/** Written once into a new database; anything else in `meta` means another program's data. */
const FORMAT = 'contrail-lb-explorer/1';

/** A bad DATA_DIR: the message is one line naming the directory and what is wrong. */
export class DataDirError extends Error {}

/** What a database under the state directory must offer; see LmdbBackend. */
export interface Backend {
  /** Every record of a keyspace, in key order. */
  entries(keyspace: string): Iterable<readonly [string, unknown]>;
  isEmpty(keyspace: string): boolean;
  get(keyspace: string, key: string): unknown;
  /** Queues a write (undefined value: a delete) into the current turn's transaction. */
  put(keyspace: string, key: string, value: unknown): void;
  /** Resolves once every queued write is committed: it survives the process being killed. */
  committed(): Promise<void>;
  /** Resolves once every queued write is also synced to disk: it survives a power loss. */
  flushed(): Promise<void>;
  close(): Promise<void>;
}

/** One component's records: what it saved, and where it saves changes. */
export interface Journal {
  readonly keyspace: KeyspaceName;
  /** Saved records, in key order. */
  entries(): Iterable<readonly [string, unknown]>;
  /** Whether anything was ever saved here. */
  hasSavedState(): boolean;
  put(key: string, value: unknown): void;
  remove(key: string): void;
}

export interface DataDir {
  /** The absolute directory. */
  readonly path: string;
  journal(keyspace: KeyspaceName): Journal;
  /**
   * Resolves once every write made so far is committed — it survives `kill -9` — which is when a
   * write may be acknowledged. The sync to disk follows on the database's own thread.
   */
  committed(): Promise<void>;
  /** Resolves once every write made so far is also synced to disk (survives a power loss). */
  flushed(): Promise<void>;
  /** Flushes, then closes the database. */
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Delete this program's database first (npm start -- --reset, RESET=1). */
  readonly reset?: boolean;
  /** Other files this program writes into the directory (e.g. `kubeconfig`): not foreign. */
  readonly ownFiles?: readonly string[];
}

/**
 * Opens (creating it if needed) the state directory. Refuses, with a DataDirError naming it, a
 * path that is a file, a directory holding anything but our database, and a database of another
 * program or format version; `reset` deletes only our own files.
 */
export function openDataDir(dir: string, opts: OpenOptions = {}): DataDir {
  const path = resolve(dir);
  prepareDirectory(path, [...LMDB_FILES, ...(opts.ownFiles ?? [])], opts.reset ?? false);
  const file = join(path, LMDB_FILES[0]!);
  const problem = inspectLmdbFile(file);
  if (problem)
    throw new DataDirError(
      `${path}: ${LMDB_FILES[0]} cannot be used: ${problem}; start with --reset to replace it`,
    );
  let backend: Backend;
  try {
    backend = new LmdbBackend(file, [...KEYSPACES, 'meta']);
  } catch (err) {
    throw new DataDirError(`${path}: cannot open ${LMDB_FILES[0]}: ${oneLine(err)}`);
  }
  return withBackend(path, backend);
}

/** The directory checks of openDataDir, for a backend's file names. */
function prepareDirectory(path: string, ours: readonly string[], reset: boolean): void {
  if (existsSync(path)) {
    if (!statSync(path).isDirectory()) throw new DataDirError(`${path} is a file, not a directory`);
    const entries = readdirSync(path);
    const foreign = entries.filter((name) => !ours.includes(name));
    if (foreign.length > 0) {
      const shown = foreign.slice(0, 3).join(', ') + (foreign.length > 3 ? ', …' : '');
      throw new DataDirError(
        `${path} holds files that are not this program's state (${shown}); choose an empty or new directory`,
      );
    }
    if (reset) for (const name of entries) rmSync(join(path, name), { force: true });
  } else {
    try {
      mkdirSync(path, { recursive: true });
    } catch (err) {
      throw new DataDirError(`${path} cannot be created: ${oneLine(err)}`);
    }
  }
}

/** A DataDir over an open backend: checks or writes the format marker, hands out journals. */
function withBackend(path: string, backend: Backend): DataDir {
  const format = readFormat(path, backend);
  if (format === undefined) {
    const empty = KEYSPACES.every((k) => backend.isEmpty(k));
    if (!empty) {
      void backend.close();
      throw new DataDirError(
        `${path} holds a database without this program's format marker; start with --reset to replace it`,
      );
    }
    backend.put('meta', 'format', FORMAT);
  } else if (format !== FORMAT) {
    void backend.close();
    throw new DataDirError(
      `${path} holds a database of another format (${String(format)}, expected ${FORMAT}); start with --reset to replace it`,
    );
  }
  const journals = new Map<KeyspaceName, Journal>();
  let closed = false;
  return {
    path,
    journal(keyspace) {
      let journal = journals.get(keyspace);
      if (!journal) {
        journal = {
          keyspace,
          entries: () => backend.entries(keyspace),
          hasSavedState: () => !backend.isEmpty(keyspace),
          put: (key, value) => {
            if (closed) throw new Error(`state directory ${path} is closed`);
            backend.put(keyspace, key, value);
          },
          remove: (key) => {
            if (closed) throw new Error(`state directory ${path} is closed`);
            backend.put(keyspace, key, undefined);
          },
        };
        journals.set(keyspace, journal);
      }
      return journal;
    },
    committed: () => backend.committed(),
    flushed: () => backend.flushed(),
    async close() {
      if (closed) return;
      closed = true;
      await backend.flushed();
      await backend.close();
    },
  };
}

function readFormat(path: string, backend: Backend): unknown {
  try {
    return backend.get('meta', 'format');
  } catch (err) {
    void backend.close();
    throw new DataDirError(`${path}: the database cannot be read: ${oneLine(err)}`);
  }
}

function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}
