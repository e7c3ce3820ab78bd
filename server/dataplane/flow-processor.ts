// Packet → flows: the agent's flow setup for a packet from a pod (or from the fabric), with ECMP
// member choice, floating-IP DNAT/port translation on the backend's compute, reverse flows,
// stickiness, port-map drops and TCP teardown. Works on the model; no store, no HTTP.

import type { TcpFlag } from '@model/dataplane/types.ts';
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
  FLOW_FLAG_SNAT,
  FLOW_FLAG_SPAT,
  TCP_ESTABLISHED,
  TCP_FIN,
  TCP_RST,
  TCP_SYN,
  type FlowTable,
} from './flow-table.ts';
import type { FipConfig, PodPlacement, Route, Vif } from './model.ts';
import type { VRouter } from './vrouter.ts';

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
  /**
   * Flow entries touched: the first `flowCount` (router, index) pairs, forward before reverse,
   * source compute first. The arrays only grow (entries past `flowCount` are stale), so the
   * packet path reuses them without allocating.
   */
  flowCount = 0;
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
    this.flowCount = 0;
    if (this.evictedSnapshots.length > 0) this.evictedSnapshots = [];
  }
}

export interface FlowSnapshot {
  node: string;
  index: number;
  reverseIndex: number;
}

/**
 * Where a flow goes from one source compute: the route's member, resolved once per dataplane
 * generation and shared by every flow with the same route, member and (protocol, port).
 */
interface Destination {
  readonly id: number;
  readonly route: Route;
  readonly member: PodPlacement;
  /** `member.memberId`, kept here so the packet path does not visit the placement. */
  readonly memberId: number;
  readonly memberVif: Vif | undefined;
  readonly memberRouter: VRouter;
  readonly fip: FipConfig | null;
  readonly ecmpNh: number;
  readonly slot: number;
  readonly slots: number;
  /** (protocol << 16 | destination port) of the flows this applies to. */
  readonly portKey: number;
  /** The port map's target port; −1 when port maps are on and this port has none. */
  readonly targetPort: number;
  /** The key NH of this traffic on the member's compute (its tunnel from the source), once known. */
  backendKeyNh: number;
}

/** A pod interface as the packet path needs it, resolved once per generation. */
interface Source {
  readonly placement: PodPlacement;
  readonly router: VRouter;
  readonly vif: Vif;
}

/**
 * Decisions valid for one dataplane generation. A forward flow stores (generation, destination
 * id) in its entry; while the generation is unchanged its packets skip the route, composite and
 * member checks. Shared by every processor of a dataplane, since they share the flow tables.
 */
class DecisionCache {
  generation = -1;
  readonly destinations: Destination[] = [];
  readonly byRoute = new Map<Route, Destination[]>();
  readonly sources = new Map<string, Source>();

  sync(generation: number): void {
    if (generation === this.generation) return;
    this.generation = generation;
    this.destinations.length = 0;
    this.byRoute.clear();
    this.sources.clear();
  }
}

const caches = new WeakMap<Dataplane, DecisionCache>();

const NO_DESTINATION: Destination | null = null;

function tcpBits(flag: TcpFlag): number {
  return flag === 'SYN' ? TCP_SYN : flag === 'ACK' ? TCP_ESTABLISHED : flag === 'FIN' ? TCP_FIN : TCP_RST;
}

export class FlowProcessor {
  private readonly cache: DecisionCache;

  constructor(private readonly dp: Dataplane) {
    let cache = caches.get(dp);
    if (!cache) caches.set(dp, (cache = new DecisionCache()));
    this.cache = cache;
  }

  private source(vmi: string): Source | undefined {
    let src = this.cache.sources.get(vmi);
    if (src) return src;
    const placement = this.dp.placements.get(vmi);
    const router = placement ? this.dp.routers.get(placement.node) : undefined;
    const vif = router?.vifByVmi.get(vmi);
    if (!placement || !router || !vif) return undefined;
    src = { placement, router, vif };
    this.cache.sources.set(vmi, src);
    return src;
  }

