// One compute node's vRouter: vifs, VRFs, /32 routes, next hops, ECMP groups and its flow
// table, changed piece by piece by the dataplane reconciler. Never rebuilt whole; no store access.

import { EcmpGroup } from './ecmp-group.ts';
import { FlowTable, type FlowTableOptions } from './flow-table.ts';
import { IdPool } from './id-pool.ts';
import { formatIpv4 } from '@model/net/ipv4.ts';
import type { Component, FipConfig, NextHop, PodPlacement, Route, Vif, Vrf } from './model.ts';

/** The fabric VRF every compute has as VRF 0. */
export const FABRIC_VRF = 'default-domain:default-project:ip-fabric:__default__';
/** vif0/0 is the fabric NIC, vif0/1 vhost0, vif0/2 pkt0; pod vifs start here. */
const FIRST_POD_VIF = 3;
/** First MPLS label the agent hands to a VMI in our model (labels below 16 are reserved). */
const FIRST_VMI_LABEL = 16;
/** NH 0 is the discard NH, NH 1 vhost0's receive NH; allocated next hops start here. */
const FIRST_NH = 10;
/** Size of the kernel bridge table, for the stitched-MAC index `rt` prints. */
const BRIDGE_ENTRIES = 262_144;

export interface MemberInfo {
  readonly placement: PodPlacement;
  readonly computeIp: number;
  readonly label: number;
}

export interface EcmpState {
  readonly group: EcmpGroup;
  fip: FipConfig;
  /** Composite NH id per VRF id, while the group has ≥ 2 members. */
  readonly compositeByVrf: Map<number, number>;
}

export class VRouter {
  readonly vifs = new Map<number, Vif>();
  readonly vifByVmi = new Map<string, Vif>();
  readonly vrfs = new Map<string, Vrf>();
  readonly vrfById: Vrf[] = [];
  readonly nexthops = new Map<number, NextHop>();
  readonly ecmp = new Map<string, EcmpState>();
  readonly flows: FlowTable;
  private readonly tunnelByDip = new Map<number, number>();
  // Lowest-free allocators, as the agent hands out vif indexes, labels and NH ids.
  private readonly vifIndexes = new IdPool(FIRST_POD_VIF);
  private readonly labels = new IdPool(FIRST_VMI_LABEL);
  private readonly nhIds = new IdPool(FIRST_NH);
  /** VRFs holding pod routes: ClusterIP VIP routes are leaked into each of them. */
  private readonly podVrfs = new Set<string>();

  constructor(
    readonly name: string,
    public ip: number,
    private readonly member: (vmiUuid: string) => MemberInfo | undefined,
    flowOptions: FlowTableOptions = {},
  ) {
    this.flows = new FlowTable(flowOptions);
    this.ensureVrf(FABRIC_VRF, 'default-domain:default-project:ip-fabric');
    this.nexthops.set(0, { id: 0, type: 'drop' });
    this.nexthops.set(1, { id: 1, type: 'receive', vifIndex: 1 });
  }

  get ipText(): string {
    return formatIpv4(this.ip);
  }

  ensureVrf(name: string, vnName: string): Vrf {
    let vrf = this.vrfs.get(name);
    if (!vrf) {
      vrf = { id: this.vrfById.length, name, vnName, routes: new Map() };
      this.vrfs.set(name, vrf);
      this.vrfById.push(vrf);
    }
    return vrf;
  }

  private allocateNh(): number {
    return this.nhIds.allocate();
  }

  private deleteNh(id: number): void {
    this.nexthops.delete(id);
    this.nhIds.release(id);
  }

  tunnelNh(dip: number): number {
    let id = this.tunnelByDip.get(dip);
    if (id === undefined) {
      id = this.allocateNh();
      this.nexthops.set(id, { id, type: 'tunnel', dip, dipText: formatIpv4(dip) });
      this.tunnelByDip.set(dip, id);
    }
    return id;
  }

  /** Tunnel NHs to a compute that left; routes through them were removed first. */
  dropTunnel(dip: number): void {
    const id = this.tunnelByDip.get(dip);
    if (id === undefined) return;
    this.tunnelByDip.delete(dip);
    this.deleteNh(id);
  }

  // ---- pod interfaces and routes ----------------------------------------------------------

