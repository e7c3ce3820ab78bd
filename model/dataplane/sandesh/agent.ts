// The vRouter agent's oper-DB introspect (tf-controller src/vnsw/agent/oper/agent.sandesh): VRFs,
// unicast routes with their paths, next hops, interfaces, MPLS labels and the pagination block.
// Transcribed in declaration order with field ids, types, `link` annotations and request
// defaults; structs the agent declares but never fills for us are kept so lists type-check.

import { f, request, response, struct, type RecordOfDef } from './schema.ts';

// ---- pagination (agent_sandesh.cc AgentSandesh::MakeSandeshPageReq) ------------------------

export const PageReq = request('PageReq', { key: f.string(1) });

export const PageReqData = struct('PageReqData', {
  prev_page: f.string(1, { link: 'PageReq' }),
  next_page: f.string(2, { link: 'PageReq' }),
  first_page: f.string(3, { link: 'PageReq' }),
  all: f.string(4, { link: 'PageReq' }),
  table_size: f.u32(5),
  entries: f.string(6),
});

export const Pagination = response('Pagination', { req: f.struct(PageReqData)(1) });

export const ErrorResp = response('ErrorResp', { resp: f.string(1, { default: '   Invalid Input !!!   ' }) });

// ---- interfaces -------------------------------------------------------------------------------

export const ServiceVlanSandeshList = struct('ServiceVlanSandeshList', {
  tag: f.i16(1),
  vrf_name: f.string(2, { link: 'VrfListReq' }),
  ip_addr: f.string(3),
  ip6_addr: f.string(6),
  label: f.i16(4),
  installed: f.string(5),
  v4_route_installed: f.string(7),
  v6_route_installed: f.string(8),
});

export const SandeshPortMapping = struct('SandeshPortMapping', {
  protocol: f.u16(1),
  port: f.u16(2),
  nat_port: f.u16(3),
});

export const FloatingIpSandeshList = struct('FloatingIpSandeshList', {
  ip_addr: f.string(1),
  vrf_name: f.string(2, { link: 'VrfListReq' }),
  installed: f.string(3),
  fixed_ip: f.string(4),
  direction: f.string(5),
  port_map_enabled: f.bool(6),
  port_map: f.list(SandeshPortMapping)(7),
});

export const AliasIpSandeshList = struct('AliasIpSandeshList', {
  ip_addr: f.string(1),
  vrf_name: f.string(2, { link: 'VrfListReq' }),
  installed: f.string(3),
});

export const StaticRouteSandesh = struct('StaticRouteSandesh', {
  vrf_name: f.string(1, { link: 'VrfListReq' }),
  ip_addr: f.string(2),
  prefix: f.i32(3),
  mac_addr: f.string.opt(4),
  communities: f.listOf('string').opt(5),
  label: f.u32.opt(6),
});

export const VmIntfSgUuid = struct('VmIntfSgUuid', { sg_uuid: f.string(1, { link: 'SgListReq' }) });
export const VmIntfBridgeDomainUuid = struct('VmIntfBridgeDomainUuid', {
  bridge_domain_uuid: f.string(1, { link: 'BridgeDomainSandeshReq' }),
});
export const ApplicationPolicySetLink = struct('ApplicationPolicySetLink', {
  application_policy_set: f.string(1, { link: 'ApplicationPolicySetReq' }),
});
export const SecurityLoggingObjectLink = struct('SecurityLoggingObjectLink', {
  slo_uuid: f.string(1, { link: 'SLOListReq' }),
});
export const VmiTagData = struct('VmiTagData', {
  name: f.string(1),
  id: f.i32(2),
  application_policy_set_list: f.list(ApplicationPolicySetLink)(3),
});
export const BondInterface = struct('BondInterface', {
  intf_name: f.string(1),
  intf_drv_name: f.string(2),
  intf_status: f.string(3),
});
export const LearntMacIpSandeshList = struct('LearntMacIpSandeshList', {
  ip_addr: f.string(1),
  mac_addr: f.string(2),
  l2_installed: f.string(3),
  l3_installed: f.string(4),
});

