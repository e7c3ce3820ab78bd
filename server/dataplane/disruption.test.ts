import { describe, expect, it } from 'vitest';
import { analyzeDisruption } from './disruption.ts';
import { buildMaglevTable, maglevTableSize } from '@model/dataplane/maglev.ts';

describe('analyzeDisruption', () => {
  it("reproduces Contrail's scheme: optimal on removal, ~91% of new flows move on append at N=10", () => {
    const r = analyzeDisruption({ scheme: 'contrail', members: 10, flows: 50_000 });
    expect(r.share.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    for (const s of r.share) expect(s).toBeGreaterThan(0.08);
    expect(r.remove.newFlowsMoved).toBeGreaterThan(0.08);
    expect(r.remove.newFlowsMoved).toBeLessThan(1 / 10 + 0.01);
    expect(r.remove.establishedKept).toBeCloseTo(1 - r.share[5]!, 9);
    expect(r.add.newFlowsMoved).toBeGreaterThan(0.88);
    expect(r.add.newFlowsMoved).toBeLessThan(0.94);
    expect(r.add.establishedKept).toBe(1);
  });

  for (const n of [2, 10, 100]) {
    it(`keeps Maglev within 1/(N+1) + 1% on add and 1/N + 1% on remove at N=${n}`, () => {
      const r = analyzeDisruption({ scheme: 'maglev', members: n, flows: 50_000 });
      expect(r.add.newFlowsMoved).toBeLessThanOrEqual(1 / (n + 1) + 0.01);
      expect(r.remove.newFlowsMoved).toBeLessThanOrEqual(1 / n + 0.01);
      expect(Math.max(...r.share)).toBeLessThan((1 / n) * 1.5);
    });
  }
});

describe('maglev', () => {
  it('uses a prime table of at least 100 × members and fills every entry', () => {
    for (const n of [1, 2, 10, 100]) expect(maglevTableSize(n)).toBeGreaterThanOrEqual(100 * n);
    const table = buildMaglevTable(['a', 'b', 'c'], 251);
    const counts = [0, 0, 0];
    for (const owner of table) counts[owner]!++;
    expect(counts.reduce((a, b) => a + b)).toBe(251);
    for (const c of counts) expect(Math.abs(c - 251 / 3)).toBeLessThanOrEqual(1);
  });
});
