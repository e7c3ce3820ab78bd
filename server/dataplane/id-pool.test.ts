import { describe, expect, it } from 'vitest';
import { IdPool } from './id-pool.ts';

describe('IdPool', () => {
  it('hands out the lowest free id from its first one, reusing released ids lowest first', () => {
    const pool = new IdPool(10);
    expect([pool.allocate(), pool.allocate(), pool.allocate(), pool.allocate()]).toEqual([10, 11, 12, 13]);
    pool.release(12);
    pool.release(11);
    expect(pool.allocate()).toBe(11);
    pool.release(13);
    // 13 was the highest: the next new ids continue from 12, then 13.
    expect([pool.allocate(), pool.allocate(), pool.allocate()]).toEqual([12, 13, 14]);
  });

  it('ignores ids it never gave out and ids below its first one', () => {
    const pool = new IdPool(3);
    pool.release(1);
    pool.release(7);
    expect([pool.allocate(), pool.allocate()]).toEqual([3, 4]);
  });

  it('matches a scan for the lowest free id over a long random sequence', () => {
    const pool = new IdPool(16);
    const used = new Set<number>();
    let seed = 7;
    for (let step = 0; step < 5000; step++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      if (used.size > 0 && seed % 3 === 0) {
        const victim = [...used][seed % used.size]!;
        used.delete(victim);
        pool.release(victim);
      } else {
        let expected = 16;
        while (used.has(expected)) expected++;
        expect(pool.allocate()).toBe(expected);
        used.add(expected);
      }
    }
  });
});