  /** A packet from a local pod interface, as the source compute's vRouter sees it. */
  sendFromPod(srcVmi: string, pkt: Packet, out: PacketResult = new PacketResult()): PacketResult {
    out.reset();
    const cache = this.cache;
    cache.sync(this.dp.generation);
    const source = this.source(srcVmi);
    if (!source) throw new RangeError(`interface ${srcVmi} is not plugged into any vRouter`);
    const { placement: src, router, vif } = source;
    out.sourceNode = router.name;
    const now = this.dp.clock.now();
    const table = router.flows;
    table.expire(now);
    const bytes = pkt.bytes ?? 64;
    const sip = src.ip;

    let fwd = table.lookup(vif.nhId, sip, pkt.dip, pkt.proto, pkt.sport, pkt.dport);
    if (fwd >= 0 && table.cacheGenOf(fwd) === cache.generation) {
      // Established flow whose decision still holds: no route, composite or member checks.
      const dest = cache.destinations[table.cacheRefOf(fwd)]!;
      this.fillDestination(out, dest);
      out.reused = true;
      table.touch(fwd, bytes, now);
      this.record(out, router, fwd);
      const rev = table.reverseOf(fwd);
      if (rev >= 0) this.record(out, router, rev, true);
      if (dest.memberRouter !== router)
        this.passBackend(out, router, src, dest, pkt, dest.targetPort, now, bytes);
      return this.applyTcp(out, pkt);
    }
    if (fwd >= 0 && table.actionOf(fwd) === FLOW_ACTION_DROP) {
      table.touch(fwd, bytes, now);
      out.reused = true;
      out.dropReason = table.dropReasonOf(fwd);
      this.record(out, router, fwd);
      return out;
    }
    const affinity = fwd >= 0 ? table.ecmpIndexOf(fwd) : -1;
    const expectedMember = fwd >= 0 ? table.memberIdOf(fwd) : -1;
    const dest = this.resolve(router, vif.vrfId, sip, pkt, out.hash, affinity, expectedMember, false);
    if (!dest) {
      if (fwd >= 0) table.removePair(fwd);
      fwd = this.shortFlow(table, vif.nhId, sip, pkt, vif.vrfId, vif.nhId, DROP_NO_DST_ROUTE, now, bytes);
      out.dropReason = fwd >= 0 ? DROP_NO_DST_ROUTE : DROP_FLOW_LIMIT;
      if (fwd >= 0) this.record(out, router, fwd);
      return out;
    }
    this.fillDestination(out, dest);
    const targetPort = dest.targetPort;

    if (fwd >= 0 && table.memberIdOf(fwd) === dest.memberId) {
      // Existing flow, member still active: count the packet where it passes.
      out.reused = true;
      if (table.ecmpIndexOf(fwd) !== dest.slot) {
        table.setEcmpIndex(fwd, dest.slot);
        table.counters.changed++;
      }
      table.setCache(fwd, cache.generation, dest.id);
      table.touch(fwd, bytes, now);
      this.record(out, router, fwd);
      const rev = table.reverseOf(fwd);
      if (rev >= 0) this.record(out, router, rev, true);
      if (dest.memberRouter !== router) this.passBackend(out, router, src, dest, pkt, targetPort, now, bytes);
      return this.applyTcp(out, pkt);
    }
    if (fwd >= 0) {
      // Its member went away: the flow is re-set up toward a new one.
      table.removePair(fwd);
      table.counters.changed++;
    }
    // A local member gets the NAT pair (or the port-map drop) right here, keyed on the pod's vif.
    const created =
      dest.memberRouter === router
        ? this.setupNat(
            out,
            router,
            vif.nhId,
            sip,
            dest,
            pkt,
            targetPort,
            dest.slot,
            now,
            bytes,
            vif.vrfId,
            (vif.index << 24) >>> 0,
          )
        : this.setupRemote(out, router, vif, src, dest, pkt, targetPort, now, bytes);
    if (created >= 0) table.setCache(created, cache.generation, dest.id);
    return this.applyTcp(out, pkt);
  }

