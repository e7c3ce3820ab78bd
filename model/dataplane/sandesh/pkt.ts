// The agent's flow records as introspect returns them (tf-controller src/vnsw/agent/pkt/pkt.sandesh):
// for one flow key (FetchFlowRecord → FlowRecordResp{SandeshFlowData}, or FlowErrorResp), for the
// flows that depend on one route (FlowsPerInetRouteFlowMgmtKeyReq → FlowsPerInetRouteFlowMgmtKeyResp),
// and the summary of the flow tables (SandeshFlowTableInfoRequest → SandeshFlowTableInfoResp).
// Transcribed in declaration order with the declared ids. Data only.

import { ActionStr } from './acl.ts';
import { f, request, response, struct, type RecordOfDef } from './schema.ts';

export const MirrorInfo = struct('MirrorInfo', {
  mirror_destination: f.string.opt(1),
  mirror_port: f.u16.opt(2),
  mirror_vrf: f.string.opt(3),
  encap: f.string.opt(4),
  analyzer: f.string.opt(5),
});

export const FlowAclUuid = struct('FlowAclUuid', { uuid: f.string(1, { link: 'AclReq' }) });

export const FlowAclInfo = struct('FlowAclInfo', {
  action: f.i32(1),
  acl: f.list(FlowAclUuid)(2),
  action_str: f.list(ActionStr)(3),
});

export const SandeshFlowIndexTrace = struct('SandeshFlowIndexTrace', {
  timestamp: f.i64(1),
  flow_handle: f.u32(2),
  flow_gen_id: f.u16(3),
  event: f.string(4),
  ksync_hash_id: f.u32(5),
  ksync_gen_id: f.u16(6),
  vrouter_flow_handle: f.u32(7),
  vrouter_gen_id: f.u16(8),
});

export const SandeshFlowIndexInfo = struct('SandeshFlowIndexInfo', {
  trace_index: f.i32(1),
  flow_index_trace: f.list(SandeshFlowIndexTrace)(2),
});

export const SandeshInetRouteFlowMgmtEntryLink = struct('SandeshInetRouteFlowMgmtEntryLink', {
  inet_route_flow_mgmt_key: f.string(1, { link: 'FlowsPerInetRouteFlowMgmtKeyReq' }),
});

