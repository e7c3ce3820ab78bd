// The vRouters (/api/dataplane/*) as model/api/dataplane-views.ts serves them: the computes and
// whether they answer, server-paged tables with names (one infinite query per table and filter; the
// screen refreshes the pages in view itself, so a change never refetches a whole table), one next
// hop, a VIP's topology across the computes, the vRouter CLI text in pages, trace (predicted or
// simulated, with what was observed) and traffic.

import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import type {
  ComputeList,
  Page,
  TraceView,
  TraceViewRequest,
  VipTopology,
} from '@model/api/dataplane-views.ts';
import { dataplaneApi } from '@model/api/paths.ts';
import type {
  NhListResp,
  NhSandeshData,
  TrafficRequest,
  TrafficResult,
  VrfListResp,
} from '@model/dataplane/types.ts';
import { apiFetch, apiFetchTextPage, postJson } from './client.ts';
import type { TableFilters, TableName, TableRecord } from './dataplane-tables.ts';

export type { TableFilters, TableName, TableRecord } from './dataplane-tables.ts';

/** A VIP (and port), or a load balancer's VIP (and one listener's port). */
export type TopologyTarget =
  { vip: string; port?: number | undefined } | { lb: string; port?: number | undefined };

/** The vRouter utilities a compute's CLI tab runs, and where the UI server serves each one's text. */
const CLI_ROUTES = {
  rt: dataplaneApi.cliRt,
  nh: dataplaneApi.cliNh,
  flow: dataplaneApi.cliFlow,
  mpls: dataplaneApi.cliMpls,
  vif: dataplaneApi.cliVif,
  vrfstats: dataplaneApi.cliVrfstats,
  dropstats: dataplaneApi.cliDropstats,
} as const;
export type VRouterCommand = keyof typeof CLI_ROUTES;

/** The utilities whose text can be long and is served in pages (`rt`, `nh --list`, `flow -l`). */
const PAGED_COMMANDS: ReadonlySet<VRouterCommand> = new Set(['rt', 'nh', 'flow']);

const TABLE_ROUTES = {
  routes: dataplaneApi.routes,
  nexthops: dataplaneApi.nexthops,
  interfaces: dataplaneApi.interfaces,
  flows: dataplaneApi.flows,
} as const;

/** Flows change with traffic and aging, which send no config event: the pages in view refresh. */
export const FLOW_REFRESH_MS = 5_000;
/** Rows per page of a table: a screenful many times over, a small answer for the server. */
export const TABLE_PAGE_LIMIT = 200;
/** Records (routes, flows…) per page of a CLI text. */
export const CLI_PAGE_RECORDS = 500;
/** The topology's flow shares move with traffic. */
export const TOPOLOGY_REFRESH_MS = 10_000;

/**
 * Rows of a table's first page: a screenful and some, so the first rows come as soon as the server
 * has them (a flow page's reverse flows, a next-hop page's routes are per row); the view asks for
 * the next page, TABLE_PAGE_LIMIT rows, at once.
 */
export const FIRST_PAGE_LIMIT = 50;

/** One page of a table: `cursor` null is the first page (FIRST_PAGE_LIMIT rows, unless told). */
export async function fetchTablePage<K extends TableName>(
  table: K,
  node: string,
  filters: TableFilters[K],
  cursor: string | null,
  limit = cursor === null ? FIRST_PAGE_LIMIT : TABLE_PAGE_LIMIT,
): Promise<Page<TableRecord[K]>> {
  const url = TABLE_ROUTES[table].path({ node }, { ...filters, limit, cursor: cursor ?? undefined });
  return apiFetch<Page<TableRecord[K]>>(url);
}

/** The paged tables, apart from the rest: config events refresh their pages in view, not every page. */
export const tableQueries = {
  all: () => ['tables'] as const,
  node: (node: string) => [...tableQueries.all(), node] as const,
  pages: <K extends TableName>(table: K, node: string, filters: TableFilters[K]) =>
    infiniteQueryOptions({
      queryKey: [...tableQueries.node(node), table, filters] as const,
      queryFn: ({ pageParam }) => fetchTablePage(table, node, filters, pageParam),
      initialPageParam: null as string | null,
      getNextPageParam: (last: Page<TableRecord[K]>) => last.cursor,
      // Pages are refreshed in place by the table; a remount must not start them over.
      staleTime: Infinity,
    }),
};

export const dataplaneQueries = {
  all: () => ['dataplane'] as const,
  vrouters: () =>
    queryOptions({
      queryKey: [...dataplaneQueries.all(), 'vrouters'],
      queryFn: () => apiFetch<ComputeList>(dataplaneApi.vrouters.path()),
    }),
  vrfs: (node: string) =>
    queryOptions({
      queryKey: [...dataplaneQueries.all(), node, 'vrfs'],
      queryFn: () => apiFetch<VrfListResp>(dataplaneApi.vrfs.path({ node })),
    }),
  nexthop: (node: string, id: number) =>
    queryOptions({
      queryKey: [...dataplaneQueries.all(), node, 'nexthop', id],
      queryFn: async (): Promise<NhSandeshData | null> =>
        (await apiFetch<NhListResp>(dataplaneApi.nexthop.path({ node, id }))).nh_list[0] ?? null,
    }),
  /** The routes (the VIP /32s) whose active path points at next hop `nhId`, in its VRF. */
  routesVia: (node: string, vrf: string, nhId: number) =>
    queryOptions({
      queryKey: [...dataplaneQueries.all(), node, 'routes-via', vrf, nhId],
      queryFn: async () => (await fetchTablePage('routes', node, { vrf, nh: nhId }, null, 50)).items,
    }),
  /** A VIP (and port) or a load balancer's VIP, on every compute. */
  topology: (target: TopologyTarget) =>
    queryOptions({
      queryKey: [...dataplaneQueries.all(), 'topology', target],
      queryFn: () => apiFetch<VipTopology>(dataplaneApi.topology.path(target)),
      refetchInterval: TOPOLOGY_REFRESH_MS,
    }),
  /**
   * Any vRouter utility's output on a compute, in pages of CLI_PAGE_RECORDS records: `rt --dump`
   * and `vrfstats --get` with a VRF, `nh --get` with an id (`nh --list` without), `flow -l`,
   * `mpls --dump`, `vif --list`, `dropstats`. A text that fits one page refreshes while its
   * counters move; a longer one only when asked.
   */
  cli: (node: string, command: VRouterCommand, params: { vrf?: number; id?: number } = {}) =>
    infiniteQueryOptions({
      queryKey: [...dataplaneQueries.all(), node, 'cli', command, params],
      queryFn: ({ pageParam }) =>
        apiFetchTextPage(
          CLI_ROUTES[command].path(
            { node },
            {
              ...params,
              limit: PAGED_COMMANDS.has(command) ? CLI_PAGE_RECORDS : undefined,
              cursor: pageParam ?? undefined,
            },
          ),
        ),
      initialPageParam: null as string | null,
      getNextPageParam: (last: { cursor: string | null }) => last.cursor,
      refetchInterval: (query) =>
        command === 'nh' || command === 'mpls' || (query.state.data?.pages.length ?? 0) > 1
          ? false
          : FLOW_REFRESH_MS,
    }),
};

export async function tracePacket(request: TraceViewRequest): Promise<TraceView> {
  return postJson<TraceView>(dataplaneApi.trace.path(), request);
}

export function sendTraffic(request: TrafficRequest): Promise<TrafficResult> {
  return postJson<TrafficResult>(dataplaneApi.traffic.path(), request);
}
