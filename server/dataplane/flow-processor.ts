// Packet → flows: the agent's flow setup for a packet from a pod (or from the fabric), with ECMP
// member choice, floating-IP DNAT/port translation on the backend's compute, reverse flows,
// stickiness, port-map drops and TCP teardown. Works on the model; no store, no HTTP.

import { hashFlow, type Hash64 } from './agent-hash.ts';
import type { Dataplane } from './dataplane.ts';
import {
  DROP_FLOW_LIMIT,
  DROP_NO_DST_ROUTE,
  DROP_NONE,
  DROP_PORT_MAP,
  FLOW_ACTION_DROP,
  FLOW_ACTION_FORWARD,
  FLOW_ACTION_NAT,
  FLOW_FLAG_DNAT,
  FLOW_FLAG_DPAT,
  FLOW_FLAG_MODIFIED,
  FLOW_FLAG_SNAT,
  FLOW_FLAG_SPAT,
  TCP_ESTABLISHED,
  TCP_FIN,
  TCP_RST,
  TCP_SYN,
  type FlowTable,
} from './flow-table.ts';
import type { FipConfig, PodPlacement, Vif } from './model.ts';
import type { VRouter } from './vrouter.ts';

export type TcpFlag = 'SYN' | 'ACK' | 'FIN' | 'RST';

/** The agent's short-flow reasons for the drops we model (trace `dropReason`). */
export const SHORT_FLOW_REASON: Readonly<Record<number, string>> = {
  [DROP_NO_DST_ROUTE]: 'SHORT_NO_DST_ROUTE',
  [DROP_PORT_MAP]: 'SHORT_PORT_MAP_DROP',
  [DROP_FLOW_LIMIT]: 'SHORT_FLOW_LIMIT',
};

export interface Packet {
  proto: number;
  sport: number;
  dport: number;
  dip: number;
  bytes?: number;
  tcpFlag?: TcpFlag;
}

/** Where one packet went. Reused between calls on the fast path. */
export class PacketResult {
  dropReason = DROP_NONE;
  sourceNode = '';
  /** Composite NH id on the source compute, −1 when the route was not ECMP. */
  ecmpNh = -1;
  slot = -1;
  slots = 0;
  /** The agent hash of the flow, set when a member was chosen for it (not on reuse). */
  readonly hash: Hash64 = { hi: 0, lo: 0 };
  member: PodPlacement | null = null;
  memberPort = 0;
  /** True when the forward flow already existed. */
  reused = false;
  /** Flow entries touched: (router, index) pairs, forward before reverse, source compute first. */
  readonly flowRouters: VRouter[] = [];
  readonly flowIndexes: number[] = [];
  readonly flowIsReverse: boolean[] = [];
  /** Snapshots taken before a FIN/RST evicted the flows (trace only). */
  evictedSnapshots: FlowSnapshot[] = [];

  reset(): void {
    this.dropReason = DROP_NONE;
    this.ecmpNh = -1;
    this.slot = -1;
    this.slots = 0;
    this.member = null;
    this.memberPort = 0;
    this.reused = false;
    this.flowRouters.length = 0;
    this.flowIndexes.length = 0;
    this.flowIsReverse.length = 0;
    this.evictedSnapshots = [];
  }
}

export interface FlowSnapshot {
  node: string;
  index: number;
  reverseIndex: number;
}

interface Destination {
  member: PodPlacement;
  memberVif: Vif | undefined;
  memberRouter: VRouter;
  fip: FipConfig | null;
  ecmpNh: number;
  slot: number;
  slots: number;
}

const NO_DESTINATION: Destination | null = null;

export class FlowProcessor {
  constructor(private readonly dp: Dataplane) {}

