// The vRouter agent's kernel-state introspect (tf-controller src/vnsw/agent/kstate/kstate.sandesh):
// what the kernel module holds — routes (mtrie entries), next hops, interfaces, MPLS labels,
// flows, VRF and drop statistics — as the agent reads it back. Transcribed in declaration order
// with the declared field ids, types, `link` annotations and request defaults. Data only.

import { f, request, response, struct, type RecordOfDef } from './schema.ts';

export const KComponentNH = struct('KComponentNH', {
  nh_id: f.i32(1, { link: 'KNHReq' }),
  label: f.i32(2, { link: 'KMplsInfo' }),
});

export const KNHInfo = struct('KNHInfo', {
  id: f.i32(1),
  type: f.string(2),
  family: f.string(3),
  rid: f.i32(4),
  vrf: f.i32(5, { link: 'KRouteReq' }),
  flags: f.string(6),
  ref_cnt: f.i32(7),
  encap_family: f.string.opt(8),
  encap_oif_id: f.listOf('i32').opt(9, { link: 'KInterfaceReq' }),
  encap_len: f.i32.opt(10),
  tun_sip: f.string.opt(11),
  tun_dip: f.string.opt(12),
  tun_sport: f.i32.opt(13),
  tun_dport: f.i32.opt(14),
  encap: f.string.opt(15),
  component_nh: f.list(KComponentNH).opt(16),
});

export const BondMemberIntfInfo = struct('BondMemberIntfInfo', {
  child_bond_interface_name: f.string(1),
  child_bond_interface_status: f.string(2),
  child_bond_interface_drv_name: f.string(3),
});

export const KInterfaceInfo = struct('KInterfaceInfo', {
  idx: f.i32(1),
  type: f.string(2),
  flags: f.string(3),
  vrf: f.i32(4, { link: 'KRouteReq' }),
  rid: f.i32(5),
  os_idx: f.i32(6),
  mtu: f.i32(7),
  name: f.string(8),
  ibytes: f.i64(9),
  ipackets: f.i64(10),
  ierrors: f.i64(11),
  obytes: f.i64(12),
  opackets: f.i64(13),
  oerrors: f.i64(14),
  ref_cnt: f.i32(15),
  mac: f.string(16),
  ip: f.string(17),
  mirror_id: f.byte(18),
  speed: f.i32(19),
  duplexity: f.i32(20),
  qos_map_index: f.i32(21),
  core: f.u64(22),
  queue_ipackets: f.u64(23),
  queue_ierrors: f.u64(24),
  queue_opackets: f.u64(25),
  queue_oerrors: f.u64(26),
  queue_ierrors_to_lcore: f.string(27),
  port_ipackets: f.u64(28),
  port_ierrors: f.u64(29),
  port_isyscalls: f.u64(30),
  port_inombufs: f.u64(31),
  port_opackets: f.u64(32),
  port_oerrors: f.u64(33),
  port_osyscalls: f.u64(34),
  dev_ibytes: f.u64(35),
  dev_ipackets: f.u64(36),
  dev_ierrors: f.u64(37),
  dev_inombufs: f.u64(38),
  dev_obytes: f.u64(39),
  dev_opackets: f.u64(40),
  dev_oerrors: f.u64(41),
  parent_vif_id: f.i32(42),
  vlan_id: f.i16(43),
  nh_id: f.i16(44),
  cross_connect_id: f.listOf('i32')(45),
  bridge_id: f.i32(46),
  ovlan_id: f.i32(47),
  transport: f.i16(48),
  src_mac: f.string(49),
  fat_flow_protocol_port: f.string(50),
  isid: f.i32(51),
  pbb_bmac: f.string(52),
  bridge_idx: f.string(53),
  status: f.string(54),
  bond_child_intf_list: f.list(BondMemberIntfInfo)(55),
});

export const KRouteInfo = struct('KRouteInfo', {
  vrf_id: f.i32(1),
  family: f.string(2),
  prefix: f.string(3),
  prefix_len: f.i32(4),
  rid: f.i16(5),
  label_flags: f.string(6),
  label: f.i32(7),
  nh_id: f.i32(8, { link: 'KNHReq' }),
  rtr_mac: f.string(9),
  replace_plen: f.i32(10),
  index: f.i32(11),
});