export const ItfSandeshData = struct('ItfSandeshData', {
  index: f.i32(1),
  name: f.string(2),
  uuid: f.string(3),
  vrf_name: f.string(4, { link: 'VrfListReq' }),
  active: f.string(5),
  ipv4_active: f.string.opt(49),
  l2_active: f.string(28),
  ip6_active: f.string.opt(35),
  health_check_active: f.string.opt(53),
  dhcp_service: f.string(6),
  dhcp_service_v6: f.string(72),
  dns_service: f.string(7),
  type: f.string(8),
  label: f.i32(9),
  l2_label: f.i32(25),
  vxlan_id: f.i32(26),
  vn_name: f.string(10, { link: 'VnListReq' }),
  vm_uuid: f.string(11, { link: 'VmListReq' }),
  vm_name: f.string(12),
  ip_addr: f.string(13),
  mac_addr: f.string(14),
  policy: f.string(15),
  fip_list: f.list(FloatingIpSandeshList)(16),
  mdata_ip_addr: f.string(17),
  service_vlan_list: f.list(ServiceVlanSandeshList)(18),
  os_ifindex: f.i32(19),
  fabric_port: f.string(20),
  alloc_linklocal_ip: f.string(21),
  analyzer_name: f.string(22),
  config_name: f.string(23),
  sg_uuid_list: f.list(VmIntfSgUuid)(24),
  static_route_list: f.list(StaticRouteSandesh)(27),
  vm_project_uuid: f.string(30),
  admin_state: f.string(31),
  flow_key_idx: f.i32(32),
  allowed_address_pair_list: f.list(StaticRouteSandesh).opt(33),
  ip6_addr: f.string.opt(34),
  local_preference: f.i32(36),
  tx_vlan_id: f.i16(37),
  rx_vlan_id: f.i16(38),
  parent_interface: f.string(39),
  subnet: f.string.opt(40),
  sub_type: f.string.opt(41),
  vrf_assign_acl_uuid: f.string.opt(42, { link: 'AclReq' }),
  vmi_type: f.string.opt(43),
  transport: f.string(44),
  logical_interface_uuid: f.string(45),
  flood_unknown_unicast: f.bool.opt(46),
  physical_device: f.string(47),
  physical_interface: f.string(48),
  fixed_ip4_list: f.listOf('string')(50),
  fixed_ip6_list: f.listOf('string')(51),
  fat_flow_list: f.listOf('string')(52),
  metadata_ip_active: f.string.opt(54),
  service_health_check_ip: f.string.opt(55),
  qos_config: f.string.opt(56, { link: 'AgentQosConfigSandeshReq' }),
  alias_ip_list: f.list(AliasIpSandeshList)(57),
  drop_new_flows: f.bool(58),
  bridge_domain_list: f.list(VmIntfBridgeDomainUuid)(59),
  vmi_tag_list: f.list(VmiTagData)(60),
  policy_set_acl_list: f.listOf('string')(61),
  slo_list: f.list(SecurityLoggingObjectLink)(62),
  vhostuser_mode: f.byte(63),
  si_other_end_vmi: f.string(64),
  cfg_igmp_enable: f.bool(65),
  igmp_enabled: f.bool(66),
  max_flows: f.i32(67),
  policy_set_fwaas_list: f.listOf('string')(68),
  bond_interface_list: f.list(BondInterface)(69),
  mac_ip_learning_enable: f.bool(70),
  mac_ip_list: f.list(LearntMacIpSandeshList)(71),
});

// ---- next hops --------------------------------------------------------------------------------

export const McastData = struct('McastData', {
  type: f.string(1),
  sip: f.string.opt(2),
  dip: f.string.opt(3),
  label: f.i32.opt(4),
  itf: f.string.opt(5, { link: 'ItfReq' }),
  vlan_tag: f.i16.opt(6),
});

export const FabricCompositeData = struct('FabricCompositeData', {
  type: f.string(1),
  sip: f.string.opt(2),
  dip: f.string.opt(3),
  mc_list: f.list(McastData).opt(4),
});