  /** A packet from a local pod interface, as the source compute's vRouter sees it. */
  sendFromPod(srcVmi: string, pkt: Packet, out: PacketResult = new PacketResult()): PacketResult {
    out.reset();
    const src = this.dp.placements.get(srcVmi);
    const router = src ? this.dp.routers.get(src.node) : undefined;
    const vif = router?.vifByVmi.get(srcVmi);
    if (!src || !router || !vif) throw new RangeError(`interface ${srcVmi} is not plugged into any vRouter`);
    out.sourceNode = router.name;
    const now = this.dp.clock.now();
    const table = router.flows;
    table.expire(now);
    const bytes = pkt.bytes ?? 64;
    const sip = src.ip;

    let fwd = table.lookup(vif.nhId, sip, pkt.dip, pkt.proto, pkt.sport, pkt.dport);
    if (fwd >= 0 && table.action[fwd] === FLOW_ACTION_DROP) {
      table.touch(fwd, bytes, now);
      out.reused = true;
      out.dropReason = table.dropReason[fwd]!;
      this.record(out, router, fwd);
      return out;
    }
    const affinity = fwd >= 0 ? table.ecmpIndex[fwd]! : -1;
    const expectedMember = fwd >= 0 ? table.memberId[fwd]! : -1;
    const dest = this.resolve(router, vif.vrfId, sip, pkt, out.hash, affinity, expectedMember, false);
    if (!dest) {
      if (fwd >= 0) table.removePair(fwd);
      fwd = this.shortFlow(table, vif.nhId, sip, pkt, vif.vrfId, vif.nhId, DROP_NO_DST_ROUTE, now, bytes);
      out.dropReason = fwd >= 0 ? DROP_NO_DST_ROUTE : DROP_FLOW_LIMIT;
      if (fwd >= 0) this.record(out, router, fwd);
      return out;
    }
    out.ecmpNh = dest.ecmpNh;
    out.slot = dest.slot;
    out.slots = dest.slots;
    out.member = dest.member;
    const targetPort = this.targetPort(dest.fip, pkt);
    out.memberPort = targetPort < 0 ? pkt.dport : targetPort;

    if (fwd >= 0 && table.memberId[fwd] === dest.member.memberId) {
      // Existing flow, member still active: count the packet where it passes.
      out.reused = true;
      if (table.ecmpIndex[fwd] !== dest.slot) {
        table.ecmpIndex[fwd] = dest.slot;
        table.flags[fwd] = table.flags[fwd]! | FLOW_FLAG_MODIFIED;
        table.counters.changed++;
      }
      table.touch(fwd, bytes, now);
      this.record(out, router, fwd);
      if (table.rflow[fwd]! >= 0) this.record(out, router, table.rflow[fwd]!, true);
      if (dest.memberRouter !== router) this.passBackend(out, router, src, dest, pkt, targetPort, now, bytes);
      return this.applyTcp(out, pkt);
    }
    if (fwd >= 0) {
      // Its member went away: the flow is re-set up toward a new one.
      table.removePair(fwd);
      table.counters.changed++;
    }
    if (dest.memberRouter === router)
      this.setupLocal(out, router, vif, src, dest, pkt, targetPort, now, bytes);
    else this.setupRemote(out, router, vif, src, dest, pkt, targetPort, now, bytes);
    return this.applyTcp(out, pkt);
  }

  /**
   * A packet for a VIP arriving at `node` from the fabric (e.g. from the gateway for an external
   * IP): only members local to that compute are eligible.
   */
  sendFromFabric(
    node: string,
    sip: number,
    pkt: Packet,
    out: PacketResult = new PacketResult(),
  ): PacketResult {
    out.reset();
    const router = this.dp.routers.get(node);
    if (!router) throw new RangeError(`no vRouter on node ${node}`);
    out.sourceNode = node;
    const now = this.dp.clock.now();
    const table = router.flows;
    table.expire(now);
    const bytes = pkt.bytes ?? 64;
    const vrf = router.vrfById.find((v) => v.routes.get(pkt.dip)?.kind === 'vip');
    // Key NH of fabric traffic: vif0/0's receive path (NH 1) stands in for the gateway tunnel.
    const keyNh = 1;
    let fwd = table.lookup(keyNh, sip, pkt.dip, pkt.proto, pkt.sport, pkt.dport);
    const affinity = fwd >= 0 ? table.ecmpIndex[fwd]! : -1;
    const expected = fwd >= 0 ? table.memberId[fwd]! : -1;
    const dest = vrf
      ? this.resolve(router, vrf.id, sip, pkt, out.hash, affinity, expected, true)
      : NO_DESTINATION;
    if (!dest || dest.memberRouter !== router) {
      if (fwd >= 0) table.removePair(fwd);
      fwd = this.shortFlow(table, keyNh, sip, pkt, vrf?.id ?? 0, keyNh, DROP_NO_DST_ROUTE, now, bytes);
      out.dropReason = DROP_NO_DST_ROUTE;
      if (fwd >= 0) this.record(out, router, fwd);
      return out;
    }
    out.ecmpNh = dest.ecmpNh;
    out.slot = dest.slot;
    out.slots = dest.slots;
    out.member = dest.member;
    const targetPort = this.targetPort(dest.fip, pkt);
    out.memberPort = targetPort < 0 ? pkt.dport : targetPort;
    if (fwd >= 0 && table.memberId[fwd] === dest.member.memberId) {
      out.reused = true;
      table.touch(fwd, bytes, now);
      this.record(out, router, fwd);
      if (table.rflow[fwd]! >= 0) this.record(out, router, table.rflow[fwd]!, true);
      return this.applyTcp(out, pkt);
    }
    if (fwd >= 0) table.removePair(fwd);
    this.setupNat(
      out,
      router,
      keyNh,
      sip,
      dest,
      pkt,
      targetPort,
      dest.slot,
      now,
      bytes,
      dest.memberVif?.vrfId ?? 0,
      sip,
    );
    return this.applyTcp(out, pkt);
  }

