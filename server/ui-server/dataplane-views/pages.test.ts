import { describe, expect, it } from 'vitest';
import { compareKeys, decodeCursor, encodeCursor, pageOf, type SortKey } from './pages.ts';

interface Row {
  id: number;
  pkts: number;
}

/** Rows with many equal packet counts, so the id decides between them. */
function rowsOf(n: number): Row[] {
  let seed = 7;
  const next = () => (seed = (seed * 48271) % 2147483647);
  return Array.from({ length: n }, (_, id) => ({ id, pkts: next() % 50 }));
}

const byPkts = (r: Row): SortKey => [r.pkts, r.id];
const even = (r: Row) => r.id % 2 === 0;

/** The same page by the plain definition: sort, filter, drop up to the cursor, cut. */
function expected(rows: Row[], order: 'asc' | 'desc', limit: number, after?: SortKey, matches?: (r: Row) => boolean) {
  const sorted = [...rows].sort((a, b) => compareKeys(byPkts(a), byPkts(b)));
  if (order === 'desc') sorted.reverse();
  const kept = sorted.filter((r) => !matches || matches(r));
  const rest = after
    ? kept.filter((r) => (order === 'asc' ? compareKeys(byPkts(r), after) > 0 : compareKeys(byPkts(r), after) < 0))
    : kept;
  return { rows: rest.slice(0, limit), matched: kept.length, more: rest.length > limit };
}

describe('pageOf', () => {
  const rows = rowsOf(2_000);

  for (const order of ['asc', 'desc'] as const)
    for (const filtered of [false, true])
      it(`walks every page ${order}${filtered ? ' with a filter' : ''} as sort-filter-cut would`, async () => {
        const matches = filtered ? even : undefined;
        let cursor: string | undefined;
        const seen: Row[] = [];
        for (let pages = 0; pages < 100; pages++) {
          const cut = await pageOf({ rows, sort: 'pkts', key: byPkts, order, limit: 64, cursor, ...(matches ? { matches } : {}) });
          const want = expected(rows, order, 64, cursor === undefined ? undefined : decodeCursor(cursor), matches);
          expect(cut.rows).toEqual(want.rows);
          expect(cut.matched).toBe(want.matched);
          expect(cut.total).toBe(rows.length);
          expect(cut.cursor !== null).toBe(want.more);
          seen.push(...cut.rows);
          if (cut.cursor === null) break;
          cursor = cut.cursor;
        }
        expect(seen).toHaveLength(filtered ? 1_000 : 2_000);
      });

  it('goes on after a cursor whose row has left the snapshot', async () => {
    // [25, 0.5] sorts between the rows of 25 packets with ids 0 and 1, or after every id-0 row.
    const after: SortKey = [25, 0.5];
    for (const order of ['asc', 'desc'] as const) {
      const cut = await pageOf({ rows, sort: 'pkts', key: byPkts, order, limit: 10, cursor: encodeCursor(after) });
      expect(cut.rows).toEqual(expected(rows, order, 10, after).rows);
    }
  });
});
