// Following a VIP through the agents' introspect, the steps the trace prediction and the topology
// share: the route for an address in a VRF (the exact /32 the agent looks up, else the longest
// prefix), which VRF's route for a ClusterIP VIP a pod uses, a composite's components as
// PickMember sees them, the Maglev what-if's first choice, the label a tunnel carries resolved on
// the remote compute (MplsReq), and the floating IP's port map on the member's interface. Reads through DataplaneReader; the decisions are model/'s.

import { hashMod, type Hash64 } from '@model/dataplane/agent-hash.ts';
import { buildMaglevTable, maglevTableSize } from '@model/dataplane/maglev.ts';
import type { PickComponent } from '@model/dataplane/pick-member.ts';
import type {
  ItfSandeshData,
  McastData,
  MplsSandeshData,
  RouteUcSandeshData,
  VrfSandeshData,
} from '@model/dataplane/sandesh/agent.ts';
import { tryParseIpv4 } from '@model/net/ipv4.ts';
import type { Compute } from './computes.ts';
import type { DataplaneReader } from './reader.ts';

export const ipNumber = (text: string): number => tryParseIpv4(text) ?? 0;

/** The /32 route for `ip` in a VRF (Inet4UcRouteReq with `src_ip`), or null. */
export async function hostRoute(
  reader: DataplaneReader,
  c: Compute,
  vrfIndex: number,
  ip: string,
): Promise<RouteUcSandeshData | null> {
  const exact = await reader.cache.get(`${c.url}|route:${vrfIndex}:${ip}`, () =>
    reader.read(c, async (a) => (await a.routes(vrfIndex, { ip, plen: 32 })).items[0] ?? null),
  );
  return exact.value;
}

/** The route the agent would use for `ip` in a VRF: its /32 when there is one, else the longest prefix. */
export async function routeFor(
  reader: DataplaneReader,
  c: Compute,
  vrfIndex: number,
  ip: string,
): Promise<RouteUcSandeshData | null> {
  const exact = await hostRoute(reader, c, vrfIndex, ip);
  if (exact) return exact;
  const target = ipNumber(ip);
  let best: RouteUcSandeshData | null = null;
  for (const r of (await reader.routes(c, vrfIndex)).value) {
    const base = ipNumber(r.src_ip);
    const covers = r.src_plen === 0 || (base ^ target) >>> (32 - r.src_plen) === 0;
    if (covers && r.src_plen < 32 && (!best || r.src_plen > best.src_plen)) best = r;
  }
  return best;
}

/** The VRF most of a compute's pod interfaces are in (their pod network), if it has pods. */
export function podVrfName(itfs: readonly ItfSandeshData[]): string | undefined {
  const counts = new Map<string, number>();
  for (const i of itfs)
    if (i.type === 'vport' && i.vrf_name) counts.set(i.vrf_name, (counts.get(i.vrf_name) ?? 0) + 1);
  let best: string | undefined;
  for (const [name, n] of counts) if (best === undefined || n > counts.get(best)!) best = name;
  return best;
}

/** A VRF of a compute and its route for one address. */
export interface VrfRoute {
  vrf: VrfSandeshData;
  route: RouteUcSandeshData;
}

/**
 * Of the VRFs that have a ClusterIP VIP's /32, the one a pod reaches it from: its pod network's,
 * where the control node leaked the VIP. A leaked route names its origin VN as its paths'
 * destination VN (the XMPP item's `virtual_network` is the next hop's origin VN,
 * src/bgp/xmpp_message_builder.cc GetVirtualNetwork; the agent keeps it in `dest_vn_list`,
 * controller/controller_peer.cc), so it is the route whose VRF's own VN is none of them. Null when
 * no VRF has the VIP, undefined when the routes do not tell (none leaked, or several).
 */
export function vipRouteOfPods(found: readonly VrfRoute[]): RouteUcSandeshData | null | undefined {
  if (found.length <= 1) return found[0]?.route ?? null;
  const leaked = found.filter((x) => x.route.path_list.every((p) => !p.dest_vn_list.includes(x.vrf.vn)));
  return leaked.length === 1 ? leaked[0]!.route : undefined;
}

export const isCompositeType = (type: string): boolean => type.startsWith('ECMP Composite');