  /** The destination of a packet in a VRF: a pod, or a VIP member chosen as the agent does. */
  private resolve(
    router: VRouter,
    vrfId: number,
    sip: number,
    pkt: Packet,
    hash: Hash64,
    affinity: number,
    expectedMember: number,
    fromFabric: boolean,
  ): Destination | null {
    const route = router.lookupRoute(vrfId, pkt.dip);
    if (!route) return null;
    if (route.kind === 'pod') return this.destination(route.vmiUuid!, null, -1, -1, 0);
    const state = router.ecmp.get(route.fipUuid!);
    if (!state) return null;
    const nh = router.nexthops.get(route.nhId);
    if (nh?.type !== 'composite') return this.destination(route.vmiUuid!, state.fip, -1, -1, 0);
    const group = state.group;
    let slot = -1;
    if (expectedMember >= 0) {
      // Stickiness: keep the flow's member while it is still in the composite.
      slot =
        affinity >= 0 && group.memberIds[affinity] === expectedMember
          ? affinity
          : group.memberIds.indexOf(expectedMember);
      if (slot >= 0 && fromFabric && !group.isLocal[slot]) slot = -1;
    }
    // The hash is only needed for a new choice: existing flows skip it on the fast path.
    if (slot < 0)
      slot = group.pick(
        hashFlow(router.ip, sip, pkt.dip, pkt.proto, pkt.sport, pkt.dport, hash),
        -1,
        fromFabric,
      );
    if (slot < 0) return null;
    return this.destination(group.slots[slot]!, state.fip, route.nhId, slot, group.slots.length);
  }

  private destination(
    vmi: string,
    fip: FipConfig | null,
    ecmpNh: number,
    slot: number,
    slots: number,
  ): Destination | null {
    const member = this.dp.placements.get(vmi);
    const memberRouter = member ? this.dp.routers.get(member.node) : undefined;
    if (!member || !memberRouter) return null;
    return { member, memberVif: memberRouter.vifByVmi.get(vmi), memberRouter, fip, ecmpNh, slot, slots };
  }

  /** The port map's target port; −1 when port maps are on and this port has none; dport when off. */
  private targetPort(fip: FipConfig | null, pkt: Packet): number {
    if (!fip || !fip.portMapEnabled) return pkt.dport;
    return fip.portMapIndex.get((pkt.proto << 16) | pkt.dport) ?? -1;
  }

  private setupLocal(
    out: PacketResult,
    router: VRouter,
    vif: Vif,
    src: PodPlacement,
    dest: Destination,
    pkt: Packet,
    targetPort: number,
    now: number,
    bytes: number,
  ): void {
    if (dest.fip && targetPort < 0) {
      const fwd = this.shortFlow(
        router.flows,
        vif.nhId,
        src.ip,
        pkt,
        vif.vrfId,
        vif.nhId,
        DROP_PORT_MAP,
        now,
        bytes,
      );
      out.dropReason = fwd >= 0 ? DROP_PORT_MAP : DROP_FLOW_LIMIT;
      if (fwd >= 0) this.record(out, router, fwd);
      return;
    }
    this.setupNat(
      out,
      router,
      vif.nhId,
      src.ip,
      dest,
      pkt,
      targetPort,
      dest.slot,
      now,
      bytes,
      vif.vrfId,
      (vif.index << 24) >>> 0,
    );
  }