  private fillDestination(out: PacketResult, dest: Destination): void {
    out.ecmpNh = dest.ecmpNh;
    out.slot = dest.slot;
    out.slots = dest.slots;
    out.member = dest.member;
    out.memberPort = dest.targetPort < 0 ? dest.portKey & 0xffff : dest.targetPort;
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
    this.cache.sync(this.dp.generation);
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
    const affinity = fwd >= 0 ? table.ecmpIndexOf(fwd) : -1;
    const expected = fwd >= 0 ? table.memberIdOf(fwd) : -1;
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
    this.fillDestination(out, dest);
    if (fwd >= 0 && table.memberIdOf(fwd) === dest.memberId) {
      out.reused = true;
      table.touch(fwd, bytes, now);
      this.record(out, router, fwd);
      const rev = table.reverseOf(fwd);
      if (rev >= 0) this.record(out, router, rev, true);
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
      dest.targetPort,
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
    if (route.kind === 'pod') return this.destination(route, route.vmiUuid!, null, -1, -1, 0, pkt);
    const state = router.ecmp.get(route.fipUuid!);
    if (!state) return null;
    const nh = router.nexthops.get(route.nhId);
    if (nh?.type !== 'composite') return this.destination(route, route.vmiUuid!, state.fip, -1, -1, 0, pkt);
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
    // The hash is only needed for a new choice: existing flows skip it.
    if (slot < 0)
      slot = group.pick(
        hashFlow(router.ip, sip, pkt.dip, pkt.proto, pkt.sport, pkt.dport, hash),
        -1,
        fromFabric,
      );
    if (slot < 0) return null;
    return this.destination(route, group.slots[slot]!, state.fip, route.nhId, slot, group.slots.length, pkt);
  }

  /** The interned destination for (route, member slot, protocol and port) in this generation. */
  private destination(
    route: Route,
    vmi: string,
    fip: FipConfig | null,
    ecmpNh: number,
    slot: number,
    slots: number,
    pkt: Packet,
  ): Destination | null {
    const cache = this.cache;
    const portKey = ((pkt.proto << 16) | pkt.dport) >>> 0;
    let known = cache.byRoute.get(route);
    if (known)
      for (const d of known)
        if (d.slot === slot && d.portKey === portKey && d.member.vmiUuid === vmi) return d;
    const member = this.dp.placements.get(vmi);
    const memberRouter = member ? this.dp.routers.get(member.node) : undefined;
    if (!member || !memberRouter) return null;
    const dest: Destination = {
      id: cache.destinations.length,
      route,
      member,
      memberId: member.memberId,
      memberVif: memberRouter.vifByVmi.get(vmi),
      memberRouter,
      fip,
      ecmpNh,
      slot,
      slots,
      portKey,
      targetPort: targetPortOf(fip, pkt),
      backendKeyNh: -1,
    };
    cache.destinations.push(dest);
    if (!known) cache.byRoute.set(route, (known = []));
    known.push(dest);
    return dest;
  }

  /**
   * Forward + reverse flows on the compute that hosts the member (NAT when it is a VIP). Returns
   * the forward entry, −1 when the flow was dropped or refused.
   */
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
  ): number {
    const table = router.flows;
    const memberVif = dest.memberVif!;
    if (dest.fip && targetPort < 0) {
      const fwd = this.shortFlow(table, keyNh, sip, pkt, vrfId, keyNh, DROP_PORT_MAP, now, bytes);
      out.dropReason = fwd >= 0 ? DROP_PORT_MAP : DROP_FLOW_LIMIT;
      if (fwd >= 0) this.record(out, router, fwd);
      return -1;
    }
    const port = targetPort < 0 ? pkt.dport : targetPort;
    const fwd = this.freshPair(out, table, keyNh, sip, pkt, memberVif.nhId, dest.member.ip, port, now);
    if (fwd < 0) return -1;
    const rev = table.reverseOf(fwd);
    const nat = dest.fip !== null;
    const portNat = port !== pkt.dport;
    table.configure(
      fwd,
      nat ? FLOW_ACTION_NAT : FLOW_ACTION_FORWARD,
      nat ? FLOW_FLAG_DNAT | (portNat ? FLOW_FLAG_DPAT : 0) : 0,
      DROP_NONE,
      slot,
      dest.memberId,
      vrfId,
      memberVif.vrfId,
      keyNh,
      srcInfo,
    );
    table.configure(
      rev,
      nat ? FLOW_ACTION_NAT : FLOW_ACTION_FORWARD,
      nat ? FLOW_FLAG_SNAT | (portNat ? FLOW_FLAG_SPAT : 0) : 0,
      DROP_NONE,
      -1,
      -1,
      memberVif.vrfId,
      vrfId,
      memberVif.nhId,
      (memberVif.index << 24) >>> 0,
    );
    this.countPair(out, router, fwd, rev, now, bytes);
    return fwd;
  }

