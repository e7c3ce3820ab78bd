// Reads a UI server that predates model/api/dataplane-views.ts, whose /api/dataplane answers are
// the agent's whole lists (VRouterList, Inet4UcRouteResp, NhListResp, ItfResp, FlowList) and whose
// trace is always simulated: turns them into the contract's shapes (computes, a page with names,
// the VIP's topology, TraceView) so one set of screens reads both. That server filters nothing,
// so a table's whole list is read and filtered here with the contract's rules
// (dataplane-tables.ts), in one page. Remove once every server speaks the contract.

import type {
  Annotated,
  ComputeList,
  ComputeState,
  Page,
  TraceView,
  VipTopology,
} from '@model/api/dataplane-views.ts';
import { clusterApi, dataplaneApi, explorerApi } from '@model/api/paths.ts';
import type {
  FlowList,
  Inet4UcRouteResp,
  ItfResp,
  NhListResp,
  TraceResult,
  VRouterList,
  VRouterSummary,
  VrfListResp,
} from '@model/dataplane/types.ts';
import type { ListenerRow, LoadBalancerPage, MemberRow, PoolRow } from '@model/explorer.ts';
import { ApiError, apiFetch } from './client.ts';
import type { KubeService } from './cluster.ts';
import {
  annotate,
  isCompositeType,
  selectRows,
  vipsByNexthop,
  namingContext,
  type ServiceAddresses,
  type TableFilters,
  type TableName,
  type TableRecord,
} from './dataplane-tables.ts';
import { buildVipTopology, type ComputeReading } from './vip-topology.ts';

// ---- computes ---------------------------------------------------------------------------------------

export function isLegacyComputeList(body: ComputeList | VRouterList): body is VRouterList {
  return body.vrouters.some((r) => !('reachable' in r));
}

/** That server lists only computes it simulates, so every one answers. */
export function computeListOf(body: ComputeList | VRouterList): ComputeList {
  if (!isLegacyComputeList(body)) return body;
  return {
    vrouters: body.vrouters.map(({ name, ip, ...summary }: VRouterSummary): ComputeState => ({
      name,
      ip,
      introspect: '',
      reachable: true,
      error: null,
      asOf: null,
      summary,
    })),
  };
}

// ---- tables -------------------------------------------------------------------------------------------

const computesOf = async () =>
  (await apiFetch<VRouterList>(dataplaneApi.vrouters.path())).vrouters.map((r) => ({
    name: r.name,
    ip: r.ip,
  }));

const interfacesOf = async (node: string) =>
  (await apiFetch<ItfResp>(dataplaneApi.interfaces.path({ node }))).itf_list;

const nexthopsOf = async (node: string) =>
  (await apiFetch<NhListResp>(dataplaneApi.nexthops.path({ node }))).nh_list;

const routesOf = async (node: string, vrf: string) =>
  (await apiFetch<Inet4UcRouteResp>(dataplaneApi.routes.path({ node }, { vrf }))).route_list;

const flowsOf = async (node: string) =>
  (await apiFetch<FlowList>(dataplaneApi.flows.path({ node }))).flow_list;

/** Services by address, from the embedded cluster (absent elsewhere: then nothing is named by it). */
async function servicesOf(): Promise<ServiceAddresses[]> {
  let services: KubeService[];
  try {
    services = (await apiFetch<{ items: KubeService[] }>(clusterApi.list.path({ plural: 'services' }))).items;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return [];
    throw err;
  }
  return services.map((s) => ({
    key: `${s.metadata.namespace ?? 'default'}/${s.metadata.name}`,
    uid: s.metadata.uid ?? '',
    ips: [
      ...(s.spec.clusterIP && s.spec.clusterIP !== 'None' ? [s.spec.clusterIP] : []),
      ...(s.spec.externalIPs ?? []),
      ...(s.status?.loadBalancer.ingress ?? []).flatMap((i) => (i.ip ? [i.ip] : [])),
    ],
  }));
}

async function recordsOf<K extends TableName>(
  table: K,
  node: string,
  filters: TableFilters[K],
): Promise<TableRecord[K][]> {
  switch (table) {
    case 'routes':
      return (await routesOf(node, (filters as TableFilters['routes']).vrf)) as TableRecord[K][];
    case 'nexthops':
      return (await nexthopsOf(node)) as TableRecord[K][];
    case 'interfaces':
      return (await interfacesOf(node)) as TableRecord[K][];
    case 'flows':
      return (await flowsOf(node)) as TableRecord[K][];
  }
  return [];
}