  /** Forward + reverse flows on the compute that hosts the member (NAT when it is a VIP). */
  private setupNat(
    out: PacketResult,
    router: VRouter,
    keyNh: number,
    sip: number,
    dest: Destination,
    pkt: Packet,
    targetPort: number,
    slot: number,
    now: number,
    bytes: number,
    vrfId = dest.memberVif?.vrfId ?? 0,
    srcInfo = 0,
  ): void {
    const table = router.flows;
    const memberVif = dest.memberVif!;
    if (dest.fip && targetPort < 0) {
      const fwd = this.shortFlow(table, keyNh, sip, pkt, vrfId, keyNh, DROP_PORT_MAP, now, bytes);
      out.dropReason = fwd >= 0 ? DROP_PORT_MAP : DROP_FLOW_LIMIT;
      if (fwd >= 0) this.record(out, router, fwd);
      return;
    }
    const port = targetPort < 0 ? pkt.dport : targetPort;
    const fwd = this.freshEntry(table, keyNh, sip, pkt.dip, pkt.proto, pkt.sport, pkt.dport, now);
    if (fwd < 0) {
      out.dropReason = DROP_FLOW_LIMIT;
      return;
    }
    const rev = this.freshEntry(table, memberVif.nhId, dest.member.ip, sip, pkt.proto, port, pkt.sport, now);
    if (rev < 0) {
      table.remove(fwd);
      out.dropReason = DROP_FLOW_LIMIT;
      return;
    }
    table.link(fwd, rev);
    const nat = dest.fip !== null;
    table.action[fwd] = nat ? FLOW_ACTION_NAT : FLOW_ACTION_FORWARD;
    table.action[rev] = nat ? FLOW_ACTION_NAT : FLOW_ACTION_FORWARD;
    if (nat) {
      table.flags[fwd] = table.flags[fwd]! | FLOW_FLAG_DNAT | (port !== pkt.dport ? FLOW_FLAG_DPAT : 0);
      table.flags[rev] = table.flags[rev]! | FLOW_FLAG_SNAT | (port !== pkt.dport ? FLOW_FLAG_SPAT : 0);
    }
    table.ecmpIndex[fwd] = slot;
    table.memberId[fwd] = dest.member.memberId;
    table.vrf[fwd] = vrfId;
    table.dvrf[fwd] = memberVif.vrfId;
    table.srcNh[fwd] = keyNh;
    table.srcInfo[fwd] = srcInfo;
    table.srcInfo[rev] = (memberVif.index << 24) >>> 0;
    table.vrf[rev] = memberVif.vrfId;
    table.dvrf[rev] = vrfId;
    table.srcNh[rev] = memberVif.nhId;
    table.touch(fwd, bytes, now);
    this.record(out, router, fwd);
    this.record(out, router, rev, true);
  }

  /** Source compute: plain forward toward the tunnel (E:<slot>); backend compute: the NAT pair. */
  private setupRemote(
    out: PacketResult,
    router: VRouter,
    vif: Vif,
    src: PodPlacement,
    dest: Destination,
    pkt: Packet,
    targetPort: number,
    now: number,
    bytes: number,
  ): void {
    const table = router.flows;
    const tunnel = router.tunnelNh(dest.memberRouter.ip);
    const fwd = this.freshEntry(table, vif.nhId, src.ip, pkt.dip, pkt.proto, pkt.sport, pkt.dport, now);
    if (fwd < 0) {
      out.dropReason = DROP_FLOW_LIMIT;
      return;
    }
    // The reply comes back already translated by the backend's compute: VIP:port → client.
    const rev = this.freshEntry(table, tunnel, pkt.dip, src.ip, pkt.proto, pkt.dport, pkt.sport, now);
    if (rev < 0) {
      table.remove(fwd);
      out.dropReason = DROP_FLOW_LIMIT;
      return;
    }
    table.link(fwd, rev);
    table.action[fwd] = FLOW_ACTION_FORWARD;
    table.action[rev] = FLOW_ACTION_FORWARD;
    table.ecmpIndex[fwd] = dest.slot;
    table.memberId[fwd] = dest.member.memberId;
    table.vrf[fwd] = vif.vrfId;
    table.dvrf[fwd] = vif.vrfId;
    table.srcNh[fwd] = vif.nhId;
    table.srcInfo[fwd] = (vif.index << 24) >>> 0;
    table.vrf[rev] = vif.vrfId;
    table.dvrf[rev] = vif.vrfId;
    table.srcNh[rev] = tunnel;
    table.srcInfo[rev] = dest.memberRouter.ip;
    table.touch(fwd, bytes, now);
    this.record(out, router, fwd);
    this.record(out, router, rev, true);
    this.passBackend(out, router, src, dest, pkt, targetPort, now, bytes);
  }

