// The simulated vRouters (/api/dataplane/*): introspect-shaped JSON per compute, the vRouter CLI
// text, packet trace and traffic. Shapes come from model/dataplane/types.ts.

import { queryOptions } from '@tanstack/react-query';
import type {
  FlowList,
  Inet4UcRouteResp,
  ItfResp,
  NhListResp,
  TraceRequest,
  TraceResult,
  TrafficRequest,
  TrafficResult,
  VrfListResp,
} from '@model/dataplane/types.ts';
import type { ComputeList } from '@model/api/dataplane-views.ts';
import { dataplaneApi } from '@model/api/paths.ts';
import { apiFetch, apiFetchText, postJson } from './client.ts';

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

/** Flows change with traffic and aging, which send no config event: refresh them on a timer too. */
export const FLOW_REFRESH_MS = 5_000;

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
  interfaces: (node: string) =>
    queryOptions({
      queryKey: [...dataplaneQueries.all(), node, 'interfaces'],
      queryFn: () => apiFetch<ItfResp>(dataplaneApi.interfaces.path({ node })),
    }),
  nexthops: (node: string) =>
    queryOptions({
      queryKey: [...dataplaneQueries.all(), node, 'nexthops'],
      queryFn: () => apiFetch<NhListResp>(dataplaneApi.nexthops.path({ node })),
    }),
  routes: (node: string, vrf: string) =>
    queryOptions({
      queryKey: [...dataplaneQueries.all(), node, 'routes', vrf],
      queryFn: () => apiFetch<Inet4UcRouteResp>(dataplaneApi.routes.path({ node }, { vrf })),
    }),
  flows: (node: string) =>
    queryOptions({
      queryKey: [...dataplaneQueries.all(), node, 'flows'],
      queryFn: () => apiFetch<FlowList>(dataplaneApi.flows.path({ node })),
      refetchInterval: FLOW_REFRESH_MS,
    }),
  cliRt: (node: string, vrfId: number) =>
    queryOptions({
      queryKey: [...dataplaneQueries.all(), node, 'cli', 'rt', vrfId],
      queryFn: () => apiFetchText(dataplaneApi.cliRt.path({ node }, { vrf: vrfId })),
    }),
  cliNh: (node: string, id: number) =>
    queryOptions({
      queryKey: [...dataplaneQueries.all(), node, 'cli', 'nh', id],
      queryFn: () => apiFetchText(dataplaneApi.cliNh.path({ node }, { id })),
    }),
  cliFlow: (node: string) =>
    queryOptions({
      queryKey: [...dataplaneQueries.all(), node, 'cli', 'flow'],
      queryFn: () => apiFetchText(dataplaneApi.cliFlow.path({ node })),
      refetchInterval: FLOW_REFRESH_MS,
    }),
  /**
   * Any vRouter utility's output on a compute: `nh` (`nh --list`), `mpls`, `vif`, `vrfstats`
   * (`--get <vrf>`), `dropstats`, and `rt` / `flow`. Counters move with traffic: refreshed.
   */
  cli: (node: string, command: VRouterCommand, vrfId?: number) =>
    queryOptions({
      queryKey: [...dataplaneQueries.all(), node, 'cli', command, vrfId ?? null],
      queryFn: () => apiFetchText(CLI_ROUTES[command].path({ node }, { vrf: vrfId })),
      refetchInterval: command === 'nh' || command === 'mpls' ? false : FLOW_REFRESH_MS,
    }),
};

export function tracePacket(request: TraceRequest): Promise<TraceResult> {
  return postJson<TraceResult>(dataplaneApi.trace.path(), request);
}

export function sendTraffic(request: TrafficRequest): Promise<TrafficResult> {
  return postJson<TrafficResult>(dataplaneApi.traffic.path(), request);
}
