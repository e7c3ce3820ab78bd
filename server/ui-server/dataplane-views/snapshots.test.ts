import { describe, expect, it } from 'vitest';
import { SnapshotCache } from './snapshots.ts';

/** A read the test finishes by hand, and a clock it moves by hand. */
function harness(ttlMs: number) {
  let now = 1_000;
  const cache = new SnapshotCache(ttlMs, () => now, () => 0);
  let reads = 0;
  const pending: { resolve: (v: string) => void; reject: (e: Error) => void }[] = [];
  const load = () => {
    reads++;
    return new Promise<string>((resolve, reject) => pending.push({ resolve, reject }));
  };
  return {
    cache,
    load,
    reads: () => reads,
    pending,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('SnapshotCache', () => {
  it('joins a read in flight and serves its value until the TTL runs out', async () => {
    const h = harness(2_000);
    const a = h.cache.get('t', h.load);
    const b = h.cache.get('t', h.load);
    expect(h.reads()).toBe(1);
    h.pending[0]!.resolve('v1');
    expect(await a).toEqual({ value: 'v1', asOf: 1_000 });
    expect(await b).toBe(await a);
    h.advance(1_999);
    expect((await h.cache.get('t', h.load)).value).toBe('v1');
    expect(await h.cache.peek('t')).toEqual({ value: 'v1', asOf: 1_000 });
    h.advance(1);
    expect(await h.cache.peek('t')).toBeUndefined();
    void h.cache.get('t', h.load);
    expect(h.reads()).toBe(2);
  });

  it('counts the TTL from the end of a read, and keeps a slow read fresh for four times its duration', async () => {
    const h = harness(2_000);
    const a = h.cache.get('t', h.load);
    h.advance(5_000);
    h.pending[0]!.resolve('slow');
    expect(await a).toEqual({ value: 'slow', asOf: 1_000 });
    // Served, not read again, though it began 5 s ago: fresh for 20 s from the end of its read.
    h.advance(19_999);
    expect((await h.cache.get('t', h.load)).value).toBe('slow');
    expect(await h.cache.peek('t')).toEqual({ value: 'slow', asOf: 1_000 });
    expect(h.reads()).toBe(1);
    h.advance(1);
    expect(await h.cache.peek('t')).toBeUndefined();
    void h.cache.get('t', h.load);
    expect(h.reads()).toBe(2);
  });

  it('answers with the expired snapshot while one read replaces it, and waits once it is too old', async () => {
    const h = harness(2_000);
    const first = h.cache.get('t', h.load);
    h.pending[0]!.resolve('v1');
    await first;
    h.advance(2_500);
    // Expired: the old snapshot answers at once, and one read starts behind it.
    expect(await h.cache.get('t', h.load)).toEqual({ value: 'v1', asOf: 1_000 });
    expect(await h.cache.get('t', h.load)).toEqual({ value: 'v1', asOf: 1_000 });
    expect(h.reads()).toBe(2);
    h.pending[1]!.resolve('v2');
    await Promise.resolve();
    expect(await h.cache.get('t', h.load)).toEqual({ value: 'v2', asOf: 3_500 });
    expect(h.reads()).toBe(2);
    // Five TTLs past its read, a snapshot no longer answers: the request waits for a new read.
    h.advance(10_000);
    const waiting = h.cache.get('t', h.load);
    expect(h.reads()).toBe(3);
    h.pending[2]!.resolve('v3');
    expect((await waiting).value).toBe('v3');
  });

  it('drops an expired snapshot whose replacement failed: the next request reads and sees the failure', async () => {
    const h = harness(2_000);
    const first = h.cache.get('t', h.load);
    h.pending[0]!.resolve('v1');
    await first;
    h.advance(2_000);
    expect((await h.cache.get('t', h.load)).value).toBe('v1');
    h.pending[1]!.reject(new Error('agent down'));
    await Promise.resolve();
    await Promise.resolve();
    const next = h.cache.get('t', h.load);
    expect(h.reads()).toBe(3);
    h.pending[2]!.reject(new Error('agent still down'));
    await expect(next).rejects.toThrow('agent still down');
  });

  it('keeps no failed read and drops everything on invalidate', async () => {
    const h = harness(2_000);
    const failed = h.cache.get('t', h.load);
    h.pending[0]!.reject(new Error('agent down'));
    await expect(failed).rejects.toThrow('agent down');
    const next = h.cache.get('t', h.load);
    expect(h.reads()).toBe(2);
    h.pending[1]!.resolve('v2');
    expect((await next).value).toBe('v2');
    h.cache.invalidate();
    expect(await h.cache.peek('t')).toBeUndefined();
    void h.cache.get('t', h.load);
    expect(h.reads()).toBe(3);
  });

  it('adds up to a quarter of the freshness at random, so tables read together expire apart', async () => {
    let now = 1_000;
    const draws = [0, 0.5, 0.999];
    const cache = new SnapshotCache(2_000, () => now, () => draws.shift()!);
    for (const key of ['a', 'b', 'c']) await cache.get(key, async () => key);
    const fresh = async () => {
      const out: string[] = [];
      for (const key of ['a', 'b', 'c']) if (await cache.peek(key)) out.push(key);
      return out;
    };
    now += 1_999;
    expect(await fresh()).toEqual(['a', 'b', 'c']);
    now += 1; // 2 s: a's freshness (no jitter) is over
    expect(await fresh()).toEqual(['b', 'c']);
    now += 250; // 2.25 s: b's (an eighth more)
    expect(await fresh()).toEqual(['c']);
    now += 249; // just under c's 2.5 s (a quarter more)
    expect(await fresh()).toEqual(['c']);
    now += 1;
    expect(await fresh()).toEqual([]);
  });
});
