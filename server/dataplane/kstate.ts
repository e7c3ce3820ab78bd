// One vRouter's kernel state as the agent's kstate introspect reports it (KRouteInfo, KNHInfo,
// KInterfaceInfo, KMplsInfo, KFlowInfo, KVrfStatsInfo, KDropStatsResp — tf-controller
// src/vnsw/agent/kstate/*.cc), each completed with the kernel fields the vRouter utilities print
// (vrouter-cli-input.ts). Pure reads of the model; rows are produced lazily for streaming.

import { kernelHashConfig } from '@model/dataplane/ecmp-load-balance.ts';
import type { KDropStatsResp, KVrfStatsInfo } from '@model/dataplane/sandesh/kstate.ts';
import {
  NH_FLAG_COMPOSITE_ECMP,
  NH_FLAG_ETREE_ROOT,
  NH_FLAG_POLICY_ENABLED,
  NH_FLAG_RELAXED_POLICY,
  NH_FLAG_TUNNEL_UDP_MPLS,
  NH_FLAG_VALID,
  VIF_FLAG_DHCP_ENABLED,
  VIF_FLAG_ETREE_ROOT,
  VIF_FLAG_L2_ENABLED,
  VIF_FLAG_L3_ENABLED,
  VIF_FLAG_POLICY_ENABLED,
  VIF_FLAG_VHOST_PHYS,
  VR_FLOW_DR_FLOW_LIMIT,
  VR_FLOW_DR_NO_DST_ROUTE,
  VR_FLOW_DR_NO_SRC_ROUTE,
  VR_FLOW_DR_PORT_MAP_DROP,
  VR_FLOW_DR_UNKNOWN,
  VR_FLOW_FLAG_ACTIVE,
  VR_FLOW_FLAG_DNAT,
  VR_FLOW_FLAG_DPAT,
  VR_FLOW_FLAG_MODIFIED,
  VR_FLOW_FLAG_NEW_FLOW,
  VR_FLOW_FLAG_SNAT,
  VR_FLOW_FLAG_SPAT,
  VR_FLOW_FLAG_VRFT,
  VR_FLOW_TCP_DEAD,
  VR_FLOW_TCP_ESTABLISHED,
  VR_FLOW_TCP_ESTABLISHED_R,
  VR_FLOW_TCP_FIN,
  VR_FLOW_TCP_FIN_R,
  VR_FLOW_TCP_HALF_CLOSE,
  VR_FLOW_TCP_RST,
  VR_FLOW_TCP_SYN,
  VR_FLOW_TCP_SYN_R,
  VR_RFLOW_VALID,
  VR_RT_ARP_PROXY_FLAG,
  VR_RT_LABEL_VALID_FLAG,
  type FlowRow,
  type FlowSlot,
  type FlowTableInfo,
  type MplsRow,
  type NhRow,
  type RouteRow,
  type VifRow,
} from '@model/dataplane/vrouter-cli-input.ts';
import { formatIpv4 } from '@model/net/ipv4.ts';
import { VRF_STATS, DROP_STATS } from './counters.ts';
import {
  DROP_FLOW_LIMIT,
  DROP_NO_DST_ROUTE,
  DROP_NO_SRC_ROUTE,
  DROP_PORT_MAP,
  FLOW_ACTION_DROP,
  FLOW_ACTION_FORWARD,
  FLOW_ACTION_HOLD,
  FLOW_ACTION_NAT,
  FLOW_FLAG_DNAT,
  FLOW_FLAG_DPAT,
  FLOW_FLAG_MODIFIED,
  FLOW_FLAG_NEW,
  FLOW_FLAG_SNAT,
  FLOW_FLAG_SPAT,
  FLOW_FLAG_VRFT,
  KERNEL_FLOW_ENTRY_BYTES,
  TCP_DEAD,
  TCP_ESTABLISHED,
  TCP_ESTABLISHED_R,
  TCP_FIN,
  TCP_FIN_R,
  TCP_HALF_CLOSE,
  TCP_RST,
  TCP_SYN,
  TCP_SYN_R,
} from './flow-table.ts';
import type { NextHop } from './nexthops.ts';
import { fabricMac, VROUTER_MAC, type Vif, type VRouter } from './vrouter.ts';

