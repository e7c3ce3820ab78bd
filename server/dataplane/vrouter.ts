// One compute node's vRouter as its agent builds it: interfaces, VRFs with routes made of paths
// (LocalVmPort, Ecmp, Local and the control node's), the local ECMP composite of a route with two
// or more local paths, controller composites, the MPLS table, next hops and each VRF's kernel
// mtrie, plus the flow table and counters. Changed piece by piece by the dataplane; never
// rebuilt whole; no config-store access and no HTTP.
//
// How a route's paths become next hops (tf-controller src/vnsw/agent):
// - paths sort by peer type first (oper/peer.h: BGP < Ecmp < LocalVmPort < Local), then by
//   preference (agent_path.cc AgentPath::IsLess); the first is active and programs the kernel;
// - two or more LocalVmPort paths with the ECMP preference make an `Ecmp` path to a LOCAL_ECMP
//   composite with its own MPLS label (oper/ecmp.cc); the route is exported with the label of
//   the first exportable path, i.e. the local-ECMP label when there is one
//   (controller/controller_export.cc, agent_route.cc FindLocalVmPortPath);
// - the control node's path: one next hop → a tunnel NH with its label, or, for this compute's
//   own next hop, the NH its MPLS label points to; several → an ECMP composite of tunnel NHs
//   and local interface NHs, a local composite expanded in place, reordered against the
//   previous composite so slots are stable (controller/controller_route_path.cc
//   ControllerEcmpRoute, controller_peer.cc AddRemoteRoute/AddInetEcmpRoute).

import type { HashFieldMask } from '@model/dataplane/ecmp-load-balance.ts';
import { ALL_HASH_FIELDS } from '@model/dataplane/ecmp-load-balance.ts';
import { formatIpv4 } from '@model/net/ipv4.ts';
import {
  LocalEcmp,
  expandLocalComposite,
  reorderComposite,
  reorderFromSingle,
  type Component,
  type ComponentList,
  type LocalCompositeRef,
} from './composite.ts';
import { FlowTable, type FlowTableOptions } from './flow-table.ts';
import { IdPool } from './id-pool.ts';
import { Mtrie, type MtrieLeaf } from './mtrie.ts';
import { DISCARD_NH, NextHopTable, PKT0_NH, VHOST_RECEIVE_NH, type NextHop } from './nexthops.ts';
import { VRouterCounters } from './counters.ts';

/** The fabric VRF every compute has as VRF 0. */
export const FABRIC_VRF = 'default-domain:default-project:ip-fabric:__default__';
export const FABRIC_VN = 'default-domain:default-project:ip-fabric';
/** vif0/0 is the fabric NIC, vif0/1 vhost0, vif0/2 pkt0; pod vifs start here. */
const FIRST_POD_VIF = 3;
/** MPLS labels the agent hands out start here (labels below 16 are reserved by MPLS). */
const FIRST_LABEL = 16;
/** The vRouter's own MAC (00:00:5e:00:01:00), the source of every encap rewrite. */
export const VROUTER_MAC = '00:00:5e:00:01:00';

// Peer types in oper/peer.h enum order: the lower sorts first and wins.
export const PEER_BGP = 2;
export const PEER_ECMP = 5;
export const PEER_LOCAL_VM_PORT = 6;
export const PEER_LOCAL = 8;

/** PathPreference::HIGH / LOW (oper/agent_path.h). */
const PREFERENCE_HIGH = 200;
const PREFERENCE_LOW = 100;

// Kernel route label flags (tf-vrouter include/vr_route.h).
export const VR_RT_LABEL_VALID_FLAG = 0x1;
export const VR_RT_ARP_PROXY_FLAG = 0x2;
export const VR_RT_ARP_TRAP_FLAG = 0x4;
export const VR_RT_ARP_FLOOD_FLAG = 0x8;

/** MplsTable::kInvalidLabel, as an i32 field prints it. */
export const INVALID_LABEL = -1;

/** A pod VMI as placed on a compute node (derived from VM, VMI, instance-ip and virtual-router). */
export interface PodPlacement {
  readonly vmiUuid: string;
  readonly vmUuid: string;
  /** `<namespace>/<pod>` when known from the VMI annotations or the VM name. */
  readonly podKey: string | null;
  readonly vmName: string;
  /** The VMI's fq_name joined with ':' (ItfSandeshData.config_name). */
  readonly vmiName: string;
  readonly node: string;
  readonly ip: number;
  readonly ipText: string;
  readonly mac: string;
  /** The VN's fq_name joined with ':'. */
  readonly vnName: string;
  readonly vrfName: string;
  /** The VMI's effective ECMP hash fields (VMI, else its VN, else global-vrouter-config). */
  readonly hashFields: HashFieldMask;
  /** Unique per placement: a recreated interface gets a new one (flows check it). */
  readonly memberId: number;
}

export interface PortMapping {
  readonly protocol: string;
  readonly protocolNumber: number;
  readonly srcPort: number;
  readonly dstPort: number;
}

/** A floating IP as the agent applies it: the ECMP VIP of a Service or its external IP. */
export interface FipConfig {
  readonly uuid: string;
  readonly ip: number;
  readonly ipText: string;
  readonly vnName: string;
  readonly vrfName: string;
  /** Parent is an instance-ip (the ClusterIP VIP): the control node leaks it into pod VRFs. */
  readonly isClusterVip: boolean;
  readonly direction: string;
  readonly portMapEnabled: boolean;
  readonly portMaps: readonly PortMapping[];
  /** (protocol number << 16 | service port) → target port. */
  readonly portMapIndex: ReadonlyMap<number, number>;
  /** Pod VMI uuids in reference order (members may not be placed yet). */
  readonly memberVmis: readonly string[];
  /** What-if only (not Contrail): pick with a Maglev table instead of `seed % size`. */
  readonly maglev: boolean;
}