  /** Plugs a local pod interface: vif, MPLS label, interface NH and its /32 route. */
  attachLocal(p: PodPlacement): Vif {
    const existing = this.vifByVmi.get(p.vmiUuid);
    if (existing) return existing;
    const index = this.vifIndexes.allocate();
    const label = this.labels.allocate();
    const vrf = this.ensureVrf(p.vrfName, p.vnName);
    const nhId = this.allocateNh();
    this.nexthops.set(nhId, {
      id: nhId,
      type: 'interface',
      vmiUuid: p.vmiUuid,
      vifIndex: index,
      vrfId: vrf.id,
      mac: p.mac,
    });
    const vif: Vif = { index, name: tapName(p.vmUuid), placement: p, label, vrfId: vrf.id, nhId };
    this.vifs.set(index, vif);
    this.vifByVmi.set(p.vmiUuid, vif);
    this.addPodVrf(vrf);
    vrf.routes.set(p.ip, {
      prefix: p.ip,
      plen: 32,
      nhId,
      label: -1,
      stitchedMac: { mac: p.mac, index: bridgeIndex(vrf.id, p.mac) },
      peer: 'LocalVmPort',
      kind: 'pod',
      vmiUuid: p.vmiUuid,
      fipUuid: null,
    });
    return vif;
  }

  /** Unplugs a local interface; ECMP groups must have dropped it first. */
  detachLocal(vmiUuid: string): void {
    const vif = this.vifByVmi.get(vmiUuid);
    if (!vif) return;
    this.vifByVmi.delete(vmiUuid);
    this.vifs.delete(vif.index);
    this.vifIndexes.release(vif.index);
    this.labels.release(vif.label);
    this.deleteNh(vif.nhId);
    const vrf = this.vrfById[vif.vrfId]!;
    const route = vrf.routes.get(vif.placement.ip);
    if (route?.vmiUuid === vmiUuid) vrf.routes.delete(vif.placement.ip);
  }

  /** The /32 of a pod on another compute: tunnel NH with that pod's label. */
  setRemotePod(p: PodPlacement, computeIp: number, label: number): void {
    const vrf = this.ensureVrf(p.vrfName, p.vnName);
    this.addPodVrf(vrf);
    vrf.routes.set(p.ip, {
      prefix: p.ip,
      plen: 32,
      nhId: this.tunnelNh(computeIp),
      label,
      stitchedMac: null,
      peer: computeIp === this.ip ? 'LocalVmPort' : formatIpv4(computeIp),
      kind: 'pod',
      vmiUuid: p.vmiUuid,
      fipUuid: null,
    });
  }

  removeRemotePod(p: PodPlacement): void {
    const vrf = this.vrfs.get(p.vrfName);
    const route = vrf?.routes.get(p.ip);
    if (route?.vmiUuid === p.vmiUuid) vrf!.routes.delete(p.ip);
  }

  private addPodVrf(vrf: Vrf): void {
    if (this.podVrfs.has(vrf.name)) return;
    this.podVrfs.add(vrf.name);
    // A new pod VRF receives every ClusterIP VIP already known (the pod ↔ service policy).
    for (const state of this.ecmp.values()) if (state.fip.isClusterVip) this.installVipRoute(state, vrf);
  }

  // ---- floating IPs and ECMP ----------------------------------------------------------------

  /**
   * Applies a floating IP's current members: removed members leave holes, new ones fill holes
   * or append, then the VIP routes (and composites) of every VRF it lives in follow.
   */
  applyFip(fip: FipConfig): void {
    let state = this.ecmp.get(fip.uuid);
    if (!state) {
      state = { group: new EcmpGroup(fip.hashing), fip, compositeByVrf: new Map() };
      this.ecmp.set(fip.uuid, state);
    } else if (state.fip.vrfName !== fip.vrfName || state.fip.ip !== fip.ip) {
      this.removeFip(fip.uuid);
      this.applyFip(fip);
      return;
    }
    state.fip = fip;
    state.group.hashing = fip.hashing;
    const placed = fip.memberVmis.filter((vmi) => this.member(vmi) !== undefined);
    const wanted = new Set(placed);
    for (const key of state.group.slots) if (key !== null && !wanted.has(key)) state.group.remove(key);
    for (const key of placed) state.group.add(key);
    state.group.compactIfSingle();
    this.refreshGroup(state);
    for (const vrf of this.vipVrfs(fip)) this.installVipRoute(state, vrf);
  }

  /** Re-resolves members after a placement moved (labels, local/remote) without changing slots. */
  refreshFip(fipUuid: string): void {
    const state = this.ecmp.get(fipUuid);
    if (state) this.applyFip(state.fip);
  }

  removeFip(fipUuid: string): void {
    const state = this.ecmp.get(fipUuid);
    if (!state) return;
    for (const vrf of this.vipVrfs(state.fip)) {
      const route = vrf.routes.get(state.fip.ip);
      if (route?.fipUuid === fipUuid) vrf.routes.delete(state.fip.ip);
    }
    for (const nhId of state.compositeByVrf.values()) this.deleteNh(nhId);
    this.ecmp.delete(fipUuid);
  }