  /** The packet arrives at the backend's compute over the tunnel, with the member's label. */
  private passBackend(
    out: PacketResult,
    source: VRouter,
    src: PodPlacement,
    dest: Destination,
    pkt: Packet,
    targetPort: number,
    now: number,
    bytes: number,
  ): void {
    const backend = dest.memberRouter;
    const table = backend.flows;
    table.expire(now);
    const keyNh = backend.tunnelNh(source.ip);
    const fwd = table.lookup(keyNh, src.ip, pkt.dip, pkt.proto, pkt.sport, pkt.dport);
    if (
      fwd >= 0 &&
      (table.memberId[fwd] === dest.member.memberId || table.action[fwd] === FLOW_ACTION_DROP)
    ) {
      table.touch(fwd, bytes, now);
      if (table.action[fwd] === FLOW_ACTION_DROP) out.dropReason = table.dropReason[fwd]!;
      this.record(out, backend, fwd);
      if (table.rflow[fwd]! >= 0) this.record(out, backend, table.rflow[fwd]!, true);
      return;
    }
    if (fwd >= 0) table.removePair(fwd);
    // Delivered by label to the member's interface: no second ECMP choice here.
    const vrfId = dest.memberVif?.vrfId ?? 0;
    this.setupNat(out, backend, keyNh, src.ip, dest, pkt, targetPort, -1, now, bytes, vrfId, source.ip);
  }

  private shortFlow(
    table: FlowTable,
    keyNh: number,
    sip: number,
    pkt: Packet,
    vrfId: number,
    rpfNh: number,
    reason: number,
    now: number,
    bytes: number,
  ): number {
    const index = this.freshEntry(table, keyNh, sip, pkt.dip, pkt.proto, pkt.sport, pkt.dport, now);
    if (index < 0) return index;
    table.action[index] = FLOW_ACTION_DROP;
    table.dropReason[index] = reason;
    table.vrf[index] = vrfId;
    table.dvrf[index] = vrfId;
    table.srcNh[index] = rpfNh;
    table.touch(index, bytes, now);
    return index;
  }

  /** A new entry for a key, replacing a stale one with the same key. */
  private freshEntry(
    table: FlowTable,
    nh: number,
    sip: number,
    dip: number,
    proto: number,
    sport: number,
    dport: number,
    now: number,
  ): number {
    const stale = table.lookup(nh, sip, dip, proto, sport, dport);
    if (stale >= 0) table.removePair(stale);
    return table.insert(nh, sip, dip, proto, sport, dport, now);
  }

  private record(out: PacketResult, router: VRouter, index: number, isReverse = false): void {
    out.flowRouters.push(router);
    out.flowIndexes.push(index);
    out.flowIsReverse.push(isReverse);
  }

  /** TCP state on the forward flows; FIN or RST evicts every flow of the connection. */
  private applyTcp(out: PacketResult, pkt: Packet): PacketResult {
    if (pkt.proto !== 6) return out;
    const flag = pkt.tcpFlag ?? 'SYN';
    for (let i = 0; i < out.flowIndexes.length; i++) {
      const table = out.flowRouters[i]!.flows;
      const index = out.flowIndexes[i]!;
      if (!table.isActive(index)) continue;
      const bits =
        flag === 'SYN' ? TCP_SYN : flag === 'ACK' ? TCP_ESTABLISHED : flag === 'FIN' ? TCP_FIN : TCP_RST;
      table.tcpFlags[index] = table.tcpFlags[index]! | bits;
    }
    if (flag !== 'FIN' && flag !== 'RST') return out;
    out.evictedSnapshots = out.flowIndexes.map((index, i) => ({
      node: out.flowRouters[i]!.name,
      index,
      reverseIndex: out.flowRouters[i]!.flows.rflow[index]!,
    }));
    for (let i = 0; i < out.flowIndexes.length; i++) {
      const table = out.flowRouters[i]!.flows;
      const index = out.flowIndexes[i]!;
      if (!table.isActive(index)) continue;
      table.remove(index);
      table.counters.evicted++;
    }
    return out;
  }
}
