// One page of a table snapshot: filtered, sorted and cut at an opaque keyset cursor (the sort key
// of the last row given, found again by binary search), so the work per request is the page, plus
// one pass over the snapshot when a filter counts its matches; no pass holds the event loop: sorts
// and filters run in slices with a yield between them.
// A sorted order is computed once per snapshot and sort, and reused by every page. Pure of HTTP.

import { InvalidRequest } from '../../errors.ts';
import { Slicer, yieldToLoop } from '../../slices.ts';

export type SortKey = readonly (number | string)[];

export function compareKeys(a: SortKey, b: SortKey): number {
  for (let i = 0; i < a.length && i < b.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return a.length - b.length;
}

/** Stable merge sort by key, in slices (a plain sort of 500k rows would hold the loop). */
export async function sortInSlices<T>(items: readonly T[], key: (row: T) => SortKey): Promise<T[]> {
  const slicer = new Slicer();
  const keyed: { row: T; key: SortKey }[] = [];
  for (const row of items) {
    keyed.push({ row, key: key(row) });
    if (slicer.due()) await yieldToLoop();
  }
  const cmp = (a: { key: SortKey }, b: { key: SortKey }) => compareKeys(a.key, b.key);
  // Runs of up to 4096 sorted natively (each well under a slice), then merged pairwise.
  const RUN = 4096;
  let runs: { row: T; key: SortKey }[][] = [];
  for (let i = 0; i < keyed.length; i += RUN) {
    runs.push(keyed.slice(i, i + RUN).sort(cmp));
    if (slicer.due(RUN)) await yieldToLoop();
  }
  while (runs.length > 1) {
    const next: { row: T; key: SortKey }[][] = [];
    for (let r = 0; r < runs.length; r += 2) {
      const a = runs[r]!;
      const b = runs[r + 1];
      if (!b) {
        next.push(a);
        continue;
      }
      const out: { row: T; key: SortKey }[] = [];
      let i = 0;
      let j = 0;
      while (i < a.length && j < b.length) {
        out.push(cmp(b[j]!, a[i]!) < 0 ? b[j++]! : a[i++]!);
        if (slicer.due()) await yieldToLoop();
      }
      while (i < a.length) out.push(a[i++]!);
      while (j < b.length) out.push(b[j++]!);
      next.push(out);
    }
    runs = next;
  }
  return (runs[0] ?? []).map((e) => e.row);
}

const sortedViews = new WeakMap<readonly unknown[], Map<string, Promise<unknown[]>>>();

/** `items` sorted by `name`'s key, computed once per snapshot array and sort. */
export function sortedView<T>(items: readonly T[], name: string, key: (row: T) => SortKey): Promise<T[]> {
  let views = sortedViews.get(items);
  if (!views) sortedViews.set(items, (views = new Map()));
  let view = views.get(name) as Promise<T[]> | undefined;
  if (!view) {
    view = sortInSlices(items, key);
    views.set(name, view);
  }
  return view;
}

export function encodeCursor(key: SortKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string): SortKey {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  if (!Array.isArray(key) || !key.every((k) => typeof k === 'number' || typeof k === 'string'))
    throw new InvalidRequest(
      `query.cursor: must be a cursor from a previous page (got "${cursor.slice(0, 40)}")`,
    );
  return key as SortKey;
}

export interface PageRequest<T> {
  /** The snapshot's rows. */
  rows: readonly T[];
  /** The sort's name (the cache key of its order) and its key: unique per row (ends in an id). */
  sort: string;
  key: (row: T) => SortKey;
  order: 'asc' | 'desc';
  /** Rows kept; absent: all. */
  matches?: (row: T) => boolean;
  limit: number;
  cursor?: string | undefined;
}

export interface PageCut<T> {
  rows: T[];
  total: number;
  matched: number;
  cursor: string | null;
}

/**
 * The page after `cursor` of the rows that match, in the sort's order. The cursor's place in the
 * sorted view is a binary search, so a page without a filter costs its own rows; with a filter,
 * one pass (in slices) counts the matches.
 */
export async function pageOf<T>(req: PageRequest<T>): Promise<PageCut<T>> {
  const sorted = await sortedView(req.rows, req.sort, req.key);
  const n = sorted.length;
  const desc = req.order === 'desc';
  const at = (step: number) => sorted[desc ? n - 1 - step : step]!;
  const start = req.cursor === undefined ? 0 : firstStepAfter(n, at, req.key, decodeCursor(req.cursor), desc);
  const out: T[] = [];
  let matched = n;
  let more = false;
  if (!req.matches) {
    for (let step = start; step < n && out.length < req.limit; step++) out.push(at(step));
    more = start + out.length < n;
  } else {
    const slicer = new Slicer();
    matched = 0;
    for (let step = 0; step < n; step++) {
      if (slicer.due()) await yieldToLoop();
      const row = at(step);
      if (!req.matches(row)) continue;
      matched++;
      if (step < start) continue;
      // Rows come in sort order: one that matches after a full page means there is a next page.
      if (out.length >= req.limit) more = true;
      else out.push(row);
    }
  }
  const last = out.at(-1);
  return {
    rows: out,
    total: req.rows.length,
    matched,
    cursor: more && last ? encodeCursor(req.key(last)) : null,
  };
}

/** The first step of the walk (ascending, or descending from the end) whose row comes after `after`. */
function firstStepAfter<T>(
  n: number,
  at: (step: number) => T,
  key: (row: T) => SortKey,
  after: SortKey,
  desc: boolean,
): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareKeys(key(at(mid)), after);
    if (desc ? c < 0 : c > 0) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