export const KMplsInfo = struct('KMplsInfo', {
  label: f.i16(1),
  rid: f.i16(2),
  nhid: f.i32(3, { link: 'KNHReq' }),
});

// Field 14 (`insight`) is declared before 18 and 19; optional 15-17, 20, 21 follow. The
// generated writer keeps this declaration order.
export const KFlowInfo = struct('KFlowInfo', {
  index: f.i32(1),
  rflow: f.i32(2),
  sip: f.string(3),
  sport: f.i32(4),
  dip: f.string(5),
  dport: f.i32(6),
  proto: f.byte(7),
  vrf_id: f.i16(8),
  action: f.string(9),
  flags: f.string(10),
  d_vrf_id: f.i16(11),
  bytes: f.i32(12),
  pkts: f.i32(13),
  insight: f.i32(14),
  nhid: f.i32(18),
  underlay_udp_sport: f.u16(19),
  mirror_id: f.byte.opt(15, { link: 'KMirrorReq' }),
  sec_mirror_id: f.byte.opt(16, { link: 'KMirrorReq' }),
  ecmp_index: f.i16.opt(17),
  tcp_flags: f.string.opt(20),
  drop_reason: f.string.opt(21),
  ttl: f.u16(22),
  qos_id: f.i16(23),
  gen_id: f.i16(24),
  tcp_seq: f.u16(25),
  oflow_bytes: f.u16(26),
  oflow_packets: f.u16(27),
  underlay_gw_index: f.i16(28),
});

export const KVrfStatsInfo = struct('KVrfStatsInfo', {
  vrf_id: f.i16(1),
  vrf_family: f.string(2),
  vrf_rid: f.i16(3),
  vrf_discards: f.i64(4),
  vrf_resolves: f.i64(5),
  vrf_receives: f.i64(6),
  vrf_udp_tunnels: f.i64(7),
  vrf_udp_mpls_tunnels: f.i64(8),
  vrf_gre_mpls_tunnels: f.i64(9),
  vrf_fabric_composites: f.i64(10),
  vrf_l2_mcast_composites: f.i64(11),
  vrf_ecmp_composites: f.i64(12),
  vrf_encaps: f.i64(13),
  vrf_vxlan_tunnels: f.i64(14),
  vrf_l2_encaps: f.i64(15),
  vrf_gros: f.i64(16),
  vrf_diags: f.i64(17),
  vrf_encap_composites: f.i64(18),
  vrf_evpn_composites: f.i64(19),
  vrf_translates: f.i64(20),
  vrf_arp_virtual_proxy: f.i64(21),
  vrf_arp_virtual_stitch: f.i64(22),
  vrf_arp_virtual_flood: f.i64(23),
  vrf_arp_physical_stitch: f.i64(24),
  vrf_arp_tor_proxy: f.i64(25),
  vrf_arp_physical_flood: f.i64(26),
  vrf_l2_receives: f.i64(27),
  vrf_uuc_floods: f.i64(28),
});

// ---- requests (parameters in declaration order: the agent reads them by position) ----------

export const KInterfaceReq = request('KInterfaceReq', { if_id: f.i32(1, { default: -1 }) });
export const KRouteReq = request('KRouteReq', {
  vrf_id: f.u32(1, { default: 0 }),
  family: f.string(2, { default: 'inet' }),
});
export const KNHReq = request('KNHReq', { nh_id: f.i32(1, { default: -1 }) });
export const KMplsReq = request('KMplsReq', { mpls_label: f.i16(1, { default: -1 }) });
export const NextKFlowReq = request('NextKFlowReq', { flow_handle: f.string(1) });
export const KFlowReq = request('KFlowReq', {
  flow_idx: f.i32(1, { default: -1 }),
  show_evicted: f.bool(2, { default: false }),
});
export const KVrfStatsReq = request('KVrfStatsReq', { vrf_index: f.i32(1, { default: -1 }) });
export const KDropStatsReq = request('KDropStatsReq', {});