/** A virtual network as a compute needs it for its VRF. */
export interface VnInfo {
  readonly name: string;
  readonly vrfName: string;
  /** `l3`, `l2_l3` (the default) or `l2` (virtual_network_properties.forwarding_mode). */
  readonly forwardingMode: string;
  /** IPAM subnets: the agent installs the subnet, gateway and DNS routes (oper/vn.cc). */
  readonly subnets: readonly { prefix: number; plen: number; gateway: number | null; dns: number | null }[];
}

export type VifType = 'fabric' | 'vhost' | 'pkt0' | 'pod';

export interface Vif {
  readonly index: number;
  readonly type: VifType;
  /** Kernel/agent interface name (`tap…` for pods). */
  readonly name: string;
  readonly mac: string;
  readonly ip: number;
  readonly vrfId: number;
  /** Flow key NH (the policy-enabled L3 interface NH of a pod). */
  readonly nhId: number;
  /** The pod's MPLS label, −1 for the compute's own interfaces. */
  readonly label: number;
  readonly placement: PodPlacement | null;
  /** The non-policy L3 interface NH composites use (SetPolicy(false) in ecmp.cc). */
  readonly componentNhId: number;
}

export interface Path {
  readonly peer: string;
  readonly peerType: number;
  readonly nhId: number;
  /** MPLS label of the path, −1 for none. */
  readonly label: number;
  readonly destVn: string;
  readonly ecmp: boolean;
  readonly preference: number;
  readonly hashFields: HashFieldMask;
  /** Who owns the path: `vmi:<uuid>`, `ecmp`, `bgp`, `local:<what>`. */
  readonly owner: string;
  readonly tunnelType: string;
}

/** One controller next hop for a route (XMPP item next_hop: address + label). */
export interface ControllerNextHop {
  readonly address: number;
  readonly label: number;
}

export interface ControllerRoute {
  readonly nextHops: readonly ControllerNextHop[];
  readonly hashFields: HashFieldMask;
  readonly destVn: string;
}

export interface Route {
  readonly vrf: Vrf;
  readonly prefix: number;
  readonly plen: number;
  paths: Path[];
  /** What the kernel holds for this prefix (the active path's NH, label and flags). */
  kernel: MtrieLeaf | null;
  ipamSubnet: boolean;
  /** The local ECMP composite (2+ LocalVmPort ECMP paths) and its MPLS label. */
  localEcmp: LocalEcmp | null;
  localEcmpLabel: number;
  /** Per local-composite slot: bumped when the slot ends a change empty (flow affinity). */
  localEpochs: number[];
  /** The controller path's composite components (kept for Reorder) and slot epochs. */
  bgpComponents: ComponentList | null;
  bgpEpochs: number[];
  /** The controller route currently applied, to re-expand when the local composite changes. */
  controller: ControllerRoute | null;
  /** The FIP that owns this prefix in its VRF (VIP routes), for NAT and the UI. */
  fipUuid: string | null;
  /** Hash fields of the export (the exporting path's), or undefined when nothing is exported. */
  exported: { label: number; hashFields: HashFieldMask; destVn: string } | null;
}

export interface Vrf {
  readonly id: number;
  readonly name: string;
  readonly vnName: string;
  vn: VnInfo | null;
  /** Routes by routeKey (a number: the packet path looks them up without building strings). */
  readonly routes: Map<number, Route>;
  /** The kernel's route table, created with the VRF's first kernel route. */
  mtrie: Mtrie | null;
  /** Sorted route list cache for paging; null when stale. */
  sorted: Route[] | null;
}

/** An export changed: the control node must learn it (or forget it when `exported` is null). */
export type ExportListener = (router: VRouter, route: Route, exported: Route['exported']) => void;

/** A route's key in its VRF: prefix × 64 + prefix length (exact below 2^53). */
export const routeKey = (prefix: number, plen: number): number => (prefix >>> 0) * 64 + plen;

const maskOf = (plen: number) => (plen === 0 ? 0 : (0xffffffff << (32 - plen)) >>> 0);

/** `tap` + the first 11 characters of `eth0-<pod uuid>` (the CNI's host interface name). */
export function tapName(podUuid: string): string {
  return `tap${`eth0-${podUuid}`.slice(0, 11)}`;
}

/** Stable stand-in MACs for the fabric NIC: 52:54:00 + the low 3 bytes of the compute IP. */
export function fabricMac(ip: number): string {
  return ['52', '54', '00', ip >>> 16, ip >>> 8, ip]
    .map((b) => (typeof b === 'string' ? b : (b & 255).toString(16).padStart(2, '0')))
    .join(':');
}

const componentKey = (c: Component | null) =>
  c ? `${c.kind === 'tunnel' ? 't' : 'i'}${c.target}(${c.label})` : '-';

