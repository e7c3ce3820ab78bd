// The agent's XMPP session to the control node as introspect reports it (tf-controller
// src/vnsw/agent/controller/controller.sandesh, AgentXmppConnectionStatus). Data only.

import { f, request, response, struct, type RecordOfDef } from './schema.ts';

export const ControllerProtoStats = struct('ControllerProtoStats', {
  open: f.u32(1),
  keepalive: f.u32(2),
  update: f.u32(3),
  close: f.u32(4),
});

export const ControllerEndOfConfigStats = struct('ControllerEndOfConfigStats', {
  last_config_receive_time: f.string(1),
  inactivity_detected_time: f.string(2),
  end_of_config_processed_time: f.string(3),
  end_of_config_reason: f.string(4),
  last_start_time: f.string(5),
  running: f.bool(6),
});

export const ConfigCleanupStats = struct('ConfigCleanupStats', {
  last_start_time: f.string(1),
  cleanup_sequence_number: f.u64(2),
  running: f.bool(3),
});

export const ConfigStats = struct('ConfigStats', {
  end_of_config_stats: f.struct(ControllerEndOfConfigStats)(1),
  config_cleanup_stats: f.struct(ConfigCleanupStats)(2),
});

export const ControllerEndOfRibRxStats = struct('ControllerEndOfRibRxStats', {
  end_of_rib_rx_time: f.string(1),
  end_of_rib_reason: f.string(2),
  last_start_time: f.string(3),
  running: f.bool(4),
});

export const ControllerEndOfRibTxStats = struct('ControllerEndOfRibTxStats', {
  end_of_rib_tx_time: f.string(1),
  last_route_published_time: f.string(2),
  end_of_rib_reason: f.string(3),
  last_start_time: f.string(4),
  running: f.bool(5),
});

export const ControllerEndOfRibStats = struct('ControllerEndOfRibStats', {
  tx: f.struct(ControllerEndOfRibTxStats)(1),
  rx: f.struct(ControllerEndOfRibRxStats)(2),
});

export const AgentXmppData = struct('AgentXmppData', {
  controller_ip: f.string(1),
  state: f.string(2),
  peer_name: f.string(3),
  peer_address: f.string(4),
  cfg_controller: f.string.opt(5),
  mcast_controller: f.string.opt(6),
  last_state: f.string(7),
  last_event: f.string(8),
  last_state_at: f.string(9),
  flap_count: f.u32(10),
  flap_time: f.string(11),
  dscp: f.u16(19),
  rx_proto_stats: f.struct(ControllerProtoStats)(12),
  tx_proto_stats: f.struct(ControllerProtoStats)(13),
  xmpp_auth_type: f.string(14),
  sequence_number: f.u64(15),
  last_ready_time: f.string(16),
  end_of_rib_stats: f.struct(ControllerEndOfRibStats)(17),
  config_stats: f.struct(ConfigStats)(18),
});

export const AgentXmppConnectionStatusReq = request('AgentXmppConnectionStatusReq', {});
export const AgentXmppConnectionStatus = response('AgentXmppConnectionStatus', {
  peer: f.list(AgentXmppData)(1),
});

export type AgentXmppData = RecordOfDef<typeof AgentXmppData>;
