// One vRouter's agent oper state as its introspect reports it, field by field as the agent fills
// it (tf-controller src/vnsw/agent): VrfSandeshData (oper/vrf.cc VrfEntry::DBEntrySandesh),
// RouteUcSandeshData / PathSandeshData (oper/inet_unicast_route.cc, agent_path.cc
// SetSandeshData), NhSandeshData (oper/nexthop.cc SetNHSandeshData, FillComponentNextHop),
// ItfSandeshData (oper/interface.cc), MplsSandeshData (oper/mpls.cc), SandeshFlowData
// (pkt/pkt_sandesh_flow.cc SET_SANDESH_FLOW_DATA), the routes the agent's flow management files a
// flow under (pkt/flow_mgmt/flow_mgmt_tree.cc) and AgentXmppData (controller_sandesh.cc).
// Pure reads of the model.

import { pathHashingFieldsText } from '@model/dataplane/ecmp-load-balance.ts';
import type {
  FloatingIpSandeshList,
  ItfSandeshData,
  McastData,
  MplsSandeshData,
  NhSandeshData,
  PathSandeshData,
  RouteUcSandeshData,
  VrfSandeshData,
} from '@model/dataplane/sandesh/agent.ts';
import type { AgentXmppData } from '@model/dataplane/sandesh/controller.ts';
import type { FlowAclInfo, SandeshFlowData } from '@model/dataplane/sandesh/pkt.ts';
import { formatIpv4 } from '@model/net/ipv4.ts';
import {
  DROP_FLOW_LIMIT,
  DROP_NO_DST_ROUTE,
  DROP_PORT_MAP,
  FLOW_ACTION_DROP,
  FLOW_ACTION_NAT,
} from './flow-table.ts';
import type { NextHop } from './nexthops.ts';
import {
  fabricMac,
  FABRIC_VRF,
  PEER_BGP,
  PEER_ECMP,
  PEER_LOCAL,
  PEER_LOCAL_VM_PORT,
  VR_RT_ARP_PROXY_FLAG,
  type Path,
  type Route,
  type Vif,
  type Vrf,
  type VRouter,
} from './vrouter.ts';

/** MacAddress::ToString of an NH's MAC in SetNHSandeshData (`%x:%x:…`, no padding). */
const unpaddedMac = (mac: string) =>
  mac
    .split(':')
    .map((o) => parseInt(o, 16).toString(16))
    .join(':');

const paddedMac = (mac: string) =>
  mac
    .split(':')
    .map((o) => o.toLowerCase().padStart(2, '0'))
    .join(':');

// ---- VRFs ------------------------------------------------------------------------------------------

export function vrfSandeshData(router: VRouter, vrf: Vrf): VrfSandeshData {
  return {
    name: vrf.name,
    ucindex: vrf.id,
    mcindex: vrf.id,
    l2index: vrf.id,
    // VrfEntry::DBEntrySandesh sets every index but mplsindex.
    source: 'Config; ',
    uc6index: vrf.id,
    vn: vrf.name === FABRIC_VRF ? 'N/A' : vrf.vnName,
    table_label: -1,
    vxlan_id: 0,
    evpnindex: vrf.id,
    brindex: vrf.id,
    mplsindex: 0,
    RD: `${router.ipText}:${vrf.id}`,
    mac_aging_time: 300,
    layer2_control_word: false,
    forwarding_vrf: '',
    hbf_rintf: -1,
    hbf_lintf: -1,
  };
}