export class VRouter {
  readonly vifs = new Map<number, Vif>();
  readonly vifByVmi = new Map<string, Vif>();
  readonly vrfs = new Map<string, Vrf>();
  readonly vrfById: Vrf[] = [];
  readonly nh = new NextHopTable();
  /** MPLS label → NH id (the kernel's input label map). */
  readonly mpls = new Map<number, number>();
  readonly flows: FlowTable;
  readonly counters: VRouterCounters;
  /** Per FIP uuid: its config and the members local to this compute, in path order. */
  readonly fips = new Map<string, { fip: FipConfig; local: string[] }>();
  /** Local VMI → FIP address → FIP uuid (the NAT decision on delivery). */
  readonly fipsByVmi = new Map<string, Map<number, string>>();
  private readonly vifIndexes = new IdPool(FIRST_POD_VIF);
  private readonly labels = new IdPool(FIRST_LABEL);
  /** Local ECMP label → its route (a packet arriving with the label is picked again there). */
  readonly localEcmpRoutes = new Map<number, Route>();
  /** Controller routes whose next hops name one of our labels: re-expanded when it changes. */
  private readonly selfLabelUsers = new Map<number, Set<Route>>();
  private exportListener: ExportListener = () => undefined;
  /** The control node this agent's XMPP session is up with (the BGP peer's name). */
  controlNodeAddress = '';
  /** Bumped by every change (routes, NHs, interfaces): cached views compare it. */
  version = 0;

  constructor(
    readonly name: string,
    public ip: number,
    flowOptions: FlowTableOptions = {},
  ) {
    this.flows = new FlowTable(flowOptions);
    this.counters = new VRouterCounters();
    const fabric = this.ensureVrf(FABRIC_VRF, FABRIC_VN, null);
    this.nh.pin(DISCARD_NH, 'discard', { type: 'discard' }, ALL_HASH_FIELDS);
    this.nh.pin(VHOST_RECEIVE_NH, 'receive:vhost0', { type: 'receive', vifIndex: 1 }, ALL_HASH_FIELDS);
    this.nh.pin(
      PKT0_NH,
      'interface:pkt0',
      { type: 'interface', vifIndex: 2, vmiUuid: null, mac: VROUTER_MAC, policy: false, vrfId: 0 },
      ALL_HASH_FIELDS,
    );
    const own = (
      index: number,
      type: VifType,
      vifName: string,
      mac: string,
      ipAddr: number,
      vrfId: number,
      nhId: number,
    ) =>
      this.vifs.set(index, {
        index,
        type,
        name: vifName,
        mac,
        ip: ipAddr,
        vrfId,
        nhId,
        label: INVALID_LABEL,
        placement: null,
        componentNhId: nhId,
      });
    own(0, 'fabric', 'eth0', fabricMac(ip), 0, 0, 0);
    own(1, 'vhost', 'vhost0', fabricMac(ip), ip, 0, VHOST_RECEIVE_NH);
    own(2, 'pkt0', 'pkt0', VROUTER_MAC, 0, 65535, PKT0_NH);
    // vhost0's address in the fabric VRF: a receive route (Local peer).
    this.setPath(fabric, ip, 32, {
      peer: 'Local',
      peerType: PEER_LOCAL,
      nhId: this.hold(this.nh.get(VHOST_RECEIVE_NH)!),
      label: INVALID_LABEL,
      destVn: FABRIC_VN,
      ecmp: false,
      preference: PREFERENCE_LOW,
      hashFields: ALL_HASH_FIELDS,
      owner: 'local:vhost',
      tunnelType: '',
    });
  }

  get ipText(): string {
    return formatIpv4(this.ip);
  }

  onExport(listener: ExportListener): void {
    this.exportListener = listener;
  }

  private hold(nh: NextHop): number {
    nh.agentRefs++;
    return nh.id;
  }

  private releaseId(id: number): void {
    const nh = this.nh.get(id);
    if (nh) this.nh.release(nh);
  }

  /** A path lets go of its NH; a controller path also stops narrowing its composite's hash. */
  private releasePath(path: Path): void {
    const nh = this.nh.get(path.nhId);
    if (!nh) return;
    if (path.owner === 'bgp' && nh.type === 'composite' && nh.ecmpType === 'ECMP')
      this.nh.narrowHash(nh, path.hashFields, -1);
    this.nh.release(nh);
  }

  // ---- VRFs and their IPAM routes ------------------------------------------------------------

  ensureVrf(name: string, vnName: string, vn: VnInfo | null): Vrf {
    let vrf = this.vrfs.get(name);
    if (!vrf) {
      vrf = { id: this.vrfById.length, name, vnName, vn: null, routes: new Map(), mtrie: null, sorted: null };
      this.vrfs.set(name, vrf);
      this.vrfById.push(vrf);
      this.counters.ensureVrf(vrf.id);
      this.version++;
    }
    if (vn && vn !== vrf.vn) this.setVn(vrf, vn);
    return vrf;
  }

  /** The VN behind a VRF changed (subnets, forwarding mode): the IPAM routes follow. */
  setVn(vrf: Vrf, vn: VnInfo): void {
    const before = vrf.vn;
    vrf.vn = vn;
    const wanted = new Map<number, { prefix: number; plen: number; what: 'subnet' | 'gateway' | 'dns' }>();
    for (const s of vn.subnets) {
      wanted.set(routeKey(s.prefix, s.plen), { prefix: s.prefix, plen: s.plen, what: 'subnet' });
      // The agent uses the gateway as the DNS address when none is configured (oper/vn.cc).
      if (s.gateway !== null)
        wanted.set(routeKey(s.gateway, 32), { prefix: s.gateway, plen: 32, what: 'gateway' });
      const dns = s.dns ?? s.gateway;
      if (dns !== null) wanted.set(routeKey(dns, 32), { prefix: dns, plen: 32, what: 'dns' });
    }
    for (const route of Array.from(vrf.routes.values()))
      for (const p of route.paths)
        if (
          p.peerType === PEER_LOCAL &&
          p.owner.startsWith('ipam:') &&
          !wanted.has(routeKey(route.prefix, route.plen))
        )
          this.removePath(route, p.owner);
    for (const w of wanted.values()) {
      const owner = `ipam:${w.what}`;
      const route = vrf.routes.get(routeKey(w.prefix, w.plen));
      if (route?.paths.some((p) => p.owner === owner)) continue;
      const subnet = w.what === 'subnet';
      const nh = subnet ? this.nh.get(DISCARD_NH)! : this.nh.get(PKT0_NH)!;
      const r = this.setPath(vrf, w.prefix, w.plen, {
        peer: 'Local',
        peerType: PEER_LOCAL,
        nhId: this.hold(nh),
        label: INVALID_LABEL,
        destVn: vn.name,
        ecmp: false,
        preference: PREFERENCE_LOW,
        hashFields: ALL_HASH_FIELDS,
        owner,
        tunnelType: '',
      });
      r.ipamSubnet = subnet;
    }
    if (before && before.forwardingMode !== vn.forwardingMode)
      for (const route of vrf.routes.values()) this.syncKernel(route);
  }