// ---- responses ------------------------------------------------------------------------------

export const KInterfaceResp = response('KInterfaceResp', { if_list: f.list(KInterfaceInfo)(1) });
export const KRouteResp = response('KRouteResp', { rt_list: f.list(KRouteInfo)(1) });
export const KNHResp = response('KNHResp', { nh_list: f.list(KNHInfo)(1) });
export const KMplsResp = response('KMplsResp', { mpls_list: f.list(KMplsInfo)(1) });
export const KFlowResp = response('KFlowResp', {
  flow_list: f.list(KFlowInfo)(1),
  flow_handle: f.string(2, { link: 'NextKFlowReq' }),
});
export const KVrfStatsResp = response('KVrfStatsResp', { vrf_stats_list: f.list(KVrfStatsInfo)(1) });
/** Error message for invalid input (kstate.sandesh `ErrResp`, default text kept verbatim). */
export const ErrResp = response('ErrResp', { resp: f.string(1, { default: '   Invalid Input !!!   ' }) });
export const InternalErrResp = response('InternalErrResp', {
  resp: f.string(1, { default: '   Internal Error !!!   ' }),
});

export const KDropStatsResp = response('KDropStatsResp', {
  ds_rid: f.u16(1),
  ds_discard: f.u64(2),
  ds_pull: f.u64(3),
  ds_invalid_if: f.u64(4),
  ds_arp_not_me: f.u64(5),
  ds_invalid_arp: f.u64(7),
  ds_trap_no_if: f.u64(8),
  ds_nowhere_to_go: f.u64(9),
  ds_flow_queue_limit_exceeded: f.u64(10),
  ds_flow_no_memory: f.u64(11),
  ds_flow_invalid_protocol: f.u64(12),
  ds_flow_nat_no_rflow: f.u64(13),
  ds_flow_action_drop: f.u64(14),
  ds_flow_action_invalid: f.u64(15),
  ds_flow_unusable: f.u64(16),
  ds_flow_table_full: f.u64(17),
  ds_interface_tx_discard: f.u64(18),
  ds_interface_drop: f.u64(19),
  ds_duplicated: f.u64(20),
  ds_push: f.u64(21),
  ds_ttl_exceeded: f.u64(22),
  ds_invalid_nh: f.u64(23),
  ds_invalid_label: f.u64(24),
  ds_invalid_protocol: f.u64(25),
  ds_interface_rx_discard: f.u64(26),
  ds_invalid_mcast_source: f.u64(27),
  ds_head_alloc_fail: f.u64(28),
  ds_pcow_fail: f.u64(30),
  ds_mcast_clone_fail: f.u64(32),
  ds_rewrite_fail: f.u64(34),
  ds_misc: f.u64(35),
  ds_invalid_packet: f.u64(36),
  ds_cksum_err: f.u64(37),
  ds_no_fmd: f.u64(39),
  ds_cloned_original: f.u64(40),
  ds_invalid_vnid: f.u64(41),
  ds_frag_err: f.u64(42),
  ds_invalid_source: f.u64(43),
  ds_mcast_df_bit: f.u64(44),
  ds_l2_no_route: f.u64(47),
  ds_vlan_fwd_tx: f.u64(48),
  ds_vlan_fwd_enq: f.u64(49),
  ds_no_memory: f.u64(51),
  ds_drop_new_flow: f.u64(52),
  ds_flow_evict: f.u64(53),
});

export type KComponentNH = RecordOfDef<typeof KComponentNH>;
export type KNHInfo = RecordOfDef<typeof KNHInfo>;
export type KInterfaceInfo = RecordOfDef<typeof KInterfaceInfo>;
export type KRouteInfo = RecordOfDef<typeof KRouteInfo>;
export type KMplsInfo = RecordOfDef<typeof KMplsInfo>;
export type KFlowInfo = RecordOfDef<typeof KFlowInfo>;
export type KVrfStatsInfo = RecordOfDef<typeof KVrfStatsInfo>;
export type KDropStatsResp = RecordOfDef<typeof KDropStatsResp>;
