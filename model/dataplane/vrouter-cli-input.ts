// What the vRouter CLI renderers take: the agent's kernel-state introspect records (kstate.sandesh
// K* structures), each optionally completed by the kernel fields the utility prints but the K*
// record does not carry, named as in the kernel's own messages (tf-vrouter sandesh/vr.sandesh:
// vr_route_req, vr_nexthop_req, vr_interface_req, vr_flow_entry). An introspect-only reader
// leaves them out and gets what the agent can tell; the simulated compute fills them, as running
// the tool on the host would. Also the kernel flag bits the renderers decode. Types and data only.

import type {
  KDropStatsResp,
  KFlowInfo,
  KInterfaceInfo,
  KMplsInfo,
  KNHInfo,
  KRouteInfo,
  KVrfStatsInfo,
} from './sandesh/kstate.ts';

/** `rt --dump`: KRouteInfo, plus the kernel's label flag bits (KRouteInfo keeps only MPLS and PROXY-ARP). */
export type RouteRow = KRouteInfo & { readonly rtr_label_flags?: number };

/** `nh`: KNHInfo, plus the kernel flags (KNHInfo's string drops Etree Root, Policy(R)…) and hash config. */
export type NhRow = KNHInfo & { readonly nhr_flags?: number; readonly nhr_ecmp_config_hash?: number };

/** `vif --list`: KInterfaceInfo, plus kernel fields it does not carry. */
export type VifRow = KInterfaceInfo & {
  readonly vifr_flags?: number;
  readonly vifr_mcast_vrf?: number;
  readonly vifr_dpackets?: number;
};

/** `flow -l`: KFlowInfo, plus kernel fields it does not carry (RPF NH, Sinfo, raw flags). */
export type FlowRow = KFlowInfo & {
  readonly fe_flags?: number;
  readonly fe_tcp_flags?: number;
  readonly fe_src_nh_index?: number;
  /** `fe_src_info` as the kernel stores it (printed with inet_ntop of its bytes). */
  readonly fe_src_info?: number;
  readonly fe_drop_reason?: number;
};

/** The flow table header of `flow -l` (vr_flow_table_data / struct flow_table). */
export interface FlowTableInfo {
  /** Table size in bytes (ft_span). */
  readonly ft_span: number;
  readonly ft_num_entries: number;
  readonly ft_created: number;
  readonly ft_added: number;
  readonly ft_deleted: number;
  readonly ft_changed: number;
  readonly ft_processed: number;
  readonly ft_oflow_entries: number;
  /** Flows created per CPU. */
  readonly ft_hold_stat: readonly number[];
  readonly ft_hold_oflows: number;
}

/**
 * One slot `flow -l` prints: an active flow and/or the overflow chain hanging off a bucket's
 * last way (only the kernel knows chains; introspect gives flows alone).
 */
export interface FlowSlot {
  readonly index: number;
  readonly row?: FlowRow;
  readonly overflow?: readonly number[];
}

export type MplsRow = KMplsInfo;
export type VrfStatsRow = KVrfStatsInfo;
export type DropStats = KDropStatsResp;

// ---- kernel flag bits (tf-vrouter include/vr_route.h, vr_nexthop.h, vr_interface.h, vr_flow.h) ----

export const VR_RT_LABEL_VALID_FLAG = 0x1;
export const VR_RT_ARP_PROXY_FLAG = 0x2;
export const VR_RT_ARP_TRAP_FLAG = 0x4;
export const VR_RT_ARP_FLOOD_FLAG = 0x8;
export const VR_RT_MAC_IP_LEARNT_FLAG = 0x10;

export const NH_FLAG_VALID = 0x000001;
export const NH_FLAG_POLICY_ENABLED = 0x000002;
export const NH_FLAG_TUNNEL_GRE = 0x000008;
export const NH_FLAG_TUNNEL_UDP = 0x000010;
export const NH_FLAG_MCAST = 0x000020;
export const NH_FLAG_TUNNEL_UDP_MPLS = 0x000040;
export const NH_FLAG_TUNNEL_VXLAN = 0x000080;
export const NH_FLAG_RELAXED_POLICY = 0x000100;
export const NH_FLAG_COMPOSITE_FABRIC = 0x000200;
export const NH_FLAG_COMPOSITE_ECMP = 0x000400;
export const NH_FLAG_COMPOSITE_EVPN = 0x001000;
export const NH_FLAG_COMPOSITE_ENCAP = 0x002000;
export const NH_FLAG_COMPOSITE_TOR = 0x004000;
export const NH_FLAG_ROUTE_LOOKUP = 0x008000;
export const NH_FLAG_UNKNOWN_UC_FLOOD = 0x010000;
export const NH_FLAG_TUNNEL_SIP_COPY = 0x020000;
export const NH_FLAG_FLOW_LOOKUP = 0x040000;
export const NH_FLAG_TUNNEL_PBB = 0x080000;
export const NH_FLAG_MAC_LEARN = 0x100000;
export const NH_FLAG_ETREE_ROOT = 0x200000;
export const NH_FLAG_INDIRECT = 0x400000;
export const NH_FLAG_L2_CONTROL_DATA = 0x800000;
export const NH_FLAG_CRYPT_TRAFFIC = 0x01000000;
export const NH_FLAG_L3_VXLAN = 0x02000000;
export const NH_FLAG_TUNNEL_MPLS_O_MPLS = 0x04000000;
export const NH_FLAG_TUNNEL_UNDERLAY_ECMP = 0x10000000;