  // ---- pod interfaces --------------------------------------------------------------------------

  /** Plugs a local pod interface: vif, MPLS label, its two L3 NHs and its /32 (LocalVmPort). */
  attachLocal(p: PodPlacement, vn: VnInfo | null): Vif {
    const existing = this.vifByVmi.get(p.vmiUuid);
    if (existing) return existing;
    const vrf = this.ensureVrf(p.vrfName, p.vnName, vn);
    const index = this.vifIndexes.allocate();
    const label = this.labels.allocate();
    const itf = (policy: boolean) =>
      this.nh.acquire(
        `interface:${p.vmiUuid}:${policy ? 'policy' : 'plain'}`,
        () => ({ type: 'interface', vifIndex: index, vmiUuid: p.vmiUuid, mac: p.mac, policy, vrfId: vrf.id }),
        ALL_HASH_FIELDS,
      );
    // InterfaceNH::CreateL3VmInterfaceNH makes the policy and the non-policy NH together.
    const policyNh = itf(true);
    const plainNh = itf(false);
    const vif: Vif = {
      index,
      type: 'pod',
      name: tapName(p.vmUuid),
      mac: VROUTER_MAC,
      ip: p.ip,
      vrfId: vrf.id,
      nhId: policyNh.id,
      label,
      placement: p,
      componentNhId: plainNh.id,
    };
    this.vifs.set(index, vif);
    this.vifByVmi.set(p.vmiUuid, vif);
    this.counters.resetVif(index);
    // The VMI's label points at its policy-enabled NH (MplsLabel for a VM interface).
    this.mpls.set(label, policyNh.id);
    policyNh.agentRefs++;
    this.nh.kernelGet(policyNh.id);
    this.setPath(vrf, p.ip, 32, this.localVmPortPath(vif, false));
    this.version++;
    return vif;
  }

  private localVmPortPath(vif: Vif, ecmp: boolean, destVn?: string): Path {
    const p = vif.placement!;
    return {
      peer: 'LocalVmPort',
      peerType: PEER_LOCAL_VM_PORT,
      nhId: this.hold(this.nh.get(vif.nhId)!),
      label: vif.label,
      destVn: destVn ?? p.vnName,
      ecmp,
      preference: PREFERENCE_HIGH,
      hashFields: p.hashFields,
      owner: `vmi:${p.vmiUuid}`,
      tunnelType: 'MPLSoGRE MPLSoUDP',
    };
  }

  /** Unplugs a local interface: its FIP paths, its route, label and NHs go. */
  detachLocal(vmiUuid: string): void {
    const vif = this.vifByVmi.get(vmiUuid);
    if (!vif) return;
    // Its floating IPs go first, so every composite lets go of its NHs before they are deleted.
    for (const state of this.fips.values())
      if (state.local.includes(vmiUuid)) {
        const fipVrf = this.vrfs.get(state.fip.vrfName);
        if (fipVrf) this.removeFipMember(state, fipVrf, vmiUuid);
      }
    const vrf = this.vrfById[vif.vrfId]!;
    const route = vrf.routes.get(routeKey(vif.ip, 32));
    if (route) this.removePath(route, `vmi:${vmiUuid}`);
    this.vifByVmi.delete(vmiUuid);
    this.vifs.delete(vif.index);
    this.vifIndexes.release(vif.index);
    this.mpls.delete(vif.label);
    this.labels.release(vif.label);
    this.nh.kernelPut(vif.nhId);
    this.releaseId(vif.nhId); // the MPLS label's hold
    this.releaseId(vif.nhId);
    this.releaseId(vif.componentNhId);
    this.version++;
  }

  /** The VMI's effective hash fields changed: its paths (and so its exports) carry the new ones. */
  setVmiHashFields(p: PodPlacement): void {
    const vif = this.vifByVmi.get(p.vmiUuid);
    if (!vif) return;
    const updated: Vif = {
      index: vif.index,
      type: vif.type,
      name: vif.name,
      mac: vif.mac,
      ip: vif.ip,
      vrfId: vif.vrfId,
      nhId: vif.nhId,
      label: vif.label,
      placement: p,
      componentNhId: vif.componentNhId,
    };
    this.vifs.set(vif.index, updated);
    this.vifByVmi.set(p.vmiUuid, updated);
    this.setPath(this.vrfById[vif.vrfId]!, p.ip, 32, this.localVmPortPath(updated, false));
    for (const state of this.fips.values())
      if (state.local.includes(p.vmiUuid))
        this.setPath(
          this.vrfs.get(state.fip.vrfName)!,
          state.fip.ip,
          32,
          this.localVmPortPath(updated, true, state.fip.vnName),
        );
  }