// ---- next hops (nexthop_ksync.cc NHKSyncEntry::Encode, nh_kstate.cc) ------------------------------

const NH_TYPE: Readonly<Record<NextHop['type'], string>> = {
  discard: 'DISCARD',
  receive: 'RECEIVE',
  interface: 'ENCAP',
  tunnel: 'TUNNEL',
  composite: 'COMPOSITE',
};

/** The kernel flags the agent programs (every agent NH is valid and an etree root). */
export function kernelNhFlags(nh: NextHop): number {
  let flags = NH_FLAG_VALID | NH_FLAG_ETREE_ROOT;
  switch (nh.type) {
    case 'receive':
      flags |= NH_FLAG_RELAXED_POLICY;
      break;
    case 'interface':
      if (nh.policy) flags |= NH_FLAG_POLICY_ENABLED;
      break;
    case 'tunnel':
      flags |= NH_FLAG_TUNNEL_UDP_MPLS;
      break;
    case 'composite':
      flags |= NH_FLAG_COMPOSITE_ECMP;
      if (nh.policy) flags |= NH_FLAG_POLICY_ENABLED;
      break;
    case 'discard':
      break;
  }
  return flags;
}

/** nh_kstate.cc FlagsToString: `VALID | POLICY | TUNNEL_MPLS_UDP | ECMP` (other bits unnamed). */
export function knhFlagsText(flags: number): string {
  const words: string[] = [];
  if (flags & NH_FLAG_VALID) words.push('VALID ');
  if (flags & NH_FLAG_POLICY_ENABLED) words.push('POLICY ');
  if (flags & NH_FLAG_TUNNEL_UDP_MPLS) words.push('TUNNEL_MPLS_UDP ');
  if (flags & NH_FLAG_COMPOSITE_ECMP) words.push('ECMP');
  return words.length === 0 ? 'NIL' : words.join('| ');
}

const hex = (bytes: readonly (string | number)[]) =>
  bytes.map((b) => (typeof b === 'number' ? b.toString(16).padStart(2, '0') : b)).join('');
const macHex = (mac: string) => mac.split(':').map((o) => o.toLowerCase().padStart(2, '0'));

/** The 14-byte Ethernet rewrite of an NH (dmac, smac, 0x0800), as EncapToString prints it. */
function encapOf(router: VRouter, nh: NextHop): string | undefined {
  if (nh.type === 'interface') return hex([...macHex(nh.mac), ...macHex(VROUTER_MAC), '08', '00']);
  if (nh.type === 'tunnel')
    return hex([...macHex(fabricMac(nh.dip)), ...macHex(fabricMac(router.ip)), '08', '00']);
  return undefined;
}

export function knhRow(router: VRouter, nh: NextHop): NhRow {
  const flags = kernelNhFlags(nh);
  const encap = encapOf(router, nh);
  const vrf = nh.type === 'interface' || nh.type === 'composite' ? nh.vrfId : 0;
  const row: NhRow = {
    id: nh.id,
    type: NH_TYPE[nh.type],
    family: 'AF_INET',
    rid: 0,
    vrf,
    flags: knhFlagsText(flags),
    ref_cnt: nh.kernelRefs,
    nhr_flags: flags,
  };
  if (nh.type !== 'composite') {
    const oif = nh.type === 'interface' ? nh.vifIndex : nh.type === 'receive' ? nh.vifIndex : 0;
    Object.assign(row, { encap_oif_id: [oif], encap_family: encap ? 'ETH_P_ARP' : 'NO_ENCAP' });
  }
  if (encap) Object.assign(row, { encap_len: encap.length / 2, encap });
  if (nh.type === 'tunnel') Object.assign(row, { tun_sip: router.ipText, tun_dip: nh.dipText });
  if (nh.type === 'composite')
    Object.assign(row, {
      component_nh: nh.components.map((c, i) => ({
        nh_id: nh.componentNh[i] ?? -1,
        label: c ? c.label : -1,
      })),
      nhr_ecmp_config_hash: kernelHashConfig(nh.hashFields),
    });
  return row;
}