/** The whole table, named and filtered, as one page. */
export async function legacyTablePage<K extends TableName>(
  table: K,
  node: string,
  filters: TableFilters[K],
): Promise<Page<TableRecord[K]>> {
  const [records, computes, interfaces, services] = await Promise.all([
    recordsOf(table, node, filters),
    computesOf(),
    interfacesOf(node),
    servicesOf(),
  ]);
  const compositeVips = new Map<number, string[]>();
  if (table === 'nexthops') {
    const vrfs = new Set(
      (records as TableRecord['nexthops'][])
        .filter((n) => isCompositeType(n.type) && n.vrf)
        .map((n) => n.vrf),
    );
    for (const vrf of vrfs)
      for (const [id, vips] of vipsByNexthop(await routesOf(node, vrf))) compositeVips.set(id, vips);
  }
  const ctx = namingContext({
    node,
    computes,
    interfaces: new Map([[node, interfaces]]),
    services,
    compositeVips,
  });
  const rows: Annotated<TableRecord[K]>[] = annotate(table, records, ctx);
  const podIps = new Map<string, string>();
  for (const { record, names } of annotate('interfaces', interfaces, ctx))
    if (names.pod) podIps.set(names.pod, record.ip_addr);
  const items = selectRows(table, rows, filters, { podIps });
  return {
    items,
    total: records.length,
    matched: items.length,
    cursor: null,
    asOf: new Date().toISOString(),
  };
}

// ---- the VIP across the computes ------------------------------------------------------------------

/** A VIP (and port), or a load balancer's VIP (and one listener's port). */
export type TopologyTarget =
  { vip: string; port?: number | undefined } | { lb: string; port?: number | undefined };

function reason(err: unknown): string {
  if (err instanceof ApiError) return err.detail ? `${err.message}: ${err.detail}` : err.message;
  return err instanceof Error ? err.message : String(err);
}

/** The VRFs to look for a VIP's route in: the fullest first (the pod network, on a compute with pods). */
function vrfOrder(vrfs: VrfListResp['vrf_list']): string[] {
  return vrfs
    .filter((v) => v.route_count > 0)
    .sort((a, b) => b.route_count - a.route_count)
    .map((v) => v.name);
}

async function readCompute(compute: { name: string; ip: string }, vip: string): Promise<ComputeReading> {
  const node = compute.name;
  try {
    const [vrfs, interfaces, nexthops, flows] = await Promise.all([
      apiFetch<VrfListResp>(dataplaneApi.vrfs.path({ node })),
      interfacesOf(node),
      nexthopsOf(node),
      flowsOf(node),
    ]);
    let route: ComputeReading['route'] = null;
    for (const vrf of vrfOrder(vrfs.vrf_list)) {
      const found = (await routesOf(node, vrf)).find((r) => r.src_ip === vip && r.src_plen === 32);
      if (found) {
        route = { vrf, route: found };
        break;
      }
    }
    return { ...compute, error: null, route, interfaces, nexthops, flows };
  } catch (err) {
    return { ...compute, error: reason(err), route: null, interfaces: [], nexthops: [], flows: [] };
  }
}

async function loadBalancerRow(uuid: string) {
  const page = await apiFetch<LoadBalancerPage>(explorerApi.loadBalancers.path({ obj_uuids: uuid }));
  return page.loadbalancers[0] ?? null;
}

/** Pool members of a load balancer by their VMI (the explorer resolves each member's VMI). */
async function membersByVmi(lb: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const listeners = (await apiFetch<{ listeners: ListenerRow[] }>(explorerApi.listeners.path({ uuid: lb })))
    .listeners;
  for (const listener of listeners) {
    const pools = (await apiFetch<{ pools: PoolRow[] }>(explorerApi.pools.path({ uuid: listener.uuid })))
      .pools;
    for (const pool of pools) {
      const members = (
        await apiFetch<{ members: MemberRow[] }>(explorerApi.members.path({ uuid: pool.uuid }))
      ).members;
      for (const m of members) if (m.vmi && !out.has(m.vmi.uuid)) out.set(m.vmi.uuid, m.uuid);
    }
  }
  return out;
}

export async function legacyVipTopology(target: TopologyTarget): Promise<VipTopology> {
  let vip: string;
  let lbUuid: string | null;
  if ('lb' in target) {
    const row = await loadBalancerRow(target.lb);
    if (!row?.vip)
      throw new ApiError(404, 'Not Found', `no load balancer ${target.lb} with a VIP`, target.lb);
    vip = row.vip;
    lbUuid = row.uuid;
  } else {
    vip = target.vip;
    lbUuid = (await servicesOf()).find((s) => s.ips.includes(vip))?.uid || null;
  }
  const [row, memberByVmi, computes] = await Promise.all([
    lbUuid ? loadBalancerRow(lbUuid) : null,
    lbUuid ? membersByVmi(lbUuid) : new Map<string, string>(),
    computesOf(),
  ]);
  const readings = await Promise.all(computes.map((c) => readCompute(c, vip)));
  return buildVipTopology({
    vip,
    port: target.port ?? null,
    lb: row ? { uuid: row.uuid, displayName: row.displayName } : null,
    computes: readings,
    memberByVmi,
    asOf: new Date().toISOString(),
  });
}

// ---- trace -----------------------------------------------------------------------------------------

/** That server only simulates, and says nothing of an observed flow. */
export function traceViewOf(body: TraceResult | TraceView): TraceView {
  return 'mode' in body ? body : { ...body, mode: 'simulated', observed: null, agrees: null };
}