  // ---- floating IPs (local paths) ------------------------------------------------------------

  /**
   * Applies a floating IP on this compute: one LocalVmPort ECMP path per local member in the
   * FIP's VRF (vm_interface.cc FloatingIp::AddL3); EcmpData turns two or more into a LOCAL_ECMP
   * composite.
   */
  applyFip(fip: FipConfig, vn: VnInfo | null): void {
    const state = this.fips.get(fip.uuid);
    if (state && (state.fip.vrfName !== fip.vrfName || state.fip.ip !== fip.ip)) this.removeFip(fip.uuid);
    const vrf = this.ensureVrf(fip.vrfName, fip.vnName, vn);
    const current = this.fips.get(fip.uuid) ?? { fip, local: [] };
    current.fip = fip;
    this.fips.set(fip.uuid, current);
    const wanted = fip.memberVmis.filter((vmi) => this.vifByVmi.has(vmi));
    const wantedSet = new Set(wanted);
    for (const vmi of current.local.slice()) if (!wantedSet.has(vmi)) this.removeFipMember(current, vrf, vmi);
    for (const vmi of wanted) if (!current.local.includes(vmi)) this.addFipMember(current, vrf, vmi);
    const route = vrf.routes.get(routeKey(fip.ip, 32));
    if (route) route.fipUuid = fip.uuid;
  }

  private addFipMember(state: { fip: FipConfig; local: string[] }, vrf: Vrf, vmi: string): void {
    const vif = this.vifByVmi.get(vmi)!;
    state.local.push(vmi);
    let byIp = this.fipsByVmi.get(vmi);
    if (!byIp) this.fipsByVmi.set(vmi, (byIp = new Map()));
    byIp.set(state.fip.ip, state.fip.uuid);
    const route = this.setPath(vrf, state.fip.ip, 32, this.localVmPortPath(vif, true, state.fip.vnName));
    route.fipUuid = state.fip.uuid;
  }

  private removeFipMember(state: { fip: FipConfig; local: string[] }, vrf: Vrf, vmi: string): void {
    state.local.splice(state.local.indexOf(vmi), 1);
    this.fipsByVmi.get(vmi)?.delete(state.fip.ip);
    const route = vrf.routes.get(routeKey(state.fip.ip, 32));
    if (route) this.removePath(route, `vmi:${vmi}`);
  }

  removeFip(fipUuid: string): void {
    const state = this.fips.get(fipUuid);
    if (!state) return;
    const vrf = this.vrfs.get(state.fip.vrfName);
    if (vrf) for (const vmi of state.local.slice()) this.removeFipMember(state, vrf, vmi);
    this.fips.delete(fipUuid);
  }

  // ---- paths -----------------------------------------------------------------------------------

  private route(vrf: Vrf, prefix: number, plen: number): Route {
    const key = routeKey(prefix, plen);
    let route = vrf.routes.get(key);
    if (!route) {
      route = {
        vrf,
        prefix: prefix >>> 0,
        plen,
        paths: [],
        kernel: null,
        ipamSubnet: false,
        localEcmp: null,
        localEcmpLabel: INVALID_LABEL,
        localEpochs: [],
        bgpComponents: null,
        bgpEpochs: [],
        controller: null,
        fipUuid: null,
        exported: null,
      };
      vrf.routes.set(key, route);
      vrf.sorted = null;
    }
    return route;
  }

  /** Adds or replaces the path with this owner, then runs EcmpData, the kernel and the export. */
  private setPath(vrf: Vrf, prefix: number, plen: number, path: Path): Route {
    const route = this.route(vrf, prefix, plen);
    const at = route.paths.findIndex((p) => p.owner === path.owner);
    if (at >= 0) {
      this.releasePath(route.paths[at]!);
      route.paths[at] = path;
      // EcmpData::SyncParams: the Ecmp path takes the parameters of the path that changed.
      const ecmp = route.paths.findIndex((p) => p.owner === 'ecmp');
      if (ecmp >= 0 && path.peerType === PEER_LOCAL_VM_PORT && path.ecmp)
        route.paths[ecmp] = { ...route.paths[ecmp]!, hashFields: path.hashFields, destVn: path.destVn };
    } else {
      route.paths.push(path);
      if (path.peerType === PEER_LOCAL_VM_PORT && path.ecmp) this.ecmpAdd(route, path);
    }
    this.sortPaths(route);
    this.routeChanged(route);
    return route;
  }

  private removePath(route: Route, owner: string): void {
    const at = route.paths.findIndex((p) => p.owner === owner);
    if (at < 0) return;
    const [path] = route.paths.splice(at, 1);
    if (path!.peerType === PEER_LOCAL_VM_PORT && path!.ecmp) this.ecmpDelete(route, path!);
    this.releasePath(path!);
    this.routeChanged(route);
  }

  private sortPaths(route: Route): void {
    // A stable sort keeps paths of one peer type in the order they were added.
    route.paths.sort(
      (a, b) => a.peerType - b.peerType || (a.peerType === b.peerType ? b.preference - a.preference : 0),
    );
  }

  private routeChanged(route: Route): void {
    this.version++;
    const vrf = route.vrf;
    if (route.paths.length === 0) {
      this.syncKernel(route);
      vrf.routes.delete(routeKey(route.prefix, route.plen));
      vrf.sorted = null;
      this.syncExport(route);
      return;
    }
    this.syncKernel(route);
    this.syncExport(route);
  }

  // ---- EcmpData: the local ECMP composite ------------------------------------------------------