// ---- routes (route_kstate.cc, the mtrie dump) -------------------------------------------------------

/** route_kstate.cc LabelFlagsToString. */
export function labelFlagsText(flags: number): string {
  if (flags === 0) return '--NONE--';
  return (flags & VR_RT_LABEL_VALID_FLAG ? 'MPLS ' : '') + (flags & VR_RT_ARP_PROXY_FLAG ? 'PROXY-ARP' : '');
}

/** Every mtrie entry of a VRF in address order, or undefined when the kernel has no table for it. */
export function* krouteRows(router: VRouter, vrfId: number): Generator<RouteRow> {
  const mtrie = router.vrfById[vrfId]?.mtrie;
  if (!mtrie) return;
  for (const e of mtrie.dump())
    yield {
      vrf_id: vrfId,
      family: 'AF_INET',
      prefix: formatIpv4(e.prefix),
      prefix_len: e.prefixLen,
      rid: 0,
      label_flags: labelFlagsText(e.leaf.labelFlags),
      label: e.leaf.labelFlags & VR_RT_LABEL_VALID_FLAG ? e.leaf.label : 0,
      nh_id: e.leaf.nhId,
      rtr_mac: '',
      replace_plen: e.leaf.plen,
      index: 0,
      rtr_label_flags: e.leaf.labelFlags,
    };
}

// ---- interfaces (interface_ksync.cc Encode, interface_kstate.cc) ----------------------------------

const KIF_TYPE: Readonly<Record<Vif['type'], string>> = {
  fabric: 'PHYSICAL',
  vhost: 'HOST',
  pkt0: 'AGENT',
  pod: 'VIRTUAL',
};

/** Kernel interface flags as the agent sets them; every agent interface is an etree root. */
export function kernelVifFlags(router: VRouter, vif: Vif): number {
  let flags = VIF_FLAG_ETREE_ROOT | VIF_FLAG_L3_ENABLED;
  if (vif.type === 'fabric') flags |= VIF_FLAG_L2_ENABLED | VIF_FLAG_VHOST_PHYS;
  if (vif.type === 'vhost') flags |= VIF_FLAG_L2_ENABLED;
  if (vif.type === 'pod') {
    flags |= VIF_FLAG_POLICY_ENABLED | VIF_FLAG_DHCP_ENABLED;
    if (router.vrfById[vif.vrfId]?.vn?.forwardingMode !== 'l3') flags |= VIF_FLAG_L2_ENABLED;
  }
  return flags;
}

/** A stand-in for the host's ifindex of each interface (eth0 2, vhost0 3, pkt0 4, taps above). */
const osIndex = (vif: Vif) =>
  vif.type === 'fabric' ? 2 : vif.type === 'vhost' ? 3 : vif.type === 'pkt0' ? 4 : 100 + vif.index;

