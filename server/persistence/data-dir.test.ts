import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataDirError, openDataDir } from './data-dir.ts';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'data-dir-test-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

describe('openDataDir', () => {
  it('creates the directory, saves each keyspace apart in key order, and reads it all back', async () => {
    const dir = join(root, 'nested', 'data');
    const dd = openDataDir(dir);
    expect(dd.path).toBe(dir);
    const config = dd.journal('config');
    const kube = dd.journal('kubernetes');
    expect(config.hasSavedState()).toBe(false);
    config.put('o/000000000002', { b: [1, 2] });
    config.put('o/000000000001', ['a', null]);
    config.put('k/gone', 'x');
    config.remove('k/gone');
    kube.put('pods/default/web', { uid: 'u1' });
    // One transaction for the turn: committed (survives kill -9), then synced.
    await dd.committed();
    await dd.flushed();
    expect([...config.entries()]).toEqual([
      ['o/000000000001', ['a', null]],
      ['o/000000000002', { b: [1, 2] }],
    ]);
    await dd.close();
    expect(readdirSync(dir).sort()).toEqual(['state.mdb', 'state.mdb-lock']);

    const again = openDataDir(dir);
    expect(again.journal('config').hasSavedState()).toBe(true);
    expect([...again.journal('kubernetes').entries()]).toEqual([['pods/default/web', { uid: 'u1' }]]);
    expect([...again.journal('config').entries()].map(([k]) => k)).toEqual([
      'o/000000000001',
      'o/000000000002',
    ]);
    await again.close();
  });

  it('refuses writes after close instead of losing them', async () => {
    const dd = openDataDir(join(root, 'data'));
    const journal = dd.journal('config');
    await dd.close();
    expect(() => journal.put('a', 1)).toThrow(/is closed/);
  });

  it('reset deletes only its own database and starts empty', async () => {
    const dir = join(root, 'data');
    const dd = openDataDir(dir);
    dd.journal('config').put('a', 1);
    await dd.close();
    const fresh = openDataDir(dir, { reset: true });
    expect(fresh.journal('config').hasSavedState()).toBe(false);
    await fresh.close();
  });

  it('names a file given as the directory, and changes nothing', () => {
    const file = join(root, 'file');
    writeFileSync(file, 'keep me');
    const err = errorOf(() => openDataDir(file));
    expect(err).toBeInstanceOf(DataDirError);
    expect(err.message).toBe(`${file} is a file, not a directory`);
  });

  it('refuses a directory holding other files, even with reset, and wipes nothing', () => {
    const dir = join(root, 'photos');
    mkdirSync(dir);
    writeFileSync(join(dir, 'holiday.jpg'), 'x');
    writeFileSync(join(dir, 'state.mdb'), 'not ours either');
    for (const reset of [false, true]) {
      const err = errorOf(() => openDataDir(dir, { reset }));
      expect(err).toBeInstanceOf(DataDirError);
      expect(err.message).toBe(
        `${dir} holds files that are not this program's state (holiday.jpg); choose an empty or new directory`,
      );
    }
    expect(readdirSync(dir).sort()).toEqual(['holiday.jpg', 'state.mdb']);
  });

  it('refuses a corrupt database file with one line naming the directory', () => {
    const dir = join(root, 'data');
    mkdirSync(dir);
    writeFileSync(join(dir, 'state.mdb'), 'this is not an LMDB environment'.repeat(200));
    const err = errorOf(() => openDataDir(dir));
    expect(err).toBeInstanceOf(DataDirError);
    expect(err.message).toBe(
      `${dir}: state.mdb cannot be used: it is not an LMDB environment; start with --reset to replace it`,
    );
    expect(existsSync(join(dir, 'state.mdb'))).toBe(true);
  });

  it('refuses a database of another format version or without our marker, but reset replaces it', async () => {
    const dir = join(root, 'data');
    mkdirSync(dir);
    const foreign = open({ path: join(dir, 'state.mdb'), noSubdir: true, maxDbs: 8 });
    await foreign.openDB({ name: 'meta' }).put('format', 'contrail-lb-explorer/0');
    await foreign.close();
    expect(errorOf(() => openDataDir(dir)).message).toBe(
      `${dir} holds a database of another format (contrail-lb-explorer/0, expected contrail-lb-explorer/1); start with --reset to replace it`,
    );

    rmSync(dir, { recursive: true });
    mkdirSync(dir);
    const unmarked = open({ path: join(dir, 'state.mdb'), noSubdir: true, maxDbs: 8 });
    await unmarked.openDB({ name: 'config' }).put('x', 1);
    await unmarked.close();
    expect(errorOf(() => openDataDir(dir)).message).toBe(
      `${dir} holds a database without this program's format marker; start with --reset to replace it`,
    );
    const replaced = openDataDir(dir, { reset: true });
    expect(replaced.journal('config').hasSavedState()).toBe(false);
    await replaced.close();
  });
});