  private localComponent(path: Path): Component {
    const vmi = path.owner.slice('vmi:'.length);
    return { kind: 'interface', target: vmi, label: path.label };
  }

  private ecmpAdd(route: Route, path: Path): void {
    const others = route.paths.filter((p) => p !== path && p.peerType === PEER_LOCAL_VM_PORT && p.ecmp);
    if (others.length === 0) return;
    route.localEcmp ??= new LocalEcmp();
    const created = route.localEcmp.addPath(
      this.localComponent(path),
      others.map((p) => this.localComponent(p)),
    );
    if (created) {
      route.localEcmpLabel = this.labels.allocate();
      this.localEcmpRoutes.set(route.localEcmpLabel, route);
    }
    this.syncLocalEcmpPath(route, path.hashFields);
  }

  private ecmpDelete(route: Route, path: Path): void {
    if (!route.localEcmp?.active) return;
    const remaining = route.paths.filter((p) => p.peerType === PEER_LOCAL_VM_PORT && p.ecmp).length;
    const gone = route.localEcmp.removePath(this.localComponent(path), remaining);
    if (gone) {
      const ecmp = route.paths.findIndex((p) => p.owner === 'ecmp');
      if (ecmp >= 0) this.releasePath(route.paths.splice(ecmp, 1)[0]!);
      // The label's hold on the composite goes with the label.
      const labelNh = this.mpls.get(route.localEcmpLabel);
      if (labelNh !== undefined) {
        this.nh.kernelPut(labelNh);
        this.releaseId(labelNh);
      }
      this.mpls.delete(route.localEcmpLabel);
      this.localEcmpRoutes.delete(route.localEcmpLabel);
      this.labels.release(route.localEcmpLabel);
      route.localEcmpLabel = INVALID_LABEL;
      route.localEcmp = null;
      route.localEpochs = [];
      // Controller composites that expanded it keep their components until the control node
      // sends the route again (it will: the export's label changed), and then Reorder leaves
      // the removed member's slot as a hole.
      return;
    }
    this.syncLocalEcmpPath(route, path.hashFields);
  }

  /**
   * The Ecmp path's LOCAL_ECMP composite after its components changed. The agent changes the
   * composite in place (a RESYNC of the same NH), so its id and label stay.
   */
  private syncLocalEcmpPath(route: Route, hashFields: HashFieldMask): void {
    const ecmp = route.localEcmp!;
    const prevEcmpPath = route.paths.find((p) => p.owner === 'ecmp');
    const prev = prevEcmpPath ? this.nh.get(prevEcmpPath.nhId) : undefined;
    const components = ecmp.components.slice();
    this.bumpEpochs(route.localEpochs, prev?.type === 'composite' ? prev.components : [], components);
    const componentNh = components.map((c) => (c ? this.vifByVmi.get(c.target)!.componentNhId : -1));
    const key = `composite:LOCAL_ECMP:${route.vrf.name}:${routeKey(route.prefix, route.plen)}`;
    let nh: NextHop;
    if (prev && prev.type === 'composite') {
      // In place: swap the component references.
      for (const id of componentNh) if (id >= 0) this.componentHold(id, +1);
      for (const id of prev.componentNh) if (id >= 0) this.componentHold(id, -1);
      Object.assign(prev, { components, componentNh });
      nh = prev;
      this.nh.version++;
    } else {
      nh = this.nh.acquire(
        key,
        () => ({
          type: 'composite',
          ecmpType: 'LOCAL_ECMP',
          vrfId: route.vrf.id,
          components,
          componentNh,
          policy: true,
        }),
        ALL_HASH_FIELDS,
      );
      this.mpls.set(route.localEcmpLabel, nh.id);
      nh.agentRefs++;
      this.nh.kernelGet(nh.id);
      route.paths.push({
        peer: 'Ecmp',
        peerType: PEER_ECMP,
        nhId: nh.id,
        label: route.localEcmpLabel,
        destVn: route.paths.find((p) => p.peerType === PEER_LOCAL_VM_PORT)!.destVn,
        ecmp: true,
        preference: PREFERENCE_HIGH,
        hashFields,
        owner: 'ecmp',
        tunnelType: 'MPLSoGRE MPLSoUDP',
      });
      this.sortPaths(route);
    }
    this.refreshSelfLabelUsers(route);
  }

  private componentHold(id: number, delta: 1 | -1): void {
    const nh = this.nh.get(id);
    if (!nh) return;
    if (delta > 0) {
      nh.agentRefs++;
      nh.kernelRefs++;
    } else {
      nh.kernelRefs--;
      this.nh.release(nh);
    }
  }

  /** Slots that end a change empty get a new epoch: a flow pinned to them must pick again. */
  private bumpEpochs(
    epochs: number[],
    before: readonly (Component | null)[],
    after: readonly (Component | null)[],
  ): void {
    for (let i = 0; i < after.length; i++) {
      epochs[i] ??= 0;
      if (after[i] === null && before[i] !== null && before[i] !== undefined) epochs[i]!++;
    }
    epochs.length = after.length;
  }

  /** Controller paths expanding this route's local composite re-expand (AgentPath::Sync). */
  private refreshSelfLabelUsers(route: Route): void {
    const label = route.exported?.label;
    if (label === undefined) return;
    // A copy: applyControllerPath takes the route out of the set and puts it back, and a Set
    // iteration would visit it again.
    for (const user of Array.from(this.selfLabelUsers.get(label) ?? []))
      if (user.controller) this.applyControllerPath(user, user.controller);
  }

  // ---- the control node's path ------------------------------------------------------------------

