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
  VRouterList,
  VrfListResp,
} from '@model/dataplane/types.ts';
import { apiFetch, apiFetchText, postJson } from './client.ts';

/** Flows change with traffic and aging, which send no config event: refresh them on a timer too. */
export const FLOW_REFRESH_MS = 5_000;

const nodePath = (node: string) => `/dataplane/vrouters/${encodeURIComponent(node)}`;

export const dataplaneQueries = {
  all: () => ['dataplane'] as const,
  vrouters: () =>
    queryOptions({
      queryKey: [...dataplaneQueries.all(), 'vrouters'],
      queryFn: () => apiFetch<VRouterList>('/dataplane/vrouters'),
    }),
  vrfs: (node: string) =>
    queryOptions({
      queryKey: [...dataplaneQueries.all(), node, 'vrfs'],
      queryFn: () => apiFetch<VrfListResp>(`${nodePath(node)}/vrfs`),
    }),
  interfaces: (node: string) =>
    queryOptions({
      queryKey: [...dataplaneQueries.all(), node, 'interfaces'],
      queryFn: () => apiFetch<ItfResp>(`${nodePath(node)}/interfaces`),
    }),
  nexthops: (node: string) =>
    queryOptions({
      queryKey: [...dataplaneQueries.all(), node, 'nexthops'],
      queryFn: () => apiFetch<NhListResp>(`${nodePath(node)}/nexthops`),
    }),
  routes: (node: string, vrf: string) =>
    queryOptions({
      queryKey: [...dataplaneQueries.all(), node, 'routes', vrf],
      queryFn: () => apiFetch<Inet4UcRouteResp>(`${nodePath(node)}/routes?vrf=${encodeURIComponent(vrf)}`),
    }),
  flows: (node: string) =>
    queryOptions({
      queryKey: [...dataplaneQueries.all(), node, 'flows'],
      queryFn: () => apiFetch<FlowList>(`${nodePath(node)}/flows`),
      refetchInterval: FLOW_REFRESH_MS,
    }),
  cliRt: (node: string, vrfId: number) =>
    queryOptions({
      queryKey: [...dataplaneQueries.all(), node, 'cli', 'rt', vrfId],
      queryFn: () => apiFetchText(`${nodePath(node)}/cli/rt?vrf=${vrfId}`),
    }),
  cliNh: (node: string, id: number) =>
    queryOptions({
      queryKey: [...dataplaneQueries.all(), node, 'cli', 'nh', id],
      queryFn: () => apiFetchText(`${nodePath(node)}/cli/nh?id=${id}`),
    }),
  cliFlow: (node: string) =>
    queryOptions({
      queryKey: [...dataplaneQueries.all(), node, 'cli', 'flow'],
      queryFn: () => apiFetchText(`${nodePath(node)}/cli/flow`),
      refetchInterval: FLOW_REFRESH_MS,
    }),
  /**
   * Any vRouter utility's output on a compute: `nh` (`nh --list`), `mpls`, `vif`, `vrfstats`
   * (`--get <vrf>`), `dropstats`, and `rt` / `flow`. Counters move with traffic: refreshed.
   */
  cli: (node: string, command: string, vrfId?: number) =>
    queryOptions({
      queryKey: [...dataplaneQueries.all(), node, 'cli', command, vrfId ?? null],
      queryFn: () =>
        apiFetchText(`${nodePath(node)}/cli/${command}${vrfId === undefined ? '' : `?vrf=${vrfId}`}`),
      refetchInterval: command === 'nh' || command === 'mpls' ? false : FLOW_REFRESH_MS,
    }),
};

export function tracePacket(request: TraceRequest): Promise<TraceResult> {
  return postJson<TraceResult>('/dataplane/trace', request);
}

export function sendTraffic(request: TrafficRequest): Promise<TrafficResult> {
  return postJson<TrafficResult>('/dataplane/traffic', request);
}