/** The VRF table in the agent's DB order (VrfEntry::IsLess compares names). */
export function vrfsInDbOrder(router: VRouter): Vrf[] {
  return [...router.vrfById].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

// ---- next hops ----------------------------------------------------------------------------------------

function components(router: VRouter, nh: NextHop & { type: 'composite' }): McastData[] {
  return nh.components.map((c, i): McastData => {
    if (!c) return { type: 'NULL' };
    if (c.kind === 'interface') {
      const vif = router.vifByVmi.get(c.target);
      return { type: 'Interface', label: c.label, itf: vif?.name ?? '' };
    }
    const tunnel = router.nh.get(nh.componentNh[i]!);
    return {
      type: 'Tunnel',
      sip: router.ipText,
      dip: tunnel?.type === 'tunnel' ? tunnel.dipText : c.target,
      label: c.label,
    };
  });
}

export function nhSandeshData(router: VRouter, nh: NextHop): NhSandeshData {
  const data: NhSandeshData = {
    type: '',
    ref_count: nh.agentRefs,
    valid: 'true',
    policy: (nh.type === 'interface' || nh.type === 'composite') && nh.policy ? 'enabled' : 'disabled',
    nh_index: nh.id,
    vxlan_flag: false,
    intf_flags: 0,
    isid: 0,
    learning_enabled: false,
    etree_leaf: false,
    layer2_control_word: false,
    crypt_all_traffic: false,
    crypt_path_available: false,
    crypt_interface: '',
  };
  switch (nh.type) {
    case 'discard':
      data.type = 'discard';
      break;
    case 'receive':
      data.type = 'receive';
      data.itf = router.vifs.get(nh.vifIndex)?.name ?? '<NULL>';
      break;
    case 'interface':
      data.type = 'interface';
      data.itf = router.vifs.get(nh.vifIndex)?.name ?? '';
      data.mac = [unpaddedMac(nh.mac)];
      data.mcast = 'disabled';
      // InterfaceNHFlags::INET4 for an L3 interface NH.
      data.intf_flags = 1;
      break;
    case 'tunnel':
      data.type = 'tunnel';
      data.sip = router.ipText;
      data.dip = nh.dipText;
      data.vrf = FABRIC_VRF;
      data.tunnel_type = 'MPLSoUDP';
      data.mac = [unpaddedMac(fabricMac(nh.dip))];
      break;
    case 'composite':
      data.type = `ECMP Composite sub nh count: ${nh.components.length}`;
      data.mc_list = components(router, nh);
      break;
  }
  return data;
}

/** NhSandeshData of NH `id`, or a `discard` stand-in for an id that went away. */
function nhDataOf(router: VRouter, id: number): NhSandeshData {
  const nh = router.nh.get(id);
  return nh ? nhSandeshData(router, nh) : nhSandeshData(router, router.nh.get(0)!);
}

const NH_TYPE_ORDER: Readonly<Record<NextHop['type'], number>> = {
  discard: 0,
  receive: 2,
  interface: 7,
  tunnel: 8,
  composite: 10,
};

const nhOrderCache = new WeakMap<VRouter, { version: number; list: NextHop[] }>();

/**
 * The next-hop table in the agent's DB order (NextHop::IsLess compares the type first), sorted
 * again only when the table changed: every introspect page walks it.
 */
export function nexthopsInDbOrder(router: VRouter): NextHop[] {
  const cached = nhOrderCache.get(router);
  if (cached && cached.version === router.nh.version) return cached.list;
  const list = [...router.nh.values()].sort(
    (a, b) => NH_TYPE_ORDER[a.type] - NH_TYPE_ORDER[b.type] || a.id - b.id,
  );
  nhOrderCache.set(router, { version: router.nh.version, list });
  return list;
}

// ---- routes -----------------------------------------------------------------------------------------

const SUPPORTED_TUNNELS: Readonly<Record<number, string>> = {
  [PEER_BGP]: 'MPLSoGRE MPLSoUDP VXLAN ',
  [PEER_ECMP]: 'MPLSoGRE MPLSoUDP ',
  [PEER_LOCAL_VM_PORT]: 'MPLSoGRE MPLSoUDP VXLAN ',
  [PEER_LOCAL]: '',
};

export function pathSandeshData(router: VRouter, path: Path): PathSandeshData {
  const preference: PathSandeshData['path_preference_data'] = {
    sequence: 0,
    preference: path.preference,
    ecmp: path.ecmp,
  };
  // SetSandeshData writes wait_for_traffic except for BGP and ECMP peers.
  if (path.peerType !== PEER_BGP && path.peerType !== PEER_ECMP) preference.wait_for_traffic = false;
  return {
    nh: nhDataOf(router, path.nhId),
    label: path.label,
    vxlan_id: 0,
    peer: path.peer,
    dest_vn_list: [path.destVn],
    unresolved: 'false',
    sg_list: [],
    supported_tunnel_type: SUPPORTED_TUNNELS[path.peerType] ?? '',
    active_tunnel_type: path.peerType === PEER_LOCAL ? 'MPLSoGRE' : 'MPLSoUDP',
    stale: false,
    path_preference_data: preference,
    active_label: path.label,
    ecmp_hashing_fields: pathHashingFieldsText(path.hashFields),
    communities: [],
    peer_sequence_number: 0,
    etree_leaf: false,
    layer2_control_word: false,
    tag_list: [],
    inactive: false,
    origin_vn: path.peerType === PEER_BGP ? path.destVn : '',
  };
}

/** Whether a /32 lies in one of the VRF's IPAM subnets (InetUnicastRouteEntry ipam_host_route). */
function isIpamHost(vrf: Vrf, route: Route): boolean {
  if (route.plen !== 32) return false;
  return (vrf.vn?.subnets ?? []).some(
    (s) => s.plen === 0 || (route.prefix ^ s.prefix) >>> (32 - s.plen) === 0,
  );
}

export function routeUcSandeshData(router: VRouter, route: Route): RouteUcSandeshData {
  const vrf = route.vrf;
  return {
    src_ip: formatIpv4(route.prefix),
    src_plen: route.plen,
    src_vrf: vrf.name,
    path_list: route.paths.map((p) => pathSandeshData(router, p)),
    ipam_subnet_route: route.ipamSubnet,
    ipam_host_route: isIpamHost(vrf, route),
    proxy_arp: ((route.kernel?.labelFlags ?? 0) & VR_RT_ARP_PROXY_FLAG) !== 0,
    multicast: false,
    intf_route_type: route.paths.some((p) => p.owner.startsWith('vmi:') && !p.ecmp) ? 'interface' : '',
  };
}

// ---- interfaces ----------------------------------------------------------------------------------------

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

function fipList(router: VRouter, vif: Vif): FloatingIpSandeshList[] {
  const p = vif.placement;
  if (!p) return [];
  const out: FloatingIpSandeshList[] = [];
  for (const fipUuid of router.fipsByVmi.get(p.vmiUuid)?.values() ?? []) {
    const fip = router.fips.get(fipUuid)?.fip;
    if (!fip) continue;
    out.push({
      ip_addr: fip.ipText,
      vrf_name: fip.vrfName,
      installed: 'Y',
      fixed_ip: p.ipText,
      direction: fip.direction,
      port_map_enabled: fip.portMapEnabled,
      port_map: fip.portMaps.map((m) => ({
        protocol: m.protocolNumber,
        port: m.srcPort,
        nat_port: m.dstPort,
      })),
    });
  }
  return out;
}

const ITF_TYPE: Readonly<Record<Vif['type'], string>> = {
  fabric: 'eth',
  vhost: 'vhost',
  pkt0: 'pkt',
  pod: 'vport',
};

export function itfSandeshData(router: VRouter, vif: Vif): ItfSandeshData {
  const p = vif.placement;
  const vrf = router.vrfById[vif.vrfId];
  const l3Only = vrf?.vn?.forwardingMode === 'l3';
  const osIndex =
    vif.type === 'fabric' ? 2 : vif.type === 'vhost' ? 3 : vif.type === 'pkt0' ? 4 : 100 + vif.index;
  return {
    index: vif.index,
    name: vif.name,
    uuid: p?.vmiUuid ?? NIL_UUID,
    vrf_name: vif.type === 'pkt0' ? '--ERROR--' : (vrf?.name ?? '--ERROR--'),
    active: 'Active',
    ipv4_active: 'Active',
    l2_active: p && l3Only ? 'L2 Inactive' : 'L2 Active',
    ip6_active: 'Inactive',
    health_check_active: 'Inactive',
    dhcp_service: p ? 'Enable' : 'Disable',
    dhcp_service_v6: 'Disable',
    dns_service: p ? 'Enable' : 'Disable',
    type: ITF_TYPE[vif.type],
    label: vif.label,
    l2_label: -1,
    vxlan_id: 0,
    vn_name: p?.vnName ?? '',
    vm_uuid: p?.vmUuid ?? '',
    vm_name: p?.vmName ?? '',
    ip_addr: p?.ipText ?? formatIpv4(vif.ip),
    mac_addr: p ? paddedMac(p.mac) : paddedMac(vif.mac),
    policy: p ? 'Enable' : 'Disable',
    fip_list: fipList(router, vif),
    mdata_ip_addr: p ? `169.254.${(vif.index >> 8) & 255}.${vif.index & 255}` : '0.0.0.0',
    service_vlan_list: [],
    os_ifindex: osIndex,
    fabric_port: 'NotFabricPort',
    alloc_linklocal_ip: p ? 'LL-Enable' : 'LL-Disable',
    analyzer_name: '',
    config_name: p?.vmiName ?? '',
    sg_uuid_list: [],
    static_route_list: [],
    vm_project_uuid: '',
    admin_state: 'Enabled',
    flow_key_idx: vif.nhId,
    allowed_address_pair_list: [],
    ip6_addr: '--NA--',
    local_preference: 0,
    tx_vlan_id: -1,
    rx_vlan_id: -1,
    parent_interface: '',
    subnet: '--NA--',
    sub_type: '--NA--',
    vrf_assign_acl_uuid: '--NA--',
    vmi_type: p ? 'Virtual Machine' : '--NA--',
    transport: vif.type === 'pkt0' ? 'Socket' : 'Ethernet',
    logical_interface_uuid: NIL_UUID,
    flood_unknown_unicast: false,
    physical_device: '',
    physical_interface: '',
    fixed_ip4_list: p ? [p.ipText] : [],
    fixed_ip6_list: [],
    fat_flow_list: [],
    metadata_ip_active: p ? 'Active' : 'Inactive',
    service_health_check_ip: '0.0.0.0',
    alias_ip_list: [],
    drop_new_flows: false,
    bridge_domain_list: [],
    vmi_tag_list: [],
    policy_set_acl_list: [],
    slo_list: [],
    vhostuser_mode: 0,
    si_other_end_vmi: '',
    cfg_igmp_enable: false,
    igmp_enabled: false,
    max_flows: 0,
    policy_set_fwaas_list: [],
    bond_interface_list: [],
    mac_ip_learning_enable: false,
    mac_ip_list: [],
  };
}

/** The interface table in the agent's DB order: by type (physical, VMI, inet, packet), then key. */
export function interfacesInDbOrder(router: VRouter): Vif[] {
  const order: Readonly<Record<Vif['type'], number>> = { fabric: 1, pod: 4, vhost: 5, pkt0: 6 };
  return [...router.vifs.values()].sort(
    (a, b) =>
      order[a.type] - order[b.type] ||
      ((a.placement?.vmiUuid ?? a.name) < (b.placement?.vmiUuid ?? b.name) ? -1 : 1),
  );
}

// ---- MPLS -----------------------------------------------------------------------------------------

/** MplsLabel::DBEntrySandesh sets the label and the NH; `type` stays empty. */
export function mplsSandeshData(router: VRouter, label: number, nhId: number): MplsSandeshData {
  return { label, type: '', nh: nhDataOf(router, nhId) };
}

// ---- flow records (FetchFlowRecord) --------------------------------------------------------------

const EMPTY_ACL: FlowAclInfo = { action: 0, acl: [], action_str: [] };

/** The agent's short-flow reasons in `short_flow` (FlowEntry::DropReasonStr). */
const SHORT_REASON: Readonly<Record<number, string>> = {
  [DROP_NO_DST_ROUTE]: 'No Destination route',
  [DROP_PORT_MAP]: 'Port Map Drop',
  [DROP_FLOW_LIMIT]: 'Flow Limit Reached',
};

/** The agent's flow record for one kernel flow entry, as FetchFlowRecord answers. */
export function sandeshFlowData(router: VRouter, index: number): SandeshFlowData {
  const e = router.flows.entry(index);
  const drop = e.action === FLOW_ACTION_DROP;
  const fromFabric = router.nh.get(e.srcNh)?.type === 'tunnel';
  const data: SandeshFlowData = {
    gen_id: e.gen,
    flow_handle: index,
    nh: e.keyNh,
    sip: formatIpv4(e.sip),
    dip: formatIpv4(e.dip),
    src_port: e.sport,
    dst_port: e.dport,
    protocol: e.proto,
    vrf: e.vrf,
    dest_vrf: e.dvrf,
    // TrafficAction bits: PASS (1 << 1) or DENY (1 << 0).
    action: drop ? 1 : 2,
    mirror_l: [],
    direction: 'ingress',
    stats_bytes: e.bytes,
    stats_packets: e.packets,
    uuid: NIL_UUID,
    nat: e.action === FLOW_ACTION_NAT ? 'enabled' : 'disabled',
    setup_time: '',
    refcount: 0,
    implicit_deny: 'no',
    short_flow: drop ? `yes (${SHORT_REASON[e.dropReason] ?? 'Unknown'})` : 'no',
    local_flow: 'no',
    src_vn_list: [],
    dst_vn_list: [],
    src_vn_match: '',
    dst_vn_match: '',
    reverse_flow: e.ecmpIndex < 0 && e.rflow >= 0 && e.memberId < 0 ? 'yes' : 'no',
    policy: EMPTY_ACL,
    out_policy: EMPTY_ACL,
    sg: EMPTY_ACL,
    out_sg: EMPTY_ACL,
    mirror: EMPTY_ACL,
    out_mirror: EMPTY_ACL,
    action_str: [{ action: drop ? 'deny' : 'pass' }],
    sg_action_summary: [],
    reverse_sg: EMPTY_ACL,
    reverse_out_sg: EMPTY_ACL,
    vrf_assign_acl: EMPTY_ACL,
    fwaas_policy_set: EMPTY_ACL,
    fwaas_out_policy_set: EMPTY_ACL,
    fwaas_reverse_policy_set: EMPTY_ACL,
    fwaas_reverse_out_policy_set: EMPTY_ACL,
    fwaas_action_summary: [],
    policy_set: EMPTY_ACL,
    out_policy_set: EMPTY_ACL,
    reverse_policy_set: EMPTY_ACL,
    reverse_out_policy_set: EMPTY_ACL,
    aps_action_summary: [],
    fip: '0.0.0.0',
    fip_vm_interface_idx: 0xffffffff,
    rpf_nh: e.srcNh,
    src_ip_nh: 0,
    peer_vrouter: fromFabric ? formatIpv4(swapped(e.srcInfo)) : '',
    tunnel_type: fromFabric ? 'MPLSoUDP' : 'NONE',
    enable_rpf: true,
    aging_protocol: 0,
    aging_port: 0,
    l3_flow: true,
    table_id: 0,
    deleted: false,
    flow_index_info: { trace_index: 0, flow_index_trace: [] },
    inet_rt_keys: [],
    fw_policy_match: '',
    local_tag_list: [],
    remote_tag_list: [],
    remote_prefix: '',
    underlay_gw_index: -1,
  };
  if (e.ecmpIndex >= 0) data.ecmp_index = e.ecmpIndex;
  if (drop) data.drop_reason = SHORT_REASON[e.dropReason] ?? 'Unknown';
  return data;
}

/** A route the agent's flow management files flows under (InetRouteFlowMgmtKey). */
export interface FlowRouteKey {
  readonly vrf: number;
  /** The route's prefix (a subnet address, GetIp4SubnetAddress). */
  readonly prefix: number;
  readonly plen: number;
}

/**
 * The routes a flow depends on, as InetRouteFlowMgmtTree::ExtractKeys files an L3 flow
 * (pkt/flow_mgmt/flow_mgmt_tree.cc): its source address's route in its VRF (`flow_source_vrf`,
 * `source_plen`), its destination's route in that VRF (`flow_dest_vrf`, `dest_plen`), and, when
 * NAT hands the flow to another VRF, the destination's route there too (`flow_dest_plen_map`).
 * Each is the longest-prefix match the flow was set up with; an address with no route adds no key.
 */
export function flowRouteKeys(router: VRouter, index: number): FlowRouteKey[] {
  const e = router.flows.entry(index);
  const keys: FlowRouteKey[] = [];
  const add = (vrf: number, ip: number) => {
    const route = router.lookup(vrf, ip);
    if (route && !keys.some((k) => k.vrf === vrf && k.prefix === route.prefix && k.plen === route.plen))
      keys.push({ vrf, prefix: route.prefix, plen: route.plen });
  };
  add(e.vrf, e.sip);
  add(e.vrf, e.dip);
  if (e.dvrf !== e.vrf) add(e.dvrf, e.dip);
  return keys;
}

/** fe_src_info back to the address it stores (srcInfoOfAddress is its own inverse). */
const swapped = (v: number) =>
  (((v & 255) << 24) | (((v >>> 8) & 255) << 16) | (((v >>> 16) & 255) << 8) | (v >>> 24)) >>> 0;

// ---- XMPP session ------------------------------------------------------------------------------------

const p2 = (n: number) => String(n).padStart(2, '0');

/** boost::posix_time to_simple_string of a UTC time: `2024-Jan-02 03:04:05.000000`. */
export function ptimeText(ms: number): string {
  const d = new Date(ms);
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][
    d.getUTCMonth()
  ]!;
  return `${d.getUTCFullYear()}-${mon}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${String(d.getUTCMilliseconds() * 1000).padStart(6, '0')}`;
}

