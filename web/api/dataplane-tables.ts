// The paged tables' rules as model/api/dataplane-views.ts states them, over the agent's records:
// what each row is named (pod, Service, VIP, node), which rows a query's filters keep and in which
// order. Pure. The msw handlers serve the contract with it, and legacy-dataplane.ts reads a server
// that predates the contract with it, so both follow one reading of each filter.

import type {
  EntityNames,
  FlowPageQuery,
  InterfacePageQuery,
  NexthopPageQuery,
  RoutePageQuery,
} from '@model/api/dataplane-views.ts';
import type { Annotated } from '@model/api/dataplane-views.ts';
import { podKeyOfVmName } from '@model/contrail/names.ts';
import type { ItfSandeshData, KFlowInfo, NhSandeshData, RouteUcSandeshData } from '@model/dataplane/types.ts';
import { cidrContains, tryParseCidr, tryParseIpv4 } from '@model/net/ipv4.ts';

export type TableName = 'routes' | 'nexthops' | 'interfaces' | 'flows';

/** The record of each table, as the agent's introspect names its fields. */
export interface TableRecord {
  routes: RouteUcSandeshData;
  nexthops: NhSandeshData;
  interfaces: ItfSandeshData;
  flows: KFlowInfo;
}

/** A table's query without its paging: what selects and orders the rows. */
export interface TableFilters {
  routes: Omit<RoutePageQuery, 'limit' | 'cursor'>;
  nexthops: Omit<NexthopPageQuery, 'limit' | 'cursor'>;
  interfaces: Omit<InterfacePageQuery, 'limit' | 'cursor'>;
  flows: Omit<FlowPageQuery, 'limit' | 'cursor'>;
}

/** A Service by the addresses it answers on (ClusterIP, external and ingress IPs). */
export interface ServiceAddresses {
  /** `<namespace>/<service>`. */
  key: string;
  /** The Service uid, which kube-manager gives its loadbalancer as uuid (`vnc/loadbalancer.py`). */
  uid: string;
  ips: readonly string[];
}

/** A pod interface as the naming knows it. */
interface PodAddress {
  pod: string;
  vmi: string;
  node: string;
}

/** What names a compute's rows: the computes, pods and Services the explorer knows of, indexed. */
export interface NamingContext {
  node: string;
  computesByIp: ReadonlyMap<string, string>;
  /** This compute's interfaces by tap name. */
  interfacesByName: ReadonlyMap<string, ItfSandeshData>;
  /** Pods by address: this compute's, and others' where known. */
  podsByIp: ReadonlyMap<string, PodAddress>;
  servicesByIp: ReadonlyMap<string, ServiceAddresses>;
  /** The VIPs (addresses) routed through each composite of this compute. */
  compositeVips: ReadonlyMap<number, readonly string[]>;
}

export interface NamingInput {
  node: string;
  computes: readonly { name: string; ip: string }[];
  /** Interfaces by compute: this compute's at least, others' to name remote pods. */
  interfaces: ReadonlyMap<string, readonly ItfSandeshData[]>;
  services: readonly ServiceAddresses[];
  compositeVips?: ReadonlyMap<number, readonly string[]>;
}

export function namingContext(input: NamingInput): NamingContext {
  const podsByIp = new Map<string, PodAddress>();
  for (const [node, list] of input.interfaces)
    for (const itf of list) {
      const pod = podKeyOfVmName(itf.vm_name);
      // This compute's own interface wins over another's with the same address.
      if (pod && (node === input.node || !podsByIp.has(itf.ip_addr)))
        podsByIp.set(itf.ip_addr, { pod, vmi: itf.uuid, node });
    }
  const servicesByIp = new Map<string, ServiceAddresses>();
  for (const s of input.services) for (const ip of s.ips) servicesByIp.set(ip, s);
  return {
    node: input.node,
    computesByIp: new Map(input.computes.map((c) => [c.ip, c.name])),
    interfacesByName: new Map((input.interfaces.get(input.node) ?? []).map((i) => [i.name, i])),
    podsByIp,
    servicesByIp,
    compositeVips: input.compositeVips ?? new Map(),
  };
}

