// Matching of the "Filter load balancers" box: display name, name, namespace, VIP and uuid, case
// and separator insensitive, so `ns-user-1-service-web-clusterip` finds `ns-user-1__service-web-clusterip`.

import type { LoadBalancerRow } from '@web/api/explorer.ts';

/** Lower-case with every run of `-`/`_` folded to one `-`: kube-manager joins names with `__`. */
export function normalizeForMatch(text: string): string {
  return text.toLowerCase().replace(/[-_]+/g, '-');
}

const haystacks = new WeakMap<LoadBalancerRow, string>();

function haystackOf(row: LoadBalancerRow): string {
  let text = haystacks.get(row);
  if (text === undefined) {
    text = normalizeForMatch(
      [row.displayName, row.name, row.namespace ?? '', row.vip ?? '', row.uuid].join('\n'),
    );
    haystacks.set(row, text);
  }
  return text;
}

/** Rows containing every whitespace-separated word of `filter`. */
export function filterLoadBalancers(
  rows: readonly LoadBalancerRow[],
  filter: string,
): readonly LoadBalancerRow[] {
  const words = normalizeForMatch(filter).split(/\s+/).filter(Boolean);
  if (words.length === 0) return rows;
  return rows.filter((row) => {
    const text = haystackOf(row);
    return words.every((w) => text.includes(w));
  });
}