export function kifRow(router: VRouter, vif: Vif): VifRow {
  const flags = kernelVifFlags(router, vif);
  const c = router.counters.vif(vif.index);
  // The vif's references: itself plus each NH sending out of it (a pod's two L3 NHs, vhost0's
  // receive NH, pkt0's NH).
  const refs = 1 + (vif.type === 'pod' ? 2 : vif.type === 'fabric' ? 0 : 1);
  const vrf = vif.type === 'pkt0' ? 65535 : vif.vrfId;
  return {
    idx: vif.index,
    type: KIF_TYPE[vif.type],
    flags: flags & VIF_FLAG_POLICY_ENABLED ? 'POLICY ' : '',
    vrf,
    rid: 0,
    os_idx: osIndex(vif),
    mtu: 0,
    name: vif.name,
    ibytes: c.ibytes,
    ipackets: c.ipackets,
    ierrors: 0,
    obytes: c.obytes,
    opackets: c.opackets,
    oerrors: 0,
    ref_cnt: refs,
    mac: vif.mac,
    ip: formatIpv4(vif.ip),
    mirror_id: 255,
    speed: vif.type === 'fabric' ? 1000 : -1,
    duplexity: vif.type === 'fabric' ? 1 : -1,
    qos_map_index: -1,
    core: 0,
    queue_ipackets: 0,
    queue_ierrors: 0,
    queue_opackets: 0,
    queue_oerrors: 0,
    queue_ierrors_to_lcore: '',
    port_ipackets: 0,
    port_ierrors: 0,
    port_isyscalls: 0,
    port_inombufs: 0,
    port_opackets: 0,
    port_oerrors: 0,
    port_osyscalls: 0,
    dev_ibytes: 0,
    dev_ipackets: 0,
    dev_ierrors: 0,
    dev_inombufs: 0,
    dev_obytes: 0,
    dev_opackets: 0,
    dev_oerrors: 0,
    parent_vif_id: -1,
    vlan_id: -1,
    nh_id: vif.type === 'fabric' || vif.type === 'pkt0' ? 0 : vif.nhId,
    cross_connect_id: vif.type === 'vhost' ? [osIndex(router.vifs.get(0)!)] : [],
    bridge_id: 0,
    ovlan_id: -1,
    transport: vif.type === 'pod' ? 0 : vif.type === 'pkt0' ? 3 : 1,
    src_mac: '00:00:00:00:00:00',
    fat_flow_protocol_port: '',
    isid: 0,
    pbb_bmac: '',
    bridge_idx: '',
    status: vif.type === 'fabric' ? 'UP' : '',
    bond_child_intf_list: [],
    vifr_flags: flags,
    vifr_mcast_vrf: vif.type === 'pod' ? vif.vrfId : 65535,
    vifr_dpackets: 0,
  };
}

// ---- MPLS, VRF and drop statistics --------------------------------------------------------------------

export function kmplsRows(router: VRouter): MplsRow[] {
  return [...router.mpls].sort(([a], [b]) => a - b).map(([label, nhid]) => ({ label, rid: 0, nhid }));
}

export function kvrfStatsRow(router: VRouter, vrfId: number): KVrfStatsInfo | undefined {
  const s = router.counters.vrfStats(vrfId);
  if (!s) return undefined;
  const row: Record<string, number | string> = { vrf_id: vrfId, vrf_family: 'AF_INET', vrf_rid: 0 };
  VRF_STATS.forEach((name, i) => (row[`vrf_${name}`] = s[i]!));
  return row as unknown as KVrfStatsInfo;
}

export function kdropStats(router: VRouter): KDropStatsResp {
  const out: Record<string, number> = { ds_rid: 0 };
  for (const name of DROP_STATS) out[`ds_${name}`] = router.counters.drops[name];
  return out as unknown as KDropStatsResp;
}

// ---- flows (flow_kstate.cc SetFlowData) ----------------------------------------------------------------

const ACTION_TEXT: Readonly<Record<number, string>> = {
  [FLOW_ACTION_HOLD]: 'HOLD',
  [FLOW_ACTION_FORWARD]: 'FORWARD',
  [FLOW_ACTION_DROP]: 'DROP',
  [FLOW_ACTION_NAT]: 'NAT',
};

/** Our drop reasons as the kernel's VR_FLOW_DR_* codes. */
const KERNEL_DROP: Readonly<Record<number, number>> = {
  [DROP_NO_DST_ROUTE]: VR_FLOW_DR_NO_DST_ROUTE,
  [DROP_PORT_MAP]: VR_FLOW_DR_PORT_MAP_DROP,
  [DROP_FLOW_LIMIT]: VR_FLOW_DR_FLOW_LIMIT,
  [DROP_NO_SRC_ROUTE]: VR_FLOW_DR_NO_SRC_ROUTE,
};