export function isCompositeType(type: string): boolean {
  return type.startsWith('ECMP Composite');
}

function serviceNames(ctx: NamingContext, ip: string): EntityNames {
  const service = ctx.servicesByIp.get(ip);
  return service ? { service: service.key, vip: ip, lb: service.uid } : {};
}

function podNames(ctx: NamingContext, ip: string): EntityNames {
  const found = ctx.podsByIp.get(ip);
  return found ? { pod: found.pod, vmi: found.vmi, node: found.node } : {};
}

export function routeNames(route: RouteUcSandeshData, ctx: NamingContext): EntityNames {
  if (route.src_plen !== 32) return {};
  return { ...podNames(ctx, route.src_ip), ...serviceNames(ctx, route.src_ip) };
}

export function nexthopNames(nh: NhSandeshData, ctx: NamingContext): EntityNames {
  if (isCompositeType(nh.type)) {
    const vip = ctx.compositeVips.get(nh.nh_index)?.[0];
    return vip ? { vip, ...serviceNames(ctx, vip) } : {};
  }
  if (nh.type === 'interface') {
    const itf = ctx.interfacesByName.get(nh.itf);
    const pod = itf ? podKeyOfVmName(itf.vm_name) : null;
    return itf && pod ? { pod, vmi: itf.uuid, node: ctx.node } : {};
  }
  if (nh.type === 'tunnel') {
    const compute = ctx.computesByIp.get(nh.dip);
    return compute ? { node: compute } : {};
  }
  return {};
}

export function interfaceNames(itf: ItfSandeshData, ctx: NamingContext): EntityNames {
  const pod = podKeyOfVmName(itf.vm_name);
  return pod ? { pod, vmi: itf.uuid, node: ctx.node } : {};
}

/** A flow: its source's pod, the Service whose VIP either end is, the destination pod's compute. */
export function flowNames(flow: KFlowInfo, ctx: NamingContext): EntityNames {
  const source = podNames(ctx, flow.sip);
  const destination = podNames(ctx, flow.dip);
  const service = { ...serviceNames(ctx, flow.sip), ...serviceNames(ctx, flow.dip) };
  return {
    ...(source.pod ? { pod: source.pod } : {}),
    ...service,
    ...(destination.node ? { node: destination.node } : {}),
  };
}

const NAMERS: { [K in TableName]: (record: TableRecord[K], ctx: NamingContext) => EntityNames } = {
  routes: routeNames,
  nexthops: nexthopNames,
  interfaces: interfaceNames,
  flows: flowNames,
};

export function annotate<K extends TableName>(
  table: K,
  records: readonly TableRecord[K][],
  ctx: NamingContext,
): Annotated<TableRecord[K]>[] {
  const name = NAMERS[table];
  return records.map((record) => ({ record, names: name(record, ctx) }));
}

/** The VIPs (the /32 destinations) whose active path points at each next hop. */
export function vipsByNexthop(routes: readonly RouteUcSandeshData[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const r of routes) {
    const id = r.path_list[0]?.nh?.nh_index;
    if (id === undefined || r.src_plen !== 32) continue;
    out.set(id, [...(out.get(id) ?? []), r.src_ip]);
  }
  return out;
}

// ---- the words a free-text filter matches ------------------------------------------------------

const PROTOCOLS: Readonly<Record<number, string>> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 132: 'sctp' };

function namesText(names: EntityNames): string {
  return [names.pod, names.service, names.vip, names.node].filter(Boolean).join(' ');
}

