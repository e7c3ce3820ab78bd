import { describe, expect, it } from 'vitest';
import { countText } from './table-toolbar.tsx';
import type { PagedTableState } from './use-paged-table.ts';

const state = (over: Partial<PagedTableState<unknown>>): PagedTableState<unknown> => ({
  rows: [],
  total: null,
  matched: null,
  asOf: null,
  isPending: false,
  error: null,
  hasMore: false,
  isFetchingMore: false,
  fetchMore: () => {},
  retry: () => {},
  onRangeChange: () => {},
  ...over,
});

const rows = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ key: String(i), row: { record: i, names: {} }, page: 0 }));

describe('the count beside a table', () => {
  it('counts what the server counted', () => {
    expect(countText(state({ rows: rows(3), total: 11_102, matched: 11_102 }), 'routes', false)).toBe(
      '11,102 routes',
    );
    expect(countText(state({ rows: rows(3), total: 11_102, matched: 12 }), 'routes', true)).toBe(
      '12 of 11,102 routes match',
    );
  });

  it('says only what it saw when the server did not walk the table (flows in index order)', () => {
    expect(countText(state({ rows: rows(400), hasMore: true }), 'flows', false)).toBe('400+ flows');
    expect(countText(state({ rows: rows(200), hasMore: true }), 'flows', true)).toBe('200+ flows match');
    expect(countText(state({ rows: rows(7) }), 'flows', true)).toBe('7 flows match');
    expect(countText(state({ isPending: true }), 'flows', true)).toBe('');
  });
});