export const L2CompositeData = struct('L2CompositeData', {
  type: f.string(1),
  sip: f.string.opt(2),
  dip: f.string.opt(3),
  fabric_comp: f.struct(FabricCompositeData).opt(4),
  mc_list: f.list(McastData).opt(5),
});

export const L3CompositeData = struct('L3CompositeData', {
  type: f.string(1),
  sip: f.string.opt(2),
  dip: f.string.opt(3),
  fabric_comp: f.struct(FabricCompositeData).opt(4),
  mc_list: f.list(McastData).opt(5),
});

export const MulticastCompositeData = struct('MulticastCompositeData', {
  type: f.string(1),
  sip: f.string.opt(2),
  dip: f.string.opt(3),
  mc_list: f.list(McastData).opt(4),
});

export const NhSandeshData = struct('NhSandeshData', {
  type: f.string(1),
  ref_count: f.i32(2),
  valid: f.string.opt(3),
  policy: f.string.opt(4),
  sip: f.string.opt(5),
  dip: f.string.opt(6),
  vrf: f.string.opt(7, { link: 'VrfListReq' }),
  itf: f.string.opt(8, { link: 'ItfReq' }),
  mac: f.listOf('string').opt(9),
  sport: f.i32.opt(10),
  dport: f.i32.opt(11),
  mcast: f.string.opt(12),
  label: f.i32.opt(13),
  mc_list: f.list(McastData).opt(14),
  vlan_tag: f.i16.opt(15),
  tunnel_type: f.string.opt(16),
  local_ecmp: f.string.opt(17),
  fabric_comp: f.struct(FabricCompositeData).opt(18),
  l2_comp: f.struct(L2CompositeData).opt(19),
  l3_comp: f.struct(L3CompositeData).opt(20),
  nh_index: f.i32(21),
  interface_comp: f.struct(MulticastCompositeData).opt(22),
  evpn_comp: f.struct(MulticastCompositeData).opt(23),
  vxlan_flag: f.bool.opt(24),
  intf_flags: f.i32(34),
  flood_unknown_unicast: f.bool.opt(25),
  isid: f.i32(26),
  learning_enabled: f.bool(27),
  etree_leaf: f.bool(28),
  layer2_control_word: f.bool(29),
  pbb_bmac: f.string.opt(30),
  crypt_all_traffic: f.bool(31),
  crypt_path_available: f.bool(32),
  crypt_interface: f.string(33),
});

// ---- routes -----------------------------------------------------------------------------------

export const PathPreferenceSandeshData = struct('PathPreferenceSandeshData', {
  sequence: f.i32(1),
  preference: f.i32(2),
  ecmp: f.bool(3),
  wait_for_traffic: f.bool.opt(4),
  dependent_ip: f.string.opt(5),
});

export const PathSandeshData = struct('PathSandeshData', {
  nh: f.struct(NhSandeshData)(1),
  label: f.i32(2),
  vxlan_id: f.i32(3),
  peer: f.string(4),
  dest_vn_list: f.listOf('string')(5, { link: 'VnListReq' }),
  unresolved: f.string(6),
  gw_ip: f.string.opt(7),
  vrf: f.string.opt(8, { link: 'VrfListReq' }),
  sg_list: f.listOf('i32').opt(10),
  supported_tunnel_type: f.string(11),
  active_tunnel_type: f.string(12),
  stale: f.bool.opt(13),
  path_preference_data: f.struct(PathPreferenceSandeshData).opt(14),
  info: f.string.opt(15),
  active_label: f.i32.opt(16),
  flood_dhcp: f.string.opt(17),
  vm_name: f.string.opt(18),
  ecmp_suppressed: f.bool.opt(19),
  ecmp_hashing_fields: f.string.opt(20),
  communities: f.listOf('string').opt(21),
  peer_sequence_number: f.u64.opt(22),
  etree_leaf: f.bool(23),
  layer2_control_word: f.bool(24),
  tag_list: f.listOf('i32').opt(25),
  inactive: f.bool(26),
  origin_vn: f.string(27),
});