  /**
   * Source compute: plain forward toward the tunnel (E:<slot>); backend compute: the NAT pair.
   * Returns the source compute's forward entry, −1 when refused.
   */
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
  ): number {
    const table = router.flows;
    const tunnel = router.tunnelNh(dest.memberRouter.ip);
    // The reply comes back already translated by the backend's compute: VIP:port → client.
    const fwd = this.freshPair(out, table, vif.nhId, src.ip, pkt, tunnel, pkt.dip, pkt.dport, now);
    if (fwd < 0) return -1;
    const rev = table.reverseOf(fwd);
    table.configure(
      fwd,
      FLOW_ACTION_FORWARD,
      0,
      DROP_NONE,
      dest.slot,
      dest.memberId,
      vif.vrfId,
      vif.vrfId,
      vif.nhId,
      (vif.index << 24) >>> 0,
    );
    table.configure(
      rev,
      FLOW_ACTION_FORWARD,
      0,
      DROP_NONE,
      -1,
      -1,
      vif.vrfId,
      vif.vrfId,
      tunnel,
      dest.memberRouter.ip,
    );
    this.countPair(out, router, fwd, rev, now, bytes);
    this.passBackend(out, router, src, dest, pkt, targetPort, now, bytes);
    return fwd;
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
    // Allocated lazily, as before: the tunnel NH appears on the backend with its first flow.
    if (dest.backendKeyNh < 0) dest.backendKeyNh = backend.tunnelNh(source.ip);
    const keyNh = dest.backendKeyNh;
    const fwd = table.lookup(keyNh, src.ip, pkt.dip, pkt.proto, pkt.sport, pkt.dport);
    if (fwd >= 0) {
      const action = table.actionOf(fwd);
      if (table.memberIdOf(fwd) === dest.memberId || action === FLOW_ACTION_DROP) {
        table.touch(fwd, bytes, now);
        if (action === FLOW_ACTION_DROP) out.dropReason = table.dropReasonOf(fwd);
        this.record(out, backend, fwd);
        const rev = table.reverseOf(fwd);
        if (rev >= 0) this.record(out, backend, rev, true);
        return;
      }
      table.removePair(fwd);
    }
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
    table.configure(index, FLOW_ACTION_DROP, 0, reason, -1, -1, vrfId, vrfId, rpfNh, 0);
    table.touch(index, bytes, now);
    return index;
  }

  /**
   * A linked forward/reverse pair: forward keyed (keyNh, sip → pkt.dip, pkt.sport → pkt.dport),
   * reverse keyed (reverseNh, reverseSip → sip, reverseSport → pkt.sport). Returns the forward
   * entry (its reverse is `reverseOf`), or −1 with a flow-limit drop and nothing left behind.
   */
  private freshPair(
    out: PacketResult,
    table: FlowTable,
    keyNh: number,
    sip: number,
    pkt: Packet,
    reverseNh: number,
    reverseSip: number,
    reverseSport: number,
    now: number,
  ): number {
    const fwd = this.freshEntry(table, keyNh, sip, pkt.dip, pkt.proto, pkt.sport, pkt.dport, now);
    if (fwd < 0) {
      out.dropReason = DROP_FLOW_LIMIT;
      return -1;
    }
    const rev = this.freshEntry(table, reverseNh, reverseSip, sip, pkt.proto, reverseSport, pkt.sport, now);
    if (rev < 0) {
      table.remove(fwd);
      out.dropReason = DROP_FLOW_LIMIT;
      return -1;
    }
    table.link(fwd, rev);
    return fwd;
  }

  /** Counts the packet on a new pair's forward entry and records both, forward first. */
  private countPair(
    out: PacketResult,
    router: VRouter,
    fwd: number,
    rev: number,
    now: number,
    bytes: number,
  ): void {
    router.flows.touch(fwd, bytes, now);
    this.record(out, router, fwd);
    this.record(out, router, rev, true);
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
    const n = out.flowCount++;
    out.flowRouters[n] = router;
    out.flowIndexes[n] = index;
    out.flowIsReverse[n] = isReverse;
  }

  /** TCP state on the forward flows; FIN or RST evicts every flow of the connection. */
  private applyTcp(out: PacketResult, pkt: Packet): PacketResult {
    if (pkt.proto !== 6) return out;
    const flag = pkt.tcpFlag ?? 'SYN';
    const bits = tcpBits(flag);
    const count = out.flowCount;
    // A linked reverse entry only ever gets TCP bits together with its forward entry (every
    // packet records both), so when the forward already had them the reverse has them too and
    // is not read: an established connection's packet touches only its forward entries.
    let skipReverseOf = -1;
    for (let i = 0; i < count; i++) {
      const table = out.flowRouters[i]!.flows;
      const index = out.flowIndexes[i]!;
      if (out.flowIsReverse[i]) {
        if (index === skipReverseOf) continue;
      } else {
        skipReverseOf = table.isActive(index) && table.hasTcpFlags(index, bits) ? table.reverseOf(index) : -1;
      }
      if (table.isActive(index)) table.addTcpFlags(index, bits);
    }
    if (flag !== 'FIN' && flag !== 'RST') return out;
    const snapshots: FlowSnapshot[] = [];
    for (let i = 0; i < count; i++) {
      const index = out.flowIndexes[i]!;
      const router = out.flowRouters[i]!;
      snapshots.push({ node: router.name, index, reverseIndex: router.flows.reverseOf(index) });
    }
    out.evictedSnapshots = snapshots;
    for (let i = 0; i < count; i++) {
      const table = out.flowRouters[i]!.flows;
      const index = out.flowIndexes[i]!;
      if (!table.isActive(index)) continue;
      table.remove(index);
      table.counters.evicted++;
    }
    return out;
  }
}

/** The port map's target port; −1 when port maps are on and this port has none; dport when off. */
function targetPortOf(fip: FipConfig | null, pkt: Packet): number {
  if (!fip || !fip.portMapEnabled) return pkt.dport;
  return fip.portMapIndex.get((pkt.proto << 16) | pkt.dport) ?? -1;
}
