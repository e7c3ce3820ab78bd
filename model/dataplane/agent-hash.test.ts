import { describe, expect, it } from 'vitest';
import { hashFlow, hashMod, hashToString } from './agent-hash.ts';

const MASK = (1n << 64n) - 1n;
function combine(seed: bigint, v: bigint): bigint {
  return (seed ^ ((v + 0x9e3779b9n + ((seed << 6n) & MASK) + (seed >> 2n)) & MASK)) & MASK;
}
function reference(fields: number[]): bigint {
  let seed = 0n;
  for (const f of fields) seed = combine(seed, BigInt(f));
  let h = combine(0n, seed & 0xffffffffn);
  h = combine(h, seed >> 16n);
  return h;
}

describe('hashFlow', () => {
  it('equals boost::hash_combine over router id and the 5-tuple on a 64-bit size_t', () => {
    const cases = [
      [0x0a55bc14, 0x0a2ffffc, 0x0a693540, 6, 40000, 8888],
      [0xffffffff, 0xffffffff, 0xffffffff, 17, 65535, 65535],
      [0, 0, 0, 0, 0, 0],
    ];
    for (const [rid, sip, dip, proto, sport, dport] of cases) {
      const h = hashFlow(rid!, sip!, dip!, proto!, sport!, dport!, { hi: 0, lo: 0 });
      const want = reference([rid!, sip!, dip!, proto!, sport!, dport!]);
      expect(hashToString(h)).toBe(want.toString());
      for (const n of [2, 3, 10, 251, 131071]) expect(hashMod(h, n)).toBe(Number(want % BigInt(n)));
    }
  });

  it('differs between computes for the same 5-tuple (the router id is in the seed)', () => {
    const a = hashFlow(0x0a55bc14, 1, 2, 6, 3, 4, { hi: 0, lo: 0 });
    const b = hashFlow(0x0a55bc15, 1, 2, 6, 3, 4, { hi: 0, lo: 0 });
    expect(hashToString(a)).not.toBe(hashToString(b));
  });
});