  private refreshGroup(state: EcmpState): void {
    state.group.refresh(
      (key) => this.member(key)?.placement.memberId ?? -1,
      (key) => this.member(key)?.placement.node === this.name,
    );
  }

  private vipVrfs(fip: FipConfig): Vrf[] {
    const vrfs = [this.ensureVrf(fip.vrfName, fip.vnName)];
    if (fip.isClusterVip)
      for (const name of this.podVrfs) if (name !== fip.vrfName) vrfs.push(this.vrfs.get(name)!);
    return vrfs;
  }

  private installVipRoute(state: EcmpState, vrf: Vrf): void {
    const { group, fip } = state;
    const active = group.activeCount;
    const existingComposite = state.compositeByVrf.get(vrf.id);
    if (active < 2 && existingComposite !== undefined) {
      this.deleteNh(existingComposite);
      state.compositeByVrf.delete(vrf.id);
    }
    if (active === 0) {
      const route = vrf.routes.get(fip.ip);
      if (route?.fipUuid === fip.uuid) vrf.routes.delete(fip.ip);
      return;
    }
    if (active === 1) {
      const component = this.componentsOf(state)[0]!;
      vrf.routes.set(fip.ip, {
        prefix: fip.ip,
        plen: 32,
        nhId: component.nhId,
        label: component.local ? -1 : component.label,
        stitchedMac: null,
        peer: component.local ? 'LocalVmPort' : formatIpv4(this.member(component.vmiUuid!)!.computeIp),
        kind: 'vip',
        vmiUuid: component.vmiUuid,
        fipUuid: fip.uuid,
      });
      return;
    }
    let nhId = existingComposite;
    if (nhId === undefined) {
      nhId = this.allocateNh();
      this.nexthops.set(nhId, { id: nhId, type: 'composite', vrfId: vrf.id, fipUuid: fip.uuid });
      state.compositeByVrf.set(vrf.id, nhId);
    }
    // The ECMP VIP route carries no label: per-member labels live in the composite.
    vrf.routes.set(fip.ip, {
      prefix: fip.ip,
      plen: 32,
      nhId,
      label: -1,
      stitchedMac: null,
      peer: 'Ecmp',
      kind: 'vip',
      vmiUuid: null,
      fipUuid: fip.uuid,
    });
  }

  /** The composite's components in slot order: local interface NHs, tunnel NHs, holes. */
  componentsOf(state: EcmpState): Component[] {
    return state.group.slots.map((key, slot): Component => {
      if (key === null) return { slot, nhId: -1, label: -1, vmiUuid: null, local: false };
      const local = this.vifByVmi.get(key);
      if (local) return { slot, nhId: local.nhId, label: local.label, vmiUuid: key, local: true };
      const info = this.member(key);
      if (!info) return { slot, nhId: -1, label: -1, vmiUuid: null, local: false };
      return { slot, nhId: this.tunnelNh(info.computeIp), label: info.label, vmiUuid: key, local: false };
    });
  }

  /** The route for a /32 in a VRF, or undefined. */
  lookupRoute(vrfId: number, ip: number): Route | undefined {
    return this.vrfById[vrfId]?.routes.get(ip);
  }

  /** The ECMP state a composite NH belongs to. */
  ecmpOfNh(nhId: number): EcmpState | undefined {
    const nh = this.nexthops.get(nhId);
    return nh?.type === 'composite' ? this.ecmp.get(nh.fipUuid) : undefined;
  }

  /** References to a next hop from routes and composites (what `Ref_cnt` shows). */
  refCount(nhId: number): number {
    let n = 1;
    for (const vrf of this.vrfById) for (const r of vrf.routes.values()) if (r.nhId === nhId) n++;
    for (const state of this.ecmp.values())
      if (state.compositeByVrf.size > 0)
        for (const c of this.componentsOf(state)) if (c.nhId === nhId) n += state.compositeByVrf.size;
    return n;
  }
}

/** `tap` + the first 11 characters of `eth0-<pod uuid>` (the CNI's host interface name). */
export function tapName(podUuid: string): string {
  return `tap${`eth0-${podUuid}`.slice(0, 11)}`;
}

/** A stable stand-in for the kernel's bridge-table index of (vrf, mac). */
function bridgeIndex(vrfId: number, mac: string): number {
  let h = 0x811c9dc5 ^ vrfId;
  for (let i = 0; i < mac.length; i++) h = Math.imul(h ^ mac.charCodeAt(i), 0x01000193);
  return (h >>> 0) % BRIDGE_ENTRIES;
}