  /** Installs (or with null removes) the control node's path for a prefix in a VRF. */
  setControllerRoute(
    vrfName: string,
    vnName: string,
    vn: VnInfo | null,
    prefix: number,
    plen: number,
    cr: ControllerRoute | null,
  ): void {
    const vrf = cr ? this.ensureVrf(vrfName, vnName, vn) : this.vrfs.get(vrfName);
    if (!vrf) return;
    const route = cr ? this.route(vrf, prefix, plen) : vrf.routes.get(routeKey(prefix, plen));
    if (!route) return;
    if (!cr) {
      this.untrackSelfLabels(route);
      route.controller = null;
      this.dropBgpComposite(route);
      this.removePath(route, 'bgp');
      return;
    }
    this.applyControllerPath(route, cr);
  }

  private untrackSelfLabels(route: Route): void {
    for (const h of route.controller?.nextHops ?? [])
      if (h.address === this.ip) this.selfLabelUsers.get(h.label)?.delete(route);
  }

  private dropBgpComposite(route: Route): void {
    route.bgpComponents = null;
    route.bgpEpochs = [];
  }

  private applyControllerPath(route: Route, cr: ControllerRoute): void {
    this.untrackSelfLabels(route);
    route.controller = cr;
    for (const h of cr.nextHops)
      if (h.address === this.ip) {
        let users = this.selfLabelUsers.get(h.label);
        if (!users) this.selfLabelUsers.set(h.label, (users = new Set()));
        users.add(route);
      }
    const previous = route.paths.find((p) => p.owner === 'bgp');
    const previousNh = previous ? this.nh.get(previous.nhId) : undefined;
    let nhId: number;
    let label = INVALID_LABEL;
    let tunnelType = 'MPLSoUDP';
    const entries = cr.nextHops.flatMap((h): (Component | LocalCompositeRef)[] => {
      if (h.address !== this.ip) return [{ kind: 'tunnel', target: dotted(h.address), label: h.label }];
      const target = this.nh.get(this.mpls.get(h.label) ?? -1);
      if (target?.type === 'composite') return [{ kind: 'local-composite', label: h.label }];
      if (target?.type === 'interface' && target.vmiUuid)
        return [{ kind: 'interface', target: target.vmiUuid, label: h.label }];
      return []; // the label is gone: wait for the controller's next update
    });
    if (entries.length === 0) {
      this.removePath(route, 'bgp');
      this.dropBgpComposite(route);
      return;
    }
    const first = entries[0]!;
    if (entries.length === 1 && first.kind === 'tunnel') {
      nhId = this.tunnel(parseDotted(first.target)).id;
      label = first.label;
      this.dropBgpComposite(route);
    } else if (entries.length === 1 && first.kind === 'interface') {
      // LocalVmRoute with the BGP peer: the interface NH the label points at.
      nhId = this.hold(this.nh.get(this.mpls.get(first.label)!)!);
      label = first.label;
      tunnelType = 'MPLSoGRE MPLSoUDP';
      this.dropBgpComposite(route);
    } else {
      const next = expandLocalComposite(entries, (l) => {
        const nh = this.nh.get(this.mpls.get(l) ?? -1);
        return nh?.type === 'composite' ? nh.components : undefined;
      });
      let components: ComponentList;
      if (route.bgpComponents) components = reorderComposite(route.bgpComponents, next);
      else if (previousNh && previous && previousNh.type !== 'composite')
        components = reorderFromSingle(this.componentOfNh(previousNh, previous.label), next);
      else components = next;
      this.bumpEpochs(route.bgpEpochs, route.bgpComponents ?? [], components);
      route.bgpComponents = components;
      nhId = this.composite(route.vrf, components, cr.hashFields).id;
    }
    const path: Path = {
      peer: this.controlNodeAddress,
      peerType: PEER_BGP,
      nhId,
      label,
      destVn: cr.destVn,
      ecmp: false,
      preference: PREFERENCE_HIGH,
      hashFields: cr.hashFields,
      owner: 'bgp',
      tunnelType,
    };
    this.setPath(route.vrf, route.prefix, route.plen, path);
  }

  private componentOfNh(nh: NextHop, label: number): Component {
    if (nh.type === 'tunnel') return { kind: 'tunnel', target: nh.dipText, label };
    if (nh.type === 'interface' && nh.vmiUuid) return { kind: 'interface', target: nh.vmiUuid, label };
    return { kind: 'interface', target: '', label };
  }

  /** The tunnel NH to a compute (one per destination), with one agent reference for the caller. */
  private tunnel(dip: number): NextHop {
    return this.nh.acquire(
      `tunnel:${dip >>> 0}`,
      () => ({ type: 'tunnel', dip, dipText: formatIpv4(dip) }),
      ALL_HASH_FIELDS,
    );
  }

  /** The controller ECMP composite with these components (found by key: shared when identical). */
  private composite(vrf: Vrf, components: ComponentList, hashFields: HashFieldMask): NextHop {
    const key = `composite:ECMP:${vrf.name}:${components.map(componentKey).join(',')}`;
    const existing = this.nh.find(key);
    if (existing) {
      existing.agentRefs++;
      this.nh.narrowHash(existing, hashFields, +1);
      return existing;
    }
    // Component NHs exist before the composite refers to them (tunnels are made on demand).
    const temps: NextHop[] = [];
    const componentNh = components.map((c) => {
      if (!c) return -1;
      if (c.kind === 'tunnel') {
        const t = this.tunnel(parseDotted(c.target));
        temps.push(t);
        return t.id;
      }
      return this.vifByVmi.get(c.target)?.componentNhId ?? -1;
    });
    const nh = this.nh.acquire(
      key,
      () => ({ type: 'composite', ecmpType: 'ECMP', vrfId: vrf.id, components, componentNh, policy: true }),
      ALL_HASH_FIELDS,
    );
    this.nh.narrowHash(nh, hashFields, +1);
    for (const t of temps) this.nh.release(t);
    return nh;
  }