/** The one control node the agent is connected to, an established session (AgentXmppConnectionStatus). */
export function agentXmppData(router: VRouter, controlNode: string, upSinceMs: number): AgentXmppData {
  const since = ptimeText(upSinceMs);
  return {
    controller_ip: controlNode,
    state: 'Established',
    peer_name: 'network-control@contrailsystems.com',
    peer_address: `${controlNode}:5269`,
    cfg_controller: 'Yes',
    mcast_controller: 'Yes',
    last_state: 'Established',
    last_event: 'xmsm::EvXmppOpen',
    last_state_at: since,
    flap_count: 0,
    flap_time: 'never',
    dscp: 0,
    rx_proto_stats: { open: 1, keepalive: 0, update: router.version, close: 0 },
    tx_proto_stats: { open: 1, keepalive: 0, update: router.version, close: 0 },
    xmpp_auth_type: 'NIL',
    sequence_number: 1,
    last_ready_time: since,
    end_of_rib_stats: {
      tx: {
        end_of_rib_tx_time: since,
        last_route_published_time: since,
        end_of_rib_reason: 'inactivity',
        last_start_time: since,
        running: false,
      },
      rx: {
        end_of_rib_rx_time: since,
        end_of_rib_reason: 'inactivity',
        last_start_time: since,
        running: false,
      },
    },
    config_stats: {
      end_of_config_stats: {
        last_config_receive_time: since,
        inactivity_detected_time: since,
        end_of_config_processed_time: since,
        end_of_config_reason: 'inactivity',
        last_start_time: since,
        running: false,
      },
      config_cleanup_stats: { last_start_time: since, cleanup_sequence_number: 1, running: false },
    },
  };
}
