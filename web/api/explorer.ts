// The load balancer tree as the UI server assembles it (/api/explorer/*): grid rows in pages, then
// one request per expanded level. The row shapes are model/explorer.ts, shared with the server route.

import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { explorerApi } from '@model/api/paths.ts';
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
      queryFn: ({ pageParam }) =>
        apiFetch<LoadBalancerPage>(
          explorerApi.loadBalancers.path({
            page_limit: pageParam.limit,
            page_marker: pageParam.marker ?? undefined,
          }),
        ),
      initialPageParam: { marker: null, limit: FIRST_PAGE_LIMIT } as PageParam,
      getNextPageParam: (last): PageParam | undefined =>
        last.marker ? { marker: last.marker, limit: NEXT_PAGE_LIMIT } : undefined,
    }),
  loadBalancer: (uuid: string) =>
    queryOptions({
      queryKey: [...explorerQueries.all(), 'loadbalancer', uuid],
      queryFn: async () => {
        const page = await apiFetch<LoadBalancerPage>(explorerApi.loadBalancers.path({ obj_uuids: uuid }));
        return page.loadbalancers[0] ?? null;
      },
    }),
  listeners: (lbUuid: string) =>
    queryOptions({
      queryKey: [...explorerQueries.all(), 'listeners', lbUuid],
      queryFn: async () =>
        (await apiFetch<{ listeners: ListenerRow[] }>(explorerApi.listeners.path({ uuid: lbUuid })))
          .listeners,
    }),
  pools: (listenerUuid: string) =>
    queryOptions({
      queryKey: [...explorerQueries.all(), 'pools', listenerUuid],
      queryFn: async () =>
        (await apiFetch<{ pools: PoolRow[] }>(explorerApi.pools.path({ uuid: listenerUuid }))).pools,
    }),
  members: (poolUuid: string) =>
    queryOptions({
      queryKey: [...explorerQueries.all(), 'members', poolUuid],
      queryFn: async () =>
        (await apiFetch<{ members: MemberRow[] }>(explorerApi.members.path({ uuid: poolUuid }))).members,
    }),
};
