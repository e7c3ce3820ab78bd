// The agent's introspect records as the UI's JSON rows (model/dataplane/types.ts: the field names
// of VrfListResp, Inet4UcRouteResp, NhListResp, ItfResp and KFlowResp), built from introspect alone
// so a real compute and a simulated one look the same; and the kernel flow rows the `flow` views
// read, with what the pair of flows tells that one KFlowInfo does not. Pure.

import { hashFieldNames, maskOfPathHashingFields } from '@model/dataplane/ecmp-load-balance.ts';
import type {
  ItfSandeshData,
  MplsSandeshData,
  NhSandeshData,
  RouteUcSandeshData,
} from '@model/dataplane/sandesh/agent.ts';
import type { KFlowInfo } from '@model/dataplane/sandesh/kstate.ts';
import type {
  KFlowInfo as KFlowJson,
  NhSandeshData as NhJson,
  RouteUcSandeshData as RouteJson,
} from '@model/dataplane/types.ts';
import { compositeComponent } from '@model/dataplane/introspect-json.ts';
import { VR_FLOW_FLAG_DPAT, type FlowRow } from '@model/dataplane/vrouter-cli-input.ts';
import { flowActionText, flowFlags, flowTcpFlags, tcpFlagsText } from '@server/vrouter-cli/flow.ts';
import { interfaceIndex, type InterfaceIndex } from './vip-route.ts';

/** What other tables of the same compute tell about a next hop (its VRF, label, hash fields). */
export interface NhContext {
  /** The interfaces (an interface next hop's label and VRF are its interface's). */
  interfaces: InterfaceIndex;
  /** Composite NH index → the VRF of the routes that use it, and their hash fields. */
  composites: ReadonlyMap<number, { vrf: string; hashFields: string }>;
  /** NH indexes an MPLS label points at (a composite among them is a local ECMP composite). */
  labelled: ReadonlySet<number>;
}

export function nhContext(
  interfaces: readonly ItfSandeshData[],
  routes: readonly RouteUcSandeshData[],
  mpls: readonly MplsSandeshData[],
): NhContext {
  const composites = new Map<number, { vrf: string; hashFields: string }>();
  for (const r of routes)
    for (const p of r.path_list)
      if (p.nh.type.startsWith('ECMP Composite') && !composites.has(p.nh.nh_index))
        composites.set(p.nh.nh_index, { vrf: r.src_vrf, hashFields: p.ecmp_hashing_fields ?? '' });
  return {
    interfaces: interfaceIndex(interfaces),
    composites,
    labelled: new Set(mpls.map((m) => m.nh.nh_index)),
  };
}

const EMPTY_CONTEXT: NhContext = {
  interfaces: interfaceIndex([]),
  composites: new Map(),
  labelled: new Set(),
};

const isComposite = (d: NhSandeshData) => d.type.startsWith('ECMP Composite');

export function nhJson(d: NhSandeshData, ctx: NhContext = EMPTY_CONTEXT): NhJson {
  const itf = d.type === 'interface' ? ctx.interfaces.ofNexthop(d) : undefined;
  const composite = isComposite(d) ? ctx.composites.get(d.nh_index) : undefined;
  const json: NhJson = {
    nh_index: d.nh_index,
    type: d.type,
    ref_count: d.ref_count,
    valid: d.valid ?? 'true',
    policy: d.policy ?? 'disabled',
    sip: d.sip ?? '',
    dip: d.dip ?? '',
    vrf: d.vrf ?? (d.type === 'interface' ? (itf?.vrf_name ?? '') : (composite?.vrf ?? '')),
    itf: d.itf ?? '',
    mac: d.mac?.[0] ?? '',
    label: d.type === 'interface' ? (itf?.label ?? -1) : -1,
    tunnel_type: d.tunnel_type ?? '',
    mc_list: (d.mc_list ?? []).map(compositeComponent),
    // The agent leaves `local_ecmp` unset: a composite an MPLS label leads to is the local one.
    local_ecmp: isComposite(d) && ctx.labelled.has(d.nh_index) ? 'true' : 'false',
  };
  if (composite) json.hash_fields = hashFieldNames(maskOfPathHashingFields(composite.hashFields));
  return json;
}

