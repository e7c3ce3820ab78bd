// JSON shapes of the simulated vRouter dataplane as /api/dataplane returns them: the vRouter list,
// introspect-shaped records (field names of the agent's sandesh responses), flows, trace, traffic.

/** Flow-table counters of one vRouter (`flow -l` header and the vRouter list). */
export interface FlowCounters {
  created: number;
  added: number;
  deleted: number;
  changed: number;
  processed: number;
  /** Overflow entries in use now. */
  overflowInUse: number;
  /** Lookups that found an entry. */
  hits: number;
  /** Lookups that found none. */
  misses: number;
  /** New flows refused because their bucket and the overflow area were full. */
  tableFull: number;
  /** Flows removed by idle aging. */
  aged: number;
  /** TCP flows evicted on FIN or RST. */
  evicted: number;
}

// ---- GET /vrouters/<node>/vrfs (VrfListResp) ---------------------------------------------

export interface VrfSandeshData {
  name: string;
  ucindex: number;
  mcindex: number;
  l2index: number;
  uc6index: number;
  evpnindex: number;
  brindex: number;
  mplsindex: number;
  source: string;
  vn: string;
  table_label: number;
  vxlan_id: number;
  RD: string;
  mac_aging_time: number;
  layer2_control_word: string;
  forwarding_vrf: string;
  hbf_rintf: number;
  hbf_lintf: number;
  route_count: number;
}

export interface VrfListResp {
  vrf_list: VrfSandeshData[];
}

// ---- GET /vrouters/<node>/nexthops[/<id>] (NhListResp) ----------------------------------

/** One component of a composite next hop (`mc_list`); a hole is type `NULL`. */
export interface CompositeComponentData {
  type: 'NULL' | 'Interface' | 'Tunnel';
  sip: string;
  dip: string;
  label: number;
  itf: string;
  vlan_tag: number;
}

export interface NhSandeshData {
  nh_index: number;
  /**
   * For an ECMP composite: the hash fields programmed in the kernel (`nh --get` Valid Hash Key
   * Parameters), in the agent's names (`l3-source-address` …).
   */
  hash_fields?: string[];
  /** `discard`, `receive`, `interface`, `tunnel` or `ECMP Composite sub nh count: <n>`. */
  type: string;
  ref_count: number;
  valid: string;
  policy: string;
  sip: string;
  dip: string;
  vrf: string;
  itf: string;
  mac: string;
  label: number;
  tunnel_type: string;
  mc_list: CompositeComponentData[];
  local_ecmp: string;
}

export interface NhListResp {
  nh_list: NhSandeshData[];
}

// ---- GET /vrouters/<node>/routes?vrf= (Inet4UcRouteResp) --------------------------------

export interface PathPreferenceData {
  sequence: number;
  preference: number;
  ecmp: string;
  wait_for_traffic: string;
  dependent_ip: string;
}

export interface PathSandeshData {
  peer: string;
  nh: NhSandeshData | null;
  label: number;
  vxlan_id: number;
  dest_vn_list: string[];
  unresolved: string;
  vrf: string;
  active_tunnel_type: string;
  supported_tunnel_type: string;
  stale: string;
  path_preference_data: PathPreferenceData;
  active_label: number;
  ecmp_hashing_fields: string;
  inactive: string;
}

export interface RouteUcSandeshData {
  src_ip: string;
  src_plen: number;
  src_vrf: string;
  ipam_subnet_route: string;
  ipam_host_route: string;
  proxy_arp: string;
  multicast: string;
  intf_route_type: string;
  path_list: PathSandeshData[];
}

// ---- GET /vrouters/<node>/interfaces (ItfResp) ------------------------------------------

export interface PortMapData {
  protocol: string;
  port: number;
  nat_port: number;
}

export interface FloatingIpSandeshData {
  ip_addr: string;
  vrf_name: string;
  installed: string;
  fixed_ip: string;
  direction: string;
  port_map_enabled: string;
  port_map: PortMapData[];
}

export interface ItfSandeshData {
  index: number;
  name: string;
  uuid: string;
  vrf_name: string;
  active: string;
  label: number;
  vn_name: string;
  vm_uuid: string;
  vm_name: string;
  ip_addr: string;
  mac_addr: string;
  ether_addr: string;
  type: string;
  fip_list: FloatingIpSandeshData[];
}

export interface ItfResp {
  itf_list: ItfSandeshData[];
}