export const VIF_FLAG_POLICY_ENABLED = 0x1;
export const VIF_FLAG_XCONNECT = 0x2;
export const VIF_FLAG_SERVICE_IF = 0x4;
export const VIF_FLAG_MIRROR_RX = 0x8;
export const VIF_FLAG_MIRROR_TX = 0x10;
export const VIF_FLAG_TX_CSUM_OFFLOAD = 0x20;
export const VIF_FLAG_L3_ENABLED = 0x40;
export const VIF_FLAG_L2_ENABLED = 0x80;
export const VIF_FLAG_DHCP_ENABLED = 0x100;
export const VIF_FLAG_VHOST_PHYS = 0x200;
export const VIF_FLAG_PROMISCOUS = 0x400;
export const VIF_FLAG_NATIVE_VLAN_TAG = 0x800;
export const VIF_FLAG_NO_ARP_PROXY = 0x1000;
export const VIF_FLAG_PMD = 0x2000;
export const VIF_FLAG_FILTERING_OFFLOAD = 0x4000;
export const VIF_FLAG_MONITORED = 0x8000;
export const VIF_FLAG_UNKNOWN_UC_FLOOD = 0x10000;
export const VIF_FLAG_VLAN_OFFLOAD = 0x20000;
export const VIF_FLAG_DROP_NEW_FLOWS = 0x40000;
export const VIF_FLAG_MAC_LEARN = 0x80000;
export const VIF_FLAG_MAC_PROXY = 0x100000;
export const VIF_FLAG_ETREE_ROOT = 0x200000;
export const VIF_FLAG_MIRROR_NOTAG = 0x1000000;
export const VIF_FLAG_IGMP_ENABLED = 0x2000000;
export const VIF_FLAG_HBS_LEFT = 0x8000000;
export const VIF_FLAG_HBS_RIGHT = 0x10000000;
export const VIF_FLAG_MAC_IP_LEARNING = 0x40000000;

export const VR_FLOW_FLAG_ACTIVE = 0x0001;
export const VR_FLOW_FLAG_SNAT = 0x2;
export const VR_FLOW_FLAG_SPAT = 0x4;
export const VR_FLOW_FLAG_DNAT = 0x8;
export const VR_FLOW_FLAG_DPAT = 0x10;
export const VR_FLOW_FLAG_DELETE_MARKED = 0x40;
export const VR_FLOW_FLAG_MODIFIED = 0x0100;
export const VR_FLOW_FLAG_NEW_FLOW = 0x0200;
export const VR_FLOW_FLAG_EVICT_CANDIDATE = 0x0400;
export const VR_FLOW_FLAG_EVICTED = 0x0800;
export const VR_RFLOW_VALID = 0x1000;
export const VR_FLOW_FLAG_MIRROR = 0x2000;
export const VR_FLOW_FLAG_VRFT = 0x4000;
export const VR_FLOW_FLAG_LINK_LOCAL = 0x8000;

export const VR_FLOW_TCP_FIN = 0x0001;
export const VR_FLOW_TCP_HALF_CLOSE = 0x0002;
export const VR_FLOW_TCP_FIN_R = 0x0004;
export const VR_FLOW_TCP_SYN = 0x0008;
export const VR_FLOW_TCP_SYN_R = 0x0010;
export const VR_FLOW_TCP_ESTABLISHED = 0x0020;
export const VR_FLOW_TCP_ESTABLISHED_R = 0x0040;
export const VR_FLOW_TCP_RST = 0x0080;
export const VR_FLOW_TCP_DEAD = 0x8000;

/** vr_flow.h VR_FLOW_DR_* codes we produce. */
export const VR_FLOW_DR_UNKNOWN = 0x00;
export const VR_FLOW_DR_NO_SRC_ROUTE = 0x04;
export const VR_FLOW_DR_NO_DST_ROUTE = 0x05;
export const VR_FLOW_DR_FLOW_LIMIT = 0x0b;
export const VR_FLOW_DR_PORT_MAP_DROP = 0x12;
