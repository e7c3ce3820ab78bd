// The load balancer tree as the UI server assembles it (/api/explorer/*): grid rows in pages, then
// one request per expanded level. Row shapes mirror server/ui-server/routes/explorer.ts.

import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { apiFetch } from './client.ts';

export interface LoadBalancerRow {
  uuid: string;
  name: string;
  displayName: string;
  fqName: string[];
  namespace: string | null;
  vip: string | null;
  provider: string | null;
  listeners: { uuid: string; protocol: string | null; port: number | null }[];
  membersUp: number;
  membersTotal: number;
  operatingStatus: string | null;
  provisioningStatus: string | null;
  adminState: boolean;
}

export interface ListenerRow {
  uuid: string;
  name: string;
  displayName: string;
  fqName: string[];
  loadbalancerUuid: string | null;
  protocol: string | null;
  port: number | null;
  portName: string | null;
  connectionLimit: number | null;
  adminState: boolean;
  pools: { uuid: string; name: string }[];
  membersTotal: number;
}

export interface PoolRow {
  uuid: string;
  name: string;
  displayName: string;
  fqName: string[];
  listenerUuid: string | null;
  protocol: string | null;
  method: string | null;
  sessionPersistence: string | null;
  adminState: boolean;
  membersUp: number;
  membersTotal: number;
}

export interface MemberRow {
  uuid: string;
  name: string;
  displayName: string;
  fqName: string[];
  poolUuid: string | null;
  targetPort: number | null;
  weight: number | null;
  address: string | null;
  status: string | null;
  adminState: boolean;
  isUp: boolean;
  pod: { uuid: string; name: string | null; namespace: string | null } | null;
  node: string | null;
  podIp: string | null;
  vmi: { uuid: string; name: string } | null;
}

export interface LoadBalancerPage {
  loadbalancers: LoadBalancerRow[];
  total: number;
  marker: string | null;
}

/** The first page is small so rows paint at once; the rest stream in larger pages. */
export const FIRST_PAGE_LIMIT = 100;
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