  // ---- kernel route table -------------------------------------------------------------------------

  /** The kernel leaf the active path programs (route_ksync.cc RouteKSyncEntry). */
  private kernelLeafOf(route: Route): MtrieLeaf | null {
    const active = route.paths[0];
    if (!active) return null;
    const nh = this.nh.get(active.nhId);
    let labelFlags = 0;
    let label = 0;
    if (nh?.type === 'tunnel') {
      labelFlags |= VR_RT_LABEL_VALID_FLAG;
      label = active.label;
    }
    const vrf = route.vrf;
    if (vrf.name === FABRIC_VRF) {
      // The vhost0 address traps ARP to the agent (tf-vrouter tests/test_cem_7113.py shows `T`).
      if (nh?.type === 'receive') labelFlags |= VR_RT_ARP_TRAP_FLAG;
      else if (nh?.type === 'interface' || nh?.type === 'composite') labelFlags |= VR_RT_ARP_PROXY_FLAG;
    } else if (vrf.vn?.forwardingMode === 'l3') {
      // BuildArpFlags: a VN without bridging routes everything (proxy ARP, no flood).
      labelFlags |= VR_RT_ARP_PROXY_FLAG;
    } else {
      // Bridging VN: IPAM subnet routes flood ARP; the rest is proxied.
      labelFlags |= route.ipamSubnet ? VR_RT_ARP_FLOOD_FLAG : VR_RT_ARP_PROXY_FLAG;
    }
    return { nhId: active.nhId, plen: route.plen, label, labelFlags };
  }

  /** The route covering `prefix/plen` less specifically (what a delete leaves behind). */
  private coveringLeaf(vrf: Vrf, prefix: number, plen: number): MtrieLeaf {
    for (let l = plen - 1; l >= 0; l--) {
      const r = vrf.routes.get(routeKey((prefix & maskOf(l)) >>> 0, l));
      if (r?.kernel) return { ...r.kernel };
    }
    return { nhId: DISCARD_NH, plen: 0, label: 0, labelFlags: 0 };
  }

  private syncKernel(route: Route): void {
    const leaf = this.kernelLeafOf(route);
    const before = route.kernel;
    if (
      leaf &&
      before &&
      leaf.nhId === before.nhId &&
      leaf.label === before.label &&
      leaf.labelFlags === before.labelFlags
    )
      return;
    const vrf = route.vrf;
    if (leaf) {
      vrf.mtrie ??= new Mtrie({ get: (id) => this.nh.kernelGet(id), put: (id) => this.nh.kernelPut(id) });
      vrf.mtrie.add(route.prefix, route.plen, leaf);
    } else if (before && vrf.mtrie) {
      route.kernel = null;
      vrf.mtrie.delete(route.prefix, route.plen, this.coveringLeaf(vrf, route.prefix, route.plen));
    }
    route.kernel = leaf;
  }

  // ---- exports ----------------------------------------------------------------------------------

  private syncExport(route: Route): void {
    // FindLocalVmPortPath: the first Ecmp or LocalVmPort path is what the agent exports.
    const path = route.paths.find((p) => p.peerType === PEER_ECMP || p.peerType === PEER_LOCAL_VM_PORT);
    const next = path ? { label: path.label, hashFields: path.hashFields, destVn: path.destVn } : null;
    const prev = route.exported;
    if (
      prev === next ||
      (prev &&
        next &&
        prev.label === next.label &&
        prev.hashFields === next.hashFields &&
        prev.destVn === next.destVn)
    )
      return;
    route.exported = next;
    this.exportListener(this, route, next);
  }

  // ---- lookups ----------------------------------------------------------------------------------

  /** The route a packet to `ip` in this VRF takes (longest prefix match over the kernel table). */
  lookup(vrfId: number, ip: number): Route | undefined {
    const vrf = this.vrfById[vrfId];
    if (!vrf?.mtrie) return undefined;
    const leaf = vrf.mtrie.lookup(ip);
    if (leaf.plen === 0 && leaf.nhId === DISCARD_NH) return vrf.routes.get(routeKey(0, 0));
    return vrf.routes.get(routeKey((ip & maskOf(leaf.plen)) >>> 0, leaf.plen));
  }

  /** Routes of a VRF in prefix order (cached until the VRF changes). */
  sortedRoutes(vrf: Vrf): Route[] {
    vrf.sorted ??= [...vrf.routes.values()].sort((a, b) => a.prefix - b.prefix || a.plen - b.plen);
    return vrf.sorted;
  }
}

// Compute addresses as text and back, memoised: every controller route names them, and there are
// only as many as computes.
const dottedText = new Map<number, string>();
const dottedValue = new Map<string, number>();

function dotted(ip: number): string {
  let text = dottedText.get(ip >>> 0);
  if (text === undefined) {
    text = formatIpv4(ip);
    dottedText.set(ip >>> 0, text);
    dottedValue.set(text, ip >>> 0);
  }
  return text;
}

function parseDotted(text: string): number {
  const known = dottedValue.get(text);
  if (known !== undefined) return known;
  return parseDottedSlow(text);
}

function parseDottedSlow(text: string): number {
  const [a, b, c, d] = text.split('.').map(Number) as [number, number, number, number];
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}