/** The text `q` searches in a row: addresses, names, type and flags, lower-case. */
export function searchText<K extends TableName>(table: K, row: Annotated<TableRecord[K]>): string {
  const names = namesText(row.names);
  switch (table) {
    case 'routes': {
      const r = row.record as RouteUcSandeshData;
      const path = r.path_list[0];
      return `${r.src_ip}/${r.src_plen} ${path?.nh?.nh_index ?? ''} ${path?.nh?.type ?? ''} ${path?.peer ?? ''} ${names}`.toLowerCase();
    }
    case 'nexthops': {
      const n = row.record as NhSandeshData;
      return `${n.nh_index} ${n.type} ${n.itf} ${n.sip} ${n.dip} ${n.vrf} ${n.mac} ${names}`.toLowerCase();
    }
    case 'interfaces': {
      const i = row.record as ItfSandeshData;
      return `vif0/${i.index} ${i.name} ${i.ip_addr} ${i.mac_addr} ${i.vrf_name} ${i.vm_name} ${i.active} ${names}`.toLowerCase();
    }
    case 'flows': {
      const f = row.record as KFlowInfo;
      const ecmp = f.ecmp_index >= 0 ? `e:${f.ecmp_index}` : '';
      return `${f.index}<=>${f.rflow} ${f.sip}:${f.sport} ${f.dip}:${f.dport} ${PROTOCOLS[f.proto] ?? f.proto} ${f.action} ${ecmp} ${names}`.toLowerCase();
    }
  }
  return '';
}