/** flow_kstate.cc DropCodeToStr: no name for a port-map drop, so it reads "Unknown". */
const AGENT_DROP_TEXT: Readonly<Record<number, string>> = {
  [VR_FLOW_DR_NO_SRC_ROUTE]: 'NoSrcRt',
  [VR_FLOW_DR_NO_DST_ROUTE]: 'NoDstRt',
  [VR_FLOW_DR_FLOW_LIMIT]: 'FlowLim',
};

function kernelFlowFlags(flags: number, hasReverse: boolean): number {
  let k = VR_FLOW_FLAG_ACTIVE;
  if (flags & FLOW_FLAG_SNAT) k |= VR_FLOW_FLAG_SNAT;
  if (flags & FLOW_FLAG_SPAT) k |= VR_FLOW_FLAG_SPAT;
  if (flags & FLOW_FLAG_DNAT) k |= VR_FLOW_FLAG_DNAT;
  if (flags & FLOW_FLAG_DPAT) k |= VR_FLOW_FLAG_DPAT;
  if (flags & FLOW_FLAG_VRFT) k |= VR_FLOW_FLAG_VRFT;
  if (flags & FLOW_FLAG_NEW) k |= VR_FLOW_FLAG_NEW_FLOW;
  if (flags & FLOW_FLAG_MODIFIED) k |= VR_FLOW_FLAG_MODIFIED;
  if (hasReverse) k |= VR_RFLOW_VALID;
  return k;
}

function kernelTcpFlags(bits: number): number {
  return (
    (bits & TCP_SYN ? VR_FLOW_TCP_SYN : 0) |
    (bits & TCP_SYN_R ? VR_FLOW_TCP_SYN_R : 0) |
    (bits & TCP_ESTABLISHED ? VR_FLOW_TCP_ESTABLISHED : 0) |
    (bits & TCP_ESTABLISHED_R ? VR_FLOW_TCP_ESTABLISHED_R : 0) |
    (bits & TCP_FIN ? VR_FLOW_TCP_FIN : 0) |
    (bits & TCP_FIN_R ? VR_FLOW_TCP_FIN_R : 0) |
    (bits & TCP_RST ? VR_FLOW_TCP_RST : 0) |
    (bits & TCP_HALF_CLOSE ? VR_FLOW_TCP_HALF_CLOSE : 0) |
    (bits & TCP_DEAD ? VR_FLOW_TCP_DEAD : 0)
  );
}

/**
 * flow_kstate.cc UpdateFlagStr: each set flag as " NAME ", joined with "|". FlagToStr is called
 * for SPAT twice and never for DPAT, and the agent's list is kept as it is.
 */
function agentFlagText(k: number): string {
  const order: [number, string][] = [
    [VR_FLOW_FLAG_ACTIVE, 'ACTIVE'],
    [0x2000, 'MIRROR'],
    [VR_FLOW_FLAG_VRFT, 'VRFT'],
    [VR_FLOW_FLAG_SNAT, 'SNAT'],
    [VR_FLOW_FLAG_SPAT, 'SPAT'],
    [VR_FLOW_FLAG_DNAT, 'DNAT'],
    [VR_FLOW_FLAG_SPAT, 'SPAT'],
    [0x8000, 'LINK_LOCAL'],
    [0x0800, 'EVICTED'],
    [0x0400, 'EVICT_CANDIDATE'],
    [VR_FLOW_FLAG_NEW_FLOW, 'NEW_FLOW'],
    [VR_FLOW_FLAG_MODIFIED, 'MODIFIED'],
    [VR_RFLOW_VALID, 'RFLOW_VALID'],
  ];
  return order
    .filter(([bit]) => (k & bit) !== 0)
    .map(([, name]) => ` ${name} `)
    .join('|');
}