export const SandeshFlowData = struct('SandeshFlowData', {
  gen_id: f.u16(61),
  flow_handle: f.i32(16),
  nh: f.i32(39),
  sip: f.string(2),
  dip: f.string(3),
  src_port: f.i32(4),
  dst_port: f.i32(5),
  protocol: f.u16(6),
  vrf: f.i32(1),
  dest_vrf: f.i16(7),
  action: f.i32(8),
  mirror_l: f.list(MirrorInfo)(9),
  direction: f.string.opt(11),
  stats_bytes: f.i64(12),
  stats_packets: f.i64(13),
  uuid: f.string(14),
  nat: f.string(15),
  setup_time: f.string(18),
  refcount: f.i32(19),
  implicit_deny: f.string(20),
  short_flow: f.string.opt(21),
  setup_time_utc: f.u64.opt(22),
  ecmp_index: f.u16.opt(23),
  local_flow: f.string.opt(24),
  egress_uuid: f.string.opt(25),
  src_vn_list: f.listOf('string').opt(53),
  dst_vn_list: f.listOf('string').opt(54),
  src_vn_match: f.string.opt(55),
  dst_vn_match: f.string.opt(56),
  reverse_flow: f.string(28),
  policy: f.struct(FlowAclInfo)(29),
  out_policy: f.struct(FlowAclInfo)(30),
  sg: f.struct(FlowAclInfo)(31),
  out_sg: f.struct(FlowAclInfo)(32),
  mirror: f.struct(FlowAclInfo)(33),
  out_mirror: f.struct(FlowAclInfo)(34),
  action_str: f.list(ActionStr)(35),
  sg_action_summary: f.list(ActionStr)(36),
  reverse_sg: f.struct(FlowAclInfo)(37),
  reverse_out_sg: f.struct(FlowAclInfo)(38),
  vrf_assign_acl: f.struct(FlowAclInfo)(40),
  fwaas_policy_set: f.struct(FlowAclInfo)(74),
  fwaas_out_policy_set: f.struct(FlowAclInfo)(75),
  fwaas_reverse_policy_set: f.struct(FlowAclInfo)(76),
  fwaas_reverse_out_policy_set: f.struct(FlowAclInfo)(77),
  fwaas_action_summary: f.list(ActionStr)(78),
  policy_set: f.struct(FlowAclInfo)(63),
  out_policy_set: f.struct(FlowAclInfo)(64),
  reverse_policy_set: f.struct(FlowAclInfo)(71),
  reverse_out_policy_set: f.struct(FlowAclInfo)(72),
  aps_action_summary: f.list(ActionStr)(73),
  fip: f.string(41),
  fip_vm_interface_idx: f.u32(42),
  sg_rule_uuid: f.string.opt(43),
  nw_ace_uuid: f.string.opt(44),
  rpf_nh: f.i32(45),
  src_ip_nh: f.i32(62),
  drop_reason: f.string.opt(46),
  peer_vrouter: f.string.opt(47),
  tunnel_type: f.string.opt(48),
  underlay_source_port: f.u16.opt(49),
  enable_rpf: f.bool(50),
  aging_protocol: f.i32(51),
  aging_port: f.i32(52),
  l3_flow: f.bool(57),
  table_id: f.u16(58),
  deleted: f.bool(59),
  flow_index_info: f.struct(SandeshFlowIndexInfo)(60),
  inet_rt_keys: f.list(SandeshInetRouteFlowMgmtEntryLink)(65),
  fw_policy_match: f.string(66),
  local_tag_list: f.listOf('i32').opt(67),
  remote_tag_list: f.listOf('i32').opt(68),
  remote_prefix: f.string.opt(69),
  vmi: f.string.opt(70),
  underlay_gw_index: f.i16(79),
});

export const FetchFlowRecord = request('FetchFlowRecord', {
  nh: f.i32(1),
  sip: f.string(2),
  dip: f.string(3),
  src_port: f.i32(4),
  dst_port: f.i32(5),
  protocol: f.u16(6),
});

export const FlowRecordResp = response('FlowRecordResp', { record: f.struct(SandeshFlowData)(1) });
export const FlowErrorResp = response('FlowErrorResp', {
  resp: f.string(1, { default: 'No Flow Record for specified key ' }),
});

/** Flows the agent's flow management tracks under one route: `<table>-<vrf id>-<prefix>-<plen>`. */
export const FlowsPerInetRouteFlowMgmtKeyReq = request('FlowsPerInetRouteFlowMgmtKeyReq', {
  key: f.string(1),
});
export const FlowsPerInetRouteFlowMgmtKeyResp = response('FlowsPerInetRouteFlowMgmtKeyResp', {
  flow_list: f.list(SandeshFlowData)(1),
});

export const SandeshFlowTableInfoRequest = request('SandeshFlowTableInfoRequest', {});
export const SandeshFlowTableInfo = struct('SandeshFlowTableInfo', {
  index: f.u32(1),
  count: f.u32(2),
  total_add: f.u64(3),
  total_del: f.u64(4),
  freelist_count: f.u64(5),
});
export const SandeshFlowTableInfoResp = response('SandeshFlowTableInfoResp', {
  flow_count: f.u64(1),
  total_added: f.u64(2),
  total_deleted: f.u64(3),
  max_flows: f.u64(4),
  table_list: f.list(SandeshFlowTableInfo)(5),
});

export type SandeshFlowData = RecordOfDef<typeof SandeshFlowData>;
export type FlowAclInfo = RecordOfDef<typeof FlowAclInfo>;
export type SandeshFlowTableInfoResp = RecordOfDef<typeof SandeshFlowTableInfoResp>;