function matchesWords(text: string, q: string | undefined): boolean {
  const words = (q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  return words.every((w) => text.includes(w));
}

// ---- each table's filters and order -------------------------------------------------------------

/**
 * `prefix`: an address keeps the routes covering it; `a.b.c.d/len` keeps the routes inside it. A
 * text that is neither keeps nothing (the server refuses it; this is only ever given parsed input).
 */
function routeInPrefix(route: RouteUcSandeshData, prefix: string): boolean {
  const dest = tryParseIpv4(route.src_ip);
  if (dest === undefined) return false;
  const own = tryParseCidr(`${route.src_ip}/${route.src_plen}`);
  if (!prefix.includes('/')) {
    const ip = tryParseIpv4(prefix);
    return ip !== undefined && own !== undefined && cidrContains(own, ip);
  }
  const outer = tryParseCidr(prefix);
  return outer !== undefined && route.src_plen >= outer.prefixLength && cidrContains(outer, dest);
}

const ipNumber = (ip: string) => tryParseIpv4(ip) ?? 0;

/** The next hops a composite leads to: its Encap (by tap) and Tunnel (by compute) next hops. */
function componentIds(composite: NhSandeshData, all: readonly NhSandeshData[]): number[] {
  const ids: number[] = [];
  for (const c of composite.mc_list) {
    const found =
      c.type === 'Interface'
        ? all.find((n) => n.type === 'interface' && n.itf === c.itf)
        : c.type === 'Tunnel'
          ? all.find((n) => n.type === 'tunnel' && n.dip === c.dip)
          : undefined;
    if (found) ids.push(found.nh_index);
  }
  return ids;
}

type Compare<T> = (a: T, b: T) => number;

function ordered<T>(rows: T[], compare: Compare<T>, order: 'asc' | 'desc' | undefined): T[] {
  const sign = order === 'desc' ? -1 : 1;
  return rows.sort((a, b) => sign * compare(a, b));
}

const nhOf = (r: Annotated<RouteUcSandeshData>) => r.record.path_list[0]?.nh?.nh_index ?? -1;
const byId: Compare<Annotated<NhSandeshData>> = (a, b) => a.record.nh_index - b.record.nh_index;
const byIndex: Compare<Annotated<KFlowInfo>> = (a, b) => a.record.index - b.record.index;

export interface SelectContext {
  /** For the pod filter of flows: the pod's address. */
  podIps?: ReadonlyMap<string, string>;
}

/** The rows a table's filters keep, in the order its `sort` and `order` ask (a stable sort). */
export function selectRows<K extends TableName>(
  table: K,
  rows: readonly Annotated<TableRecord[K]>[],
  filters: TableFilters[K],
  ctx: SelectContext = {},
): Annotated<TableRecord[K]>[] {
  const q = filters.q;
  const base = rows.filter((row) => matchesWords(searchText(table, row), q));
  switch (table) {
    case 'routes': {
      const f = filters as TableFilters['routes'];
      const kept = (base as Annotated<RouteUcSandeshData>[]).filter(
        (r) =>
          (f.prefix === undefined || routeInPrefix(r.record, f.prefix)) &&
          (f.nh === undefined || r.record.path_list[0]?.nh?.nh_index === f.nh),
      );
      const byPrefix: Compare<Annotated<RouteUcSandeshData>> = (a, b) =>
        ipNumber(a.record.src_ip) - ipNumber(b.record.src_ip) || a.record.src_plen - b.record.src_plen;
      return ordered(
        kept,
        f.sort === 'nh' ? (a, b) => nhOf(a) - nhOf(b) || byPrefix(a, b) : byPrefix,
        f.order,
      ) as Annotated<TableRecord[K]>[];
    }
    case 'nexthops': {
      const f = filters as TableFilters['nexthops'];
      const all = rows as readonly Annotated<NhSandeshData>[];
      let behindVip: Set<number> | null = null;
      if (f.vip !== undefined) {
        behindVip = new Set();
        for (const r of all)
          if (isCompositeType(r.record.type) && r.names.vip === f.vip) {
            behindVip.add(r.record.nh_index);
            for (const id of componentIds(
              r.record,
              all.map((x) => x.record),
            ))
              behindVip.add(id);
          }
      }
      const kept = (base as Annotated<NhSandeshData>[]).filter(
        (r) =>
          (f.type === undefined ||
            (f.type === 'composite' ? isCompositeType(r.record.type) : r.record.type === f.type)) &&
          (behindVip === null || behindVip.has(r.record.nh_index)),
      );
      const compare: Compare<Annotated<NhSandeshData>> =
        f.sort === 'type'
          ? (a, b) => a.record.type.localeCompare(b.record.type) || byId(a, b)
          : f.sort === 'refcount'
            ? (a, b) => a.record.ref_count - b.record.ref_count || byId(a, b)
            : byId;
      return ordered(kept, compare, f.order) as Annotated<TableRecord[K]>[];
    }
    case 'interfaces': {
      const f = filters as TableFilters['interfaces'];
      return ordered(
        [...(base as Annotated<ItfSandeshData>[])],
        (a, b) => a.record.index - b.record.index,
        f.order,
      ) as Annotated<TableRecord[K]>[];
    }
    case 'flows': {
      const f = filters as TableFilters['flows'];
      const podIp = f.pod === undefined ? undefined : ctx.podIps?.get(f.pod);
      const kept = (base as Annotated<KFlowInfo>[]).filter(({ record: r, names }) => {
        if (f.vip !== undefined && r.dip !== f.vip && r.sip !== f.vip) return false;
        if (f.ip !== undefined && r.dip !== f.ip && r.sip !== f.ip) return false;
        if (f.port !== undefined && r.dport !== f.port && r.sport !== f.port) return false;
        if (
          f.pod !== undefined &&
          names.pod !== f.pod &&
          (podIp === undefined || (r.sip !== podIp && r.dip !== podIp))
        )
          return false;
        if (f.service !== undefined && names.service !== f.service) return false;
        return true;
      });
      const compare: Compare<Annotated<KFlowInfo>> =
        f.sort === 'packets'
          ? (a, b) => a.record.pkts - b.record.pkts || byIndex(a, b)
          : f.sort === 'bytes'
            ? (a, b) => a.record.bytes - b.record.bytes || byIndex(a, b)
            : byIndex;
      return ordered(kept, compare, f.order) as Annotated<TableRecord[K]>[];
    }
  }
  return [...base];
}