function agentTcpText(k: number): string {
  const order: [number, string][] = [
    [VR_FLOW_TCP_SYN, 'SYN'],
    [VR_FLOW_TCP_SYN_R, 'SYN_R'],
    [VR_FLOW_TCP_ESTABLISHED, 'ESTB'],
    [VR_FLOW_TCP_ESTABLISHED_R, 'ESTB_R'],
    [VR_FLOW_TCP_FIN, 'FIN'],
    [VR_FLOW_TCP_FIN_R, 'FIN_R'],
    [VR_FLOW_TCP_RST, 'RST'],
    [VR_FLOW_TCP_HALF_CLOSE, 'HALF_CLOSE'],
    [VR_FLOW_TCP_DEAD, 'DEAD'],
  ];
  return order
    .filter(([bit]) => (k & bit) !== 0)
    .map(([, name]) => ` ${name} `)
    .join('|');
}

export function kflowRow(router: VRouter, index: number): FlowRow {
  const e = router.flows.entry(index);
  const flags = kernelFlowFlags(e.flags, e.rflow >= 0);
  const tcp = kernelTcpFlags(e.tcpFlags);
  const drop = e.action === FLOW_ACTION_DROP ? (KERNEL_DROP[e.dropReason] ?? VR_FLOW_DR_UNKNOWN) : undefined;
  const row: FlowRow = {
    index,
    rflow: e.rflow,
    sip: formatIpv4(e.sip),
    sport: e.sport,
    dip: formatIpv4(e.dip),
    dport: e.dport,
    proto: e.proto,
    vrf_id: e.vrf,
    action: ACTION_TEXT[e.action] ?? 'INVALID',
    flags: agentFlagText(flags),
    d_vrf_id: e.dvrf,
    bytes: e.bytes,
    pkts: e.packets,
    insight: 0,
    nhid: e.keyNh,
    underlay_udp_sport: e.underlaySport,
    ttl: 0,
    qos_id: -1,
    gen_id: e.gen,
    tcp_seq: 0,
    oflow_bytes: 0,
    oflow_packets: 0,
    underlay_gw_index: -1,
    fe_flags: flags,
    fe_tcp_flags: tcp,
    fe_src_nh_index: e.srcNh,
    fe_src_info: e.srcInfo,
  };
  if (e.ecmpIndex >= 0) Object.assign(row, { ecmp_index: e.ecmpIndex });
  if (e.proto === 6) Object.assign(row, { tcp_flags: agentTcpText(tcp) });
  if (drop !== undefined)
    Object.assign(row, { drop_reason: AGENT_DROP_TEXT[drop] ?? 'Unknown', fe_drop_reason: drop });
  return row;
}

/** The `flow -l` header of a table (vr_flow_table_data): one CPU. */
export function flowTableInfo(router: VRouter): FlowTableInfo {
  const t = router.flows;
  const c = t.counters;
  return {
    ft_span: t.capacity * KERNEL_FLOW_ENTRY_BYTES,
    ft_num_entries: t.capacity,
    ft_created: c.created,
    ft_added: c.added,
    ft_deleted: c.deleted,
    ft_changed: c.changed,
    ft_processed: c.processed,
    ft_oflow_entries: c.overflowInUse,
    ft_hold_stat: [c.created],
    ft_hold_oflows: 0,
  };
}

/**
 * Every table slot `flow -l` prints, in index order: active flows, and each bucket's last way
 * when an overflow chain hangs off it.
 */
export function* kflowSlots(router: VRouter): Generator<FlowSlot> {
  const t = router.flows;
  for (const i of t.slotIndexes()) {
    const chain = i < t.entries && i % 4 === 3 ? t.overflowChain(i >> 2) : [];
    const active = t.isActive(i);
    if (!active && chain.length === 0) continue;
    yield {
      index: i,
      ...(active ? { row: kflowRow(router, i) } : {}),
      ...(chain.length > 0 ? { overflow: chain } : {}),
    };
  }
}
