// Matching of the "Filter load balancers" box: display name, name, namespace, VIP and uuid, case
// and separator insensitive, so `ns-user-1-service-web-clusterip` finds `ns-user-1__service-web-clusterip`.

import type { LoadBalancerRow } from '@model/explorer.ts';

/** Lower-case with every run of `-`/`_` folded to one `-`: kube-manager joins names with `__`. */
export function normalizeForMatch(text: string): string {
  return text.toLowerCase().replace(/[-_]+/g, '-');
}

/** Search keys survive page arrivals: a row object keeps its key while its page is cached. */
const searchKeys = new WeakMap<LoadBalancerRow, string>();

function searchKeyOf(row: LoadBalancerRow): string {
  let key = searchKeys.get(row);
  if (key === undefined) {
    key = normalizeForMatch(
      [row.displayName, row.name, row.namespace ?? '', row.vip ?? '', row.uuid].join('\n'),
    );
    searchKeys.set(row, key);
  }
  return key;
}

export interface LoadBalancerFilter {
  readonly rows: readonly LoadBalancerRow[];
  /** Rows containing every whitespace-separated word of `filter`. */
  apply(filter: string): readonly LoadBalancerRow[];
}

/**
 * Precomputes each row's normalised search key, so a keystroke costs one substring test per row;
 * typing onward from the last filter only re-tests the rows that matched it. A keystroke that
 * leaves the matches unchanged returns the previous array itself, so nothing downstream (root
 * rows, virtualizer measurements, row renders) is rebuilt for it.
 */
export function indexLoadBalancers(rows: readonly LoadBalancerRow[]): LoadBalancerFilter {
  const keys = rows.map(searchKeyOf);
  const all = rows.map((_, i) => i);
  let last: { text: string; matches: readonly number[]; result: readonly LoadBalancerRow[] } = {
    text: '',
    matches: all,
    result: rows,
  };
  return {
    rows,
    apply(filter) {
      const text = normalizeForMatch(filter).trim();
      const words = text.split(/\s+/).filter(Boolean);
      if (words.length === 0) return rows;
      // Every word of the last filter is inside a word of this one, so its matches are a superset.
      const narrowing = last.text !== '' && text.startsWith(last.text);
      const candidates = narrowing ? last.matches : all;
      const matches = candidates.filter((i) => words.every((w) => keys[i]!.includes(w)));
      // A subset of the same size is the same set: keep the previous array.
      const result =
        matches.length === rows.length
          ? rows
          : narrowing && matches.length === candidates.length
            ? last.result
            : matches.map((i) => rows[i]!);
      last = { text, matches: matches.length === candidates.length ? candidates : matches, result };
      return result;
    },
  };
}