export function routeJson(d: RouteUcSandeshData, ctx: NhContext = EMPTY_CONTEXT): RouteJson {
  return {
    src_ip: d.src_ip,
    src_plen: d.src_plen,
    src_vrf: d.src_vrf,
    ipam_subnet_route: String(d.ipam_subnet_route ?? false),
    ipam_host_route: String(d.ipam_host_route ?? false),
    proxy_arp: String(d.proxy_arp ?? false),
    multicast: String(d.multicast),
    intf_route_type: d.intf_route_type,
    path_list: d.path_list.map((p) => ({
      peer: p.peer,
      nh: nhJson(p.nh, ctx),
      label: p.label,
      vxlan_id: p.vxlan_id,
      dest_vn_list: p.dest_vn_list,
      unresolved: p.unresolved,
      vrf: p.vrf ?? d.src_vrf,
      active_tunnel_type: p.active_tunnel_type,
      supported_tunnel_type: p.supported_tunnel_type,
      stale: String(p.stale ?? false),
      path_preference_data: {
        sequence: p.path_preference_data?.sequence ?? 0,
        preference: p.path_preference_data?.preference ?? 0,
        ecmp: String(p.path_preference_data?.ecmp ?? false),
        wait_for_traffic: String(p.path_preference_data?.wait_for_traffic ?? false),
        dependent_ip: p.path_preference_data?.dependent_ip ?? '',
      },
      active_label: p.active_label ?? p.label,
      ecmp_hashing_fields: p.ecmp_hashing_fields ?? '',
      inactive: String(p.inactive),
    })),
  };
}

/**
 * The kernel flow rows of one table as `flow -l` prints them from KFlowInfo. The agent's flag
 * text never names DPAT (kstate/flow_kstate.cc FlagToStr tests SPAT twice), but the kernel sets
 * it exactly when the destination port differs from the reverse flow's source port
 * (dp-core/vr_flow.c vr_flow_nat), and the reverse flow is in the same table: restored from it.
 */
export function flowRows(flows: readonly KFlowInfo[]): FlowRow[] {
  const byIndex = new Map<number, KFlowInfo>();
  for (const f of flows) byIndex.set(f.index, f);
  return flows.map((f) => flowRow(f, f.rflow >= 0 ? byIndex.get(f.rflow) : undefined));
}

/** Whether the row needs its reverse flow to be complete (a DNAT flow's DPAT flag). */
export const needsReverse = (f: KFlowInfo) => f.action === 'NAT' && f.rflow >= 0 && / DNAT /.test(f.flags);

/** One flow's `flow -l` row, given its reverse flow (see flowRows). */
export function flowRow(f: KFlowInfo, reverse: KFlowInfo | undefined): FlowRow {
  return flowRowWith(f, reverse !== undefined && reverse.sport !== f.dport && needsReverse(f));
}

/** The row with the DPAT flag as given (a filter deciding before the reverse flow is read). */
export function flowRowWith(f: KFlowInfo, dpat: boolean): FlowRow {
  if (f.action !== 'NAT') return f;
  return { ...f, fe_flags: flowFlags(f) | (dpat ? VR_FLOW_FLAG_DPAT : 0) };
}

export function flowJson(row: FlowRow): KFlowJson {
  const action = flowActionText(row);
  return {
    index: row.index,
    rflow: row.rflow,
    sip: row.sip,
    sport: row.sport,
    dip: row.dip,
    dport: row.dport,
    proto: row.proto,
    vrf_id: row.vrf_id,
    d_vrf_id: row.d_vrf_id,
    action,
    flags: flowFlags(row),
    nhid: row.nhid,
    // KFlowInfo carries no RPF next hop (the kernel's fe_src_nh_index).
    rpf_nh: row.fe_src_nh_index ?? 0,
    ecmp_index: row.ecmp_index ?? -1,
    pkts: row.pkts,
    bytes: row.bytes,
    tcp_flags: row.proto === 6 ? tcpFlagsText(flowTcpFlags(row)) : '',
    drop_reason: row.action === 'DROP' ? action.slice(2, -1) : '',
    underlay_udp_sport: row.underlay_udp_sport,
    gen_id: row.gen_id,
    ttl: row.ttl,
    qos_id: row.qos_id,
  };
}