export const RouteUcSandeshData = struct('RouteUcSandeshData', {
  src_ip: f.string(1),
  src_plen: f.i32(2),
  src_vrf: f.string(3, { link: 'VrfListReq' }),
  path_list: f.list(PathSandeshData)(4),
  ipam_subnet_route: f.bool.opt(5),
  ipam_host_route: f.bool.opt(8),
  proxy_arp: f.bool.opt(6),
  multicast: f.bool(7),
  intf_route_type: f.string(9),
});

export const VrfSandeshData = struct('VrfSandeshData', {
  name: f.string(1),
  ucindex: f.i32(2, { link: 'Inet4UcRouteReq' }),
  mcindex: f.i32(3, { link: 'Inet4McRouteReq' }),
  l2index: f.i32(4, { link: 'Layer2RouteReq' }),
  source: f.string(5),
  uc6index: f.i32(6, { link: 'Inet6UcRouteReq' }),
  vn: f.string(7, { link: 'VnListReq' }),
  table_label: f.i32(8),
  vxlan_id: f.i32(9),
  evpnindex: f.i32(10, { link: 'EvpnRouteReq' }),
  brindex: f.i32(11, { link: 'BridgeRouteReq' }),
  mplsindex: f.i32(12, { link: 'Inet4MplsUcRouteReq' }),
  RD: f.string(13),
  mac_aging_time: f.i32(14),
  layer2_control_word: f.bool(15),
  forwarding_vrf: f.string(16),
  hbf_rintf: f.i32(17),
  hbf_lintf: f.i32(18),
});

export const MplsSandeshData = struct('MplsSandeshData', {
  label: f.i32(1),
  type: f.string(2),
  nh: f.struct(NhSandeshData)(3),
});

// ---- requests ---------------------------------------------------------------------------------

export const NhListReq = request('NhListReq', {
  type: f.string(1),
  nh_index: f.string(2),
  policy_enabled: f.string(3),
});
export const VrfListReq = request('VrfListReq', { name: f.string(1) });
export const Inet4UcRouteReq = request('Inet4UcRouteReq', {
  vrf_index: f.i32(1, { default: 0 }),
  src_ip: f.string(2),
  prefix_len: f.u16(3),
  stale: f.bool(4, { default: false }),
});
export const ItfReq = request('ItfReq', {
  name: f.string(1),
  type: f.string(2),
  uuid: f.string(3),
  vn: f.string(4),
  mac: f.string(5),
  ipv4_address: f.string(6),
  ipv6_address: f.string(7),
  parent_uuid: f.string(8),
  ip_active: f.string(9),
  ip6_active: f.string(10),
  l2_active: f.string(11),
});
export const MplsReq = request('MplsReq', { type: f.string(1), label: f.string(2) });

// ---- responses --------------------------------------------------------------------------------

export const NhListResp = response('NhListResp', { nh_list: f.list(NhSandeshData)(1) });
export const VrfListResp = response('VrfListResp', { vrf_list: f.list(VrfSandeshData)(1) });
export const Inet4UcRouteResp = response('Inet4UcRouteResp', { route_list: f.list(RouteUcSandeshData)(1) });
export const ItfResp = response('ItfResp', { itf_list: f.list(ItfSandeshData)(1) });
export const MplsResp = response('MplsResp', { mpls_list: f.list(MplsSandeshData)(1) });

export type PageReqData = RecordOfDef<typeof PageReqData>;
export type FloatingIpSandeshList = RecordOfDef<typeof FloatingIpSandeshList>;
export type ItfSandeshData = RecordOfDef<typeof ItfSandeshData>;
export type McastData = RecordOfDef<typeof McastData>;
export type NhSandeshData = RecordOfDef<typeof NhSandeshData>;
export type PathSandeshData = RecordOfDef<typeof PathSandeshData>;
export type RouteUcSandeshData = RecordOfDef<typeof RouteUcSandeshData>;
export type VrfSandeshData = RecordOfDef<typeof VrfSandeshData>;
export type MplsSandeshData = RecordOfDef<typeof MplsSandeshData>;