// ---- GET /vrouters/<node>/flows (KFlowResp + counters) ----------------------------------

export interface KFlowInfo {
  index: number;
  rflow: number;
  sip: string;
  sport: number;
  dip: string;
  dport: number;
  proto: number;
  vrf_id: number;
  d_vrf_id: number;
  /** `F`, `D(<reason>)`, `N(DPd)`… as `flow -l` prints it. */
  action: string;
  flags: number;
  nhid: number;
  rpf_nh: number;
  ecmp_index: number;
  pkts: number;
  bytes: number;
  tcp_flags: string;
  drop_reason: string;
  underlay_udp_sport: number;
  gen_id: number;
  ttl: number;
  qos_id: number;
}

export interface KFlowResp {
  flow_list: KFlowInfo[];
  flow_handle: string;
}

export interface FlowList extends KFlowResp {
  counters: FlowCounters;
}

// ---- POST /trace and POST /traffic --------------------------------------------------------

export type TcpFlag = 'SYN' | 'ACK' | 'FIN' | 'RST';

export interface TraceRequest {
  /** `<namespace>/<pod>` */
  from: string;
  /** Destination IPv4 address (a VIP or a pod IP). */
  to: string;
  protocol: string;
  port: number;
  sourcePort?: number | undefined;
  tcpFlag?: TcpFlag | undefined;
}

export interface TraceFlow {
  node: string;
  index: number;
  reverseIndex: number;
  action: string;
  direction: 'forward' | 'reverse';
  sip: string;
  sport: number;
  dip: string;
  dport: number;
  proto: number;
  vrf: number;
  ecmpIndex: number | null;
  keyNh: number;
  rpfNh: number;
  packets: number;
  bytes: number;
  /** The packet was a FIN or RST and this flow was removed after it. */
  evicted: boolean;
}

export interface TraceEcmp {
  /** The compute that made this pick. */
  node: string;
  nexthopId: number;
  slot: number;
  slots: number;
  /** The agent's 64-bit flow hash, in decimal (PickMember uses its low 32 bits). */
  hash: string;
  /** PickMember's seed: the hash's low 32 bits; the slot is `seed % slots` unless that slot is a hole. */
  seed: number;
  /** The fields the hash covered (the route's ecmp_hashing_include_fields). */
  hashFields: string[];
}

export interface TraceMember {
  pod: string;
  node: string;
  ip: string;
  port: number;
}

export interface TraceResult {
  sourceNode: string;
  /** The first ECMP pick (the source compute's), as before. */
  ecmp: TraceEcmp | null;
  /**
   * Every ECMP pick in order: the source compute's over its composite, then, when the packet
   * arrives on a local-ECMP label, the backend compute's over its local composite.
   */
  ecmpPicks: TraceEcmp[];
  /**
   * Set when the VIP runs a what-if that is not Contrail behaviour (`maglev`: the Service's
   * `ecmp-hashing: maglev` annotation replaces PickMember's `seed % size` with a Maglev table).
   */
  whatIf: 'maglev' | null;
  member: TraceMember | null;
  flows: TraceFlow[];
  /** The agent's short-flow reason (`SHORT_PORT_MAP_DROP`…), null when delivered. */
  dropReason: string | null;
  reused: boolean;
}

export interface TrafficRequest {
  from: string | string[];
  to: string;
  protocol: string;
  port: number;
  flows: number;
  /** First source port; flow i uses firstSourcePort + i (wrapping within 1024-65535). */
  firstSourcePort?: number;
  /**
   * `sequential` (the default): each client counts up from firstSourcePort. `random`: each
   * client walks one fixed pseudo-random permutation of 1024-65535 (like a kernel's randomised
   * ephemeral ports), starting at the position of firstSourcePort.
   */
  sourcePorts?: 'sequential' | 'random';
}

/** Progress of a traffic run (the run is processed in slices). */
export interface TrafficProgress {
  done: number;
  total: number;
}

export interface TrafficMember extends TraceMember {
  flows: number;
}

export interface TrafficResult {
  flows: number;
  dropped: number;
  reused: number;
  members: TrafficMember[];
  /**
   * How many times a client's source ports wrapped from 65535 back to 1024: after a wrap, flow
   * i reuses the 5-tuple of flow i − 64512 × clients, so it is counted as `reused`, not new.
   */
  sourcePortWraps: number;
  whatIf: 'maglev' | null;
}