/** A composite's slots as PickMember sees them: an interface, a tunnel, or a NULL hole. */
export function pickComponents(mcList: readonly McastData[]): PickComponent[] {
  return mcList.map((m) =>
    m.type === 'Tunnel' ? { kind: 'tunnel' } : m.type === 'Interface' ? { kind: 'interface' } : null,
  );
}

/**
 * The Maglev what-if's first choice (not Contrail): a table over the present slots, each named
 * `<kind>:<target>` (the member VMI's uuid for an interface, the remote compute's address for a
 * tunnel) exactly as the simulated flow processor names them.
 */
export function maglevFirst(
  mcList: readonly McastData[],
  uuidOf: (m: McastData) => string | undefined,
  hash: Hash64,
): number {
  const present: number[] = [];
  const names: string[] = [];
  mcList.forEach((m, i) => {
    if (m.type === 'Interface') {
      present.push(i);
      names.push(`interface:${uuidOf(m) ?? ''}`);
    } else if (m.type === 'Tunnel') {
      present.push(i);
      names.push(`tunnel:${m.dip ?? ''}`);
    }
  });
  const table = buildMaglevTable(names, maglevTableSize(names.length));
  const owner = table[hashMod(hash, table.length)]!;
  return owner >= 0 ? present[owner]! : 0;
}

/** What an MPLS label leads to on a compute (MplsReq with `label`), or undefined. */
export async function labelTarget(
  reader: DataplaneReader,
  c: Compute,
  label: number,
): Promise<MplsSandeshData | undefined> {
  const entry = await reader.cache.get(`${c.url}|label:${label}`, () =>
    reader.read(c, async (a) => (await a.mpls(label)).items.find((m) => m.label === label) ?? null),
  );
  return entry.value ?? undefined;
}

/**
 * The port a member receives on: the floating IP's port map on its interface (`nat_port` for the
 * protocol and port), the port itself when the floating IP maps no ports, or null when it maps
 * ports but not this one (the agent's short flow, SHORT_PORT_MAP_DROP).
 */
export function memberPort(itf: ItfSandeshData, vip: string, proto: number, port: number): number | null {
  const fip = itf.fip_list.find((f) => f.ip_addr === vip);
  if (!fip || !fip.port_map_enabled) return port;
  return fip.port_map.find((m) => m.protocol === proto && m.port === port)?.nat_port ?? null;
}

const macKey = (mac: string) =>
  mac
    .split(':')
    .map((o) => parseInt(o, 16))
    .join(':');

/**
 * A compute's interfaces, found the ways the agent's records name them: a composite component by
 * its MPLS label (unique per compute), an interface next hop by its name when that is unique,
 * else by the VM's MAC it rewrites to. (Tap names are the first characters of the pod uid, which
 * need not be unique.)
 */
export class InterfaceIndex {
  private readonly byName = new Map<string, ItfSandeshData[]>();
  private readonly byLabel = new Map<number, ItfSandeshData>();
  private readonly byMac = new Map<string, ItfSandeshData>();

  constructor(readonly all: readonly ItfSandeshData[]) {
    for (const i of all) {
      this.byName.set(i.name, [...(this.byName.get(i.name) ?? []), i]);
      if (i.label >= 0) this.byLabel.set(i.label, i);
      if (i.mac_addr) this.byMac.set(macKey(i.mac_addr), i);
    }
  }

  /** The interface a composite component (`mc_list` entry) names. */
  ofComponent(m: McastData): ItfSandeshData | undefined {
    return (
      (m.label !== undefined ? this.byLabel.get(m.label) : undefined) ?? this.byName.get(m.itf ?? '')?.[0]
    );
  }

  /** The interface an interface next hop sends to. */
  ofNexthop(nh: { itf?: string; mac?: string[] }): ItfSandeshData | undefined {
    const named = this.byName.get(nh.itf ?? '') ?? [];
    if (named.length === 1) return named[0];
    const mac = nh.mac?.[0];
    return (mac ? this.byMac.get(macKey(mac)) : undefined) ?? named[0];
  }

  /** By the label a path or component carries. */
  ofLabel(label: number): ItfSandeshData | undefined {
    return this.byLabel.get(label);
  }
}

const indexes = new WeakMap<readonly ItfSandeshData[], InterfaceIndex>();

/** The index of an interface snapshot, built once per snapshot. */
export function interfaceIndex(itfs: readonly ItfSandeshData[]): InterfaceIndex {
  let index = indexes.get(itfs);
  if (!index) indexes.set(itfs, (index = new InterfaceIndex(itfs)));
  return index;
}
