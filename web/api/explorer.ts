// The load balancer tree as the UI server assembles it (/api/explorer/*): grid rows in pages, then
// one request per expanded level. The row shapes are model/explorer.ts, shared with the server route.

import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import type { ListenerRow, LoadBalancerPage, MemberRow, PoolRow } from '@model/explorer.ts';
import { apiFetch } from './client.ts';

/** Re-exported for the web side's fixtures, which predate model/explorer.ts. */
export type { ListenerRow, LoadBalancerPage, LoadBalancerRow, MemberRow, PoolRow } from '@model/explorer.ts';

/**
 * The first page is small so rows paint at once (50 rows fill a tall screen, and its server work and
 * payload do not grow with the LB count); the rest stream in larger pages.
 */
export const FIRST_PAGE_LIMIT = 50;
export const NEXT_PAGE_LIMIT = 1000;

interface PageParam {
  marker: string | null;
  limit: number;
}

export const explorerQueries = {
  all: () => ['explorer'] as const,
  loadBalancers: () =>
    infiniteQueryOptions({
      queryKey: [...explorerQueries.all(), 'loadbalancers'],
      queryFn: ({ pageParam }) => {
        const params = new URLSearchParams({ page_limit: String(pageParam.limit) });
        if (pageParam.marker) params.set('page_marker', pageParam.marker);
        return apiFetch<LoadBalancerPage>(`/explorer/loadbalancers?${params.toString()}`);
      },
      initialPageParam: { marker: null, limit: FIRST_PAGE_LIMIT } as PageParam,
      getNextPageParam: (last): PageParam | undefined =>
        last.marker ? { marker: last.marker, limit: NEXT_PAGE_LIMIT } : undefined,
    }),
  loadBalancer: (uuid: string) =>
    queryOptions({
      queryKey: [...explorerQueries.all(), 'loadbalancer', uuid],
      queryFn: async () => {
        const page = await apiFetch<LoadBalancerPage>(
          `/explorer/loadbalancers?obj_uuids=${encodeURIComponent(uuid)}`,
        );
        return page.loadbalancers[0] ?? null;
      },
    }),
  listeners: (lbUuid: string) =>
    queryOptions({
      queryKey: [...explorerQueries.all(), 'listeners', lbUuid],
      queryFn: async () =>
        (await apiFetch<{ listeners: ListenerRow[] }>(`/explorer/loadbalancers/${lbUuid}/listeners`))
          .listeners,
    }),
  pools: (listenerUuid: string) =>
    queryOptions({
      queryKey: [...explorerQueries.all(), 'pools', listenerUuid],
      queryFn: async () =>
        (await apiFetch<{ pools: PoolRow[] }>(`/explorer/listeners/${listenerUuid}/pools`)).pools,
    }),
  members: (poolUuid: string) =>
    queryOptions({
      queryKey: [...explorerQueries.all(), 'members', poolUuid],
      queryFn: async () =>
        (await apiFetch<{ members: MemberRow[] }>(`/explorer/pools/${poolUuid}/members`)).members,
    }),
};
