// Packet → flows: the flow setup a packet from a pod (or from the fabric) gets on each compute it
// crosses, as the agent and kernel do it — route lookup in the kernel table, the ECMP member pick
// on the source compute (CompositeNH::PickMember over the controller composite), the second pick
// on the backend compute when the label names its local ECMP composite, floating-IP DNAT and
// port translation where the member lives, reverse flows, affinity, port-map drops and TCP state.
// Works on the model; no store, no HTTP.
//
// Sources: tf-controller src/vnsw/agent/pkt/pkt_flow_info.cc (PickEcmpMember, NhDecode,
// EgressProcess: a packet from the fabric with an MPLS label pointing at a composite picks again,
// `ingress == false`, over local components only), oper/nexthop.cc CompositeNH::PickMember,
// pkt/pkt_handler.cc PktInfo::hash (router id + the route's EcmpLoadBalance fields);
// tf-vrouter dp-core/vr_flow.c vr_flow_tcp_digest (SYN sets S on the flow, Sr on its reverse).

import type { TcpFlag } from '@model/dataplane/types.ts';
import { hashFlow, hashMod, pickSeed, type Hash64 } from '@model/dataplane/agent-hash.ts';
import { buildMaglevTable, maglevTableSize } from '@model/dataplane/maglev.ts';
import { INVALID_COMPONENT, pickMember } from '@model/dataplane/pick-member.ts';
import { VRF_STAT_INDEX } from './counters.ts';
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
  TCP_ESTABLISHED_R,
  TCP_FIN,
  TCP_FIN_R,
  TCP_RST,
  TCP_SYN,
  TCP_SYN_R,
  srcInfoOfAddress,
  type FlowTable,
} from './flow-table.ts';
import type { NextHop } from './nexthops.ts';
import { routeKey, type FipConfig, type PodPlacement, type Vif, type VRouter } from './vrouter.ts';

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

const MAX_PICKS = 2;

/** Where one packet went. Reused between calls on the fast path. */
export class PacketResult {
  dropReason = DROP_NONE;
  sourceNode = '';
  /** ECMP picks in order (source compute, then the backend's local composite). */
  pickCount = 0;
  readonly pickRouters: VRouter[] = [];
  readonly pickNh: number[] = [];
  readonly pickSlot: number[] = [];
  readonly pickSlots: number[] = [];
  /** The hash fields and router id the pick hashed with (the trace recomputes the hash). */
  readonly pickFields: number[] = [];
  /** The flow's source address as the pick hashed it. */
  readonly pickSip: number[] = [];
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

  get ecmpNh(): number {
    return this.pickCount > 0 ? this.pickNh[0]! : -1;
  }

  get slot(): number {
    return this.pickCount > 0 ? this.pickSlot[0]! : -1;
  }

  get slots(): number {
    return this.pickCount > 0 ? this.pickSlots[0]! : 0;
  }

  reset(): void {
    this.dropReason = DROP_NONE;
    this.pickCount = 0;
    this.member = null;
    this.memberPort = 0;
    this.reused = false;
    this.flowCount = 0;
    if (this.evictedSnapshots.length > 0) this.evictedSnapshots = [];
  }

  addPick(router: VRouter, nh: number, slot: number, slots: number, fields: number, sip: number): void {
    if (this.pickCount >= MAX_PICKS) return;
    const n = this.pickCount++;
    this.pickRouters[n] = router;
    this.pickNh[n] = nh;
    this.pickSlot[n] = slot;
    this.pickSlots[n] = slots;
    this.pickFields[n] = fields;
    this.pickSip[n] = sip;
  }
}

export interface FlowSnapshot {
  node: string;
  index: number;
  reverseIndex: number;
}

/**
 * Where a packet goes from one compute, resolved once per dataplane generation and shared by
 * every flow with the same route, composite slot and (protocol, port): delivered to a local
 * member, sent over a tunnel with a label, or dropped.
 */
interface Decision {
  readonly id: number;
  readonly router: VRouter;
  readonly kind: 'local' | 'remote' | 'drop';
  readonly dropReason: number;
  /** Composite NH id when an ECMP pick was made, else −1. */
  readonly ecmpNh: number;
  readonly slot: number;
  readonly slots: number;
  readonly hashFields: number;
  /** Slot epoch (ECMP) or the member's placement id / tunnel NH id: the flow keeps it while equal. */
  readonly token: number;
  /** Local delivery: the member interface, its FIP (when DNAT applies) and target port. */
  readonly vif: Vif | null;
  readonly fip: FipConfig | null;
  readonly targetPort: number;
  /** Remote: the backend compute and the label the packet carries. */
  readonly backend: VRouter | null;
  readonly label: number;
  /** The tunnel NH on this compute toward `backend`. */
  readonly tunnelNh: number;
  /** The key NH of the flow on the backend: its tunnel NH back to this compute (1 when none). */
  readonly backendKeyNh: number;
  readonly portKey: number;
  /** The numbers the decision is found by (kind tag first), and the next one with the same hash. */
  readonly key: readonly number[];
  nextSameHash: Decision | null;
}

/** Decisions valid for one dataplane generation (shared by every processor of a dataplane). */
class DecisionCache {
  generation = -1;
  readonly decisions: Decision[] = [];
  /** Decisions by the hash of their key numbers (collisions chained through nextSameHash). */
  readonly byKey = new Map<number, Decision>();
  readonly sources = new Map<string, { placement: PodPlacement; router: VRouter; vif: Vif }>();
  readonly maglev = new Map<number, Int32Array>();

  sync(generation: number): void {
    if (generation === this.generation) return;
    this.generation = generation;
    this.decisions.length = 0;
    this.byKey.clear();
    this.sources.clear();
    this.maglev.clear();
  }
}

const caches = new WeakMap<Dataplane, DecisionCache>();

const STAT_ECMP_COMPOSITES = VRF_STAT_INDEX.ecmp_composites;
const STAT_DISCARDS = VRF_STAT_INDEX.discards;
const STAT_UDP_MPLS_TUNNELS = VRF_STAT_INDEX.udp_mpls_tunnels;
const STAT_ENCAPS = VRF_STAT_INDEX.encaps;

const TAG_DROP = 1;
const TAG_LOCAL = 2;
const TAG_REMOTE = 3;

/** A 32-bit mix of a decision's key numbers. */
function keyHash(tag: number, a: number, b: number, c: number, d: number, e: number, f: number): number {
  let h = Math.imul(tag ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ a ^ (h >>> 15), 0xc2b2ae35);
  h = Math.imul(h ^ b ^ (h >>> 13), 0x85ebca6b);
  h = Math.imul(h ^ c ^ (h >>> 16), 0xc2b2ae35);
  h = Math.imul(h ^ d ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ e ^ (h >>> 13), 0xc2b2ae35);
  h = Math.imul(h ^ f ^ (h >>> 16), 0x27d4eb2d);
  // 30 bits: a small integer, the cheapest Map key.
  return (h ^ (h >>> 15)) & 0x3fffffff;
}

function tcpBits(flag: TcpFlag): number {
  return flag === 'SYN' ? TCP_SYN : flag === 'ACK' ? TCP_ESTABLISHED : flag === 'FIN' ? TCP_FIN : TCP_RST;
}

/** The target port of a FIP DNAT: the port map's, −1 when port maps are on and it has none. */
function targetPortOf(fip: FipConfig | null, proto: number, dport: number): number {
  if (!fip || !fip.portMapEnabled) return dport;
  return fip.portMapIndex.get((proto << 16) | dport) ?? -1;
}

const scratchHash: Hash64 = { hi: 0, lo: 0 };

export class FlowProcessor {
  private readonly cache: DecisionCache;

  constructor(private readonly dp: Dataplane) {
    let cache = caches.get(dp);
    if (!cache) caches.set(dp, (cache = new DecisionCache()));
    this.cache = cache;
  }

  private source(vmi: string) {
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

  // ---- decisions --------------------------------------------------------------------------------

  /**
   * The decision with these key numbers, if known. Keys are numbers, not strings: a new flow
   * looks its decision up without building or hashing a string.
   */
  private find(
    tag: number,
    a: number,
    b: number,
    c: number,
    d: number,
    e: number,
    f: number,
  ): Decision | undefined {
    for (
      let x: Decision | null | undefined = this.cache.byKey.get(keyHash(tag, a, b, c, d, e, f));
      x;
      x = x.nextSameHash
    ) {
      const k = x.key;
      if (k[0] === tag && k[1] === a && k[2] === b && k[3] === c && k[4] === d && k[5] === e && k[6] === f)
        return x;
    }
    return undefined;
  }

  /**
   * Keeps a new decision. Every decision is an object literal with the same fields in the same
   * order (one hidden class), so the packet path reads them monomorphically.
   */
  private store(d: Decision): Decision {
    const k = d.key;
    const h = keyHash(k[0]!, k[1]!, k[2]!, k[3]!, k[4]!, k[5]!, k[6]!);
    d.nextSameHash = this.cache.byKey.get(h) ?? null;
    this.cache.byKey.set(h, d);
    this.cache.decisions.push(d);
    return d;
  }

  private drop(router: VRouter, reason: number): Decision {
    return (
      this.find(TAG_DROP, router.ip, reason, 0, 0, 0, 0) ??
      this.store({
        id: this.cache.decisions.length,
        router,
        kind: 'drop',
        dropReason: reason,
        ecmpNh: -1,
        slot: -1,
        slots: 0,
        hashFields: 0,
        token: -1,
        vif: null,
        fip: null,
        targetPort: -1,
        backend: null,
        label: -1,
        tunnelNh: -1,
        backendKeyNh: -1,
        portKey: 0,
        key: [TAG_DROP, router.ip, reason, 0, 0, 0, 0],
        nextSameHash: null,
      })
    );
  }

  /** Delivery to a local interface, with the FIP DNAT when `dip` is one of its floating IPs. */
  private deliver(
    router: VRouter,
    vif: Vif,
    dip: number,
    pkt: Packet,
    ecmpNh: number,
    slot: number,
    slots: number,
    fields: number,
    token: number,
  ): Decision {
    const portKey = ((pkt.proto << 16) | pkt.dport) >>> 0;
    // memberId is unique per placement across computes: it stands for the router and the vif.
    const memberId = vif.placement!.memberId;
    const known = this.find(TAG_LOCAL, memberId, dip >>> 0, portKey, ecmpNh, slot, token);
    if (known) return known;
    const fipUuid = router.fipsByVmi.get(vif.placement!.vmiUuid)?.get(dip >>> 0);
    const fip = fipUuid ? (router.fips.get(fipUuid)?.fip ?? null) : null;
    return this.store({
      id: this.cache.decisions.length,
      router,
      kind: 'local',
      dropReason: DROP_NONE,
      ecmpNh,
      slot,
      slots,
      hashFields: fields,
      token,
      vif,
      fip,
      targetPort: targetPortOf(fip, pkt.proto, pkt.dport),
      backend: null,
      label: -1,
      tunnelNh: -1,
      backendKeyNh: -1,
      portKey,
      key: [TAG_LOCAL, memberId, dip >>> 0, portKey, ecmpNh, slot, token],
      nextSameHash: null,
    });
  }

  private remote(
    router: VRouter,
    tunnelNh: NextHop,
    label: number,
    ecmpNh: number,
    slot: number,
    slots: number,
    fields: number,
    token: number,
  ): Decision {
    const known = this.find(TAG_REMOTE, router.ip, tunnelNh.id, label, ecmpNh, slot, token);
    if (known) return known;
    const backend = tunnelNh.type === 'tunnel' ? this.dp.routerByIp(tunnelNh.dip) : undefined;
    if (!backend) return this.drop(router, DROP_NO_DST_ROUTE);
    return this.store({
      id: this.cache.decisions.length,
      router,
      kind: 'remote',
      dropReason: DROP_NONE,
      ecmpNh,
      slot,
      slots,
      hashFields: fields,
      token,
      vif: null,
      fip: null,
      targetPort: -1,
      backend,
      label,
      tunnelNh: tunnelNh.id,
      backendKeyNh: backend.nh.find(`tunnel:${router.ip >>> 0}`)?.id ?? 1,
      portKey: 0,
      key: [TAG_REMOTE, router.ip, tunnelNh.id, label, ecmpNh, slot, token],
      nextSameHash: null,
    });
  }

  /**
   * The member a composite gives a flow: the affinity slot while its component is still there
   * (and was not emptied since the flow took it), else PickMember with the flow's hash.
   */
  private pick(
    router: VRouter,
    nh: NextHop & { type: 'composite' },
    epochs: readonly number[],
    hashFields: number,
    sip: number,
    pkt: Packet,
    affinity: number,
    affinityToken: number,
    ingress: boolean,
    maglev: boolean,
  ): number {
    const comps = nh.components;
    if (
      affinity >= 0 &&
      affinity < comps.length &&
      comps[affinity] &&
      (epochs[affinity] ?? 0) === affinityToken
    )
      return affinity;
    const hash = hashFlow(router.ip, sip, pkt.dip, pkt.proto, pkt.sport, pkt.dport, scratchHash, hashFields);
    const seed = pickSeed(hash);
    if (maglev) return pickMember(comps, seed, INVALID_COMPONENT, ingress, this.maglevSlot(nh, hash));
    return pickMember(comps, seed, INVALID_COMPONENT, ingress);
  }

  /** What-if only (not Contrail): the slot a Maglev table over the present components names. */
  private maglevSlot(nh: NextHop & { type: 'composite' }, hash: Hash64): number {
    let table = this.cache.maglev.get(nh.id);
    const present: number[] = [];
    nh.components.forEach((c, i) => c && present.push(i));
    if (!table) {
      const names = present.map((i) => `${nh.components[i]!.kind}:${nh.components[i]!.target}`);
      table = buildMaglevTable(names, maglevTableSize(names.length));
      this.cache.maglev.set(nh.id, table);
    }
    const owner = table[hashMod(hash, table.length)]!;
    return owner >= 0 ? present[owner]! : 0;
  }

  /** Source compute: the route for `dip` in the pod's VRF and, for ECMP, the member pick. */
  private resolveSource(
    router: VRouter,
    vrfId: number,
    sip: number,
    pkt: Packet,
    affinity: number,
    token: number,
    out: PacketResult,
  ): Decision {
    const route = router.lookup(vrfId, pkt.dip);
    const nhId = route?.kernel?.nhId ?? -1;
    const nh = route ? router.nh.get(nhId) : undefined;
    if (!route || !nh) return this.drop(router, DROP_NO_DST_ROUTE);
    const fields = route.paths[0]?.hashFields ?? 0;
    switch (nh.type) {
      case 'composite': {
        const epochs = nh.ecmpType === 'LOCAL_ECMP' ? route.localEpochs : route.bgpEpochs;
        const maglev = this.dp.isMaglevVip(pkt.dip);
        // A flow that was not ECMP before takes slot 0, where Reorder put its old next hop
        // (PickEcmpMember on re-evaluation).
        const transition = affinity === -1 && token >= 0;
        const slot = this.pick(
          router,
          nh,
          epochs,
          fields,
          sip,
          pkt,
          transition ? 0 : affinity,
          transition ? (epochs[0] ?? 0) : token,
          true,
          maglev,
        );
        if (slot === INVALID_COMPONENT) return this.drop(router, DROP_NO_DST_ROUTE);
        out.addPick(router, nh.id, slot, nh.components.length, fields, sip);
        const c = nh.components[slot]!;
        const epoch = epochs[slot] ?? 0;
        if (c.kind === 'interface') {
          const vif = router.vifByVmi.get(c.target);
          if (!vif) return this.drop(router, DROP_NO_DST_ROUTE);
          return this.deliver(router, vif, pkt.dip, pkt, nh.id, slot, nh.components.length, fields, epoch);
        }
        return this.remote(
          router,
          router.nh.get(nh.componentNh[slot]!)!,
          c.label,
          nh.id,
          slot,
          nh.components.length,
          fields,
          epoch,
        );
      }
      case 'interface': {
        const vif = nh.vmiUuid ? router.vifByVmi.get(nh.vmiUuid) : undefined;
        if (!vif) return this.drop(router, DROP_NO_DST_ROUTE);
        return this.deliver(router, vif, pkt.dip, pkt, -1, -1, 0, fields, vif.placement!.memberId);
      }
      case 'tunnel':
        return this.remote(router, nh, route.kernel!.label, -1, -1, 0, fields, nh.id);
      default:
        return this.drop(router, DROP_NO_DST_ROUTE);
    }
  }

  /**
   * A packet that arrived over a tunnel with `label` (EgressProcess): the label's NH, and when it
   * is a local ECMP composite a second pick over its local components.
   */
  private resolveLabel(
    router: VRouter,
    label: number,
    sip: number,
    pkt: Packet,
    affinity: number,
    token: number,
    out: PacketResult,
  ): Decision {
    const nh = router.nh.get(router.mpls.get(label) ?? -1);
    if (!nh) {
      router.counters.drop('invalid_label');
      return this.drop(router, DROP_NO_DST_ROUTE);
    }
    if (nh.type === 'interface') {
      const vif = nh.vmiUuid ? router.vifByVmi.get(nh.vmiUuid) : undefined;
      if (!vif) return this.drop(router, DROP_NO_DST_ROUTE);
      return this.deliver(router, vif, pkt.dip, pkt, -1, -1, 0, 0, vif.placement!.memberId);
    }
    if (nh.type !== 'composite') return this.drop(router, DROP_NO_DST_ROUTE);
    const route = router.localEcmpRoutes.get(label);
    if (!route) return this.drop(router, DROP_NO_DST_ROUTE);
    // The hash fields are those of the route for the destination in the composite's VRF.
    const fields = route.paths[0]?.hashFields ?? 0;
    const maglev = route.fipUuid ? (this.dp.fips.get(route.fipUuid)?.maglev ?? false) : false;
    const slot = this.pick(router, nh, route.localEpochs, fields, sip, pkt, affinity, token, false, maglev);
    if (slot === INVALID_COMPONENT) return this.drop(router, DROP_NO_DST_ROUTE);
    out.addPick(router, nh.id, slot, nh.components.length, fields, sip);
    const vif = router.vifByVmi.get(nh.components[slot]!.target);
    if (!vif) return this.drop(router, DROP_NO_DST_ROUTE);
    return this.deliver(
      router,
      vif,
      pkt.dip,
      pkt,
      nh.id,
      slot,
      nh.components.length,
      fields,
      route.localEpochs[slot] ?? 0,
    );
  }

  // ---- packets ------------------------------------------------------------------------------------

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
    router.counters.rx(vif.index, bytes);

    let fwd = table.lookup(vif.nhId, sip, pkt.dip, pkt.proto, pkt.sport, pkt.dport);
    let decision: Decision;
    if (fwd >= 0 && table.cacheGenOf(fwd) === cache.generation) {
      // Established flow whose decision still holds: no route, composite or member checks.
      decision = cache.decisions[table.cacheRefOf(fwd)]!;
      if (decision.ecmpNh >= 0)
        out.addPick(router, decision.ecmpNh, decision.slot, decision.slots, decision.hashFields, sip);
    } else if (fwd >= 0 && table.actionOf(fwd) === FLOW_ACTION_DROP) {
      table.touch(fwd, bytes, now);
      out.reused = true;
      out.dropReason = table.dropReasonOf(fwd);
      this.record(out, router, fwd);
      router.counters.drop('flow_action_drop');
      return this.applyTcp(out, pkt);
    } else {
      const affinity = fwd >= 0 ? table.ecmpIndexOf(fwd) : -1;
      const token = fwd >= 0 ? table.memberIdOf(fwd) : -1;
      decision = this.resolveSource(router, vif.vrfId, sip, pkt, affinity, token, out);
      if (
        fwd >= 0 &&
        (table.ecmpIndexOf(fwd) !== decision.slot || table.memberIdOf(fwd) !== decision.token)
      ) {
        // Its member (or slot) went away: the flow is set up again toward the new choice.
        table.removePair(fwd);
        table.counters.changed++;
        fwd = -1;
      }
    }
    const vrfId = vif.vrfId;
    this.countForward(router, vrfId, decision, bytes);
    if (decision.kind === 'drop') {
      if (fwd >= 0) table.removePair(fwd);
      fwd = this.shortFlow(
        table,
        vif.nhId,
        sip,
        pkt,
        vrfId,
        vif.nhId,
        decision.dropReason,
        now,
        bytes,
        vif.index,
      );
      out.dropReason = fwd >= 0 ? decision.dropReason : DROP_FLOW_LIMIT;
      if (fwd >= 0) this.record(out, router, fwd);
      router.counters.drop(fwd >= 0 ? 'flow_action_drop' : 'flow_table_full');
      return this.applyTcp(out, pkt);
    }
    if (fwd >= 0) {
      out.reused = true;
      table.setCache(fwd, cache.generation, decision.id);
      table.touch(fwd, bytes, now);
      this.record(out, router, fwd);
      const rev = table.reverseOf(fwd);
      if (rev >= 0) this.record(out, router, rev, true);
      if (decision.kind === 'local') {
        this.memberOf(out, decision, pkt);
        this.countDelivery(router, decision, bytes);
      } else this.passBackend(out, router, sip, decision, pkt, now, bytes);
      return this.applyTcp(out, pkt);
    }
    const created =
      decision.kind === 'local'
        ? this.setupNat(out, router, vif.nhId, sip, decision, pkt, now, bytes, vrfId, vif.index)
        : this.setupRemote(out, router, vif, sip, decision, pkt, now, bytes);
    if (created >= 0) table.setCache(created, cache.generation, decision.id);
    return this.applyTcp(out, pkt);
  }

  /**
   * A packet for a VIP arriving at `node` from the fabric (e.g. from the gateway for an external
   * IP): the label this compute exports for the VIP, then only local members are eligible.
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
    router.counters.rx(0, bytes);
    // The label the gateway sends with: what this compute exports for the VIP.
    let label = -1;
    let vrfId = 0;
    for (const vrf of router.vrfById) {
      const route = vrf.routes.get(routeKey(pkt.dip, 32));
      if (route?.exported && route.fipUuid) {
        label = route.exported.label;
        vrfId = vrf.id;
        break;
      }
    }
    // Key NH of fabric traffic: vhost0's receive NH stands in for the gateway tunnel.
    const keyNh = 1;
    let fwd = table.lookup(keyNh, sip, pkt.dip, pkt.proto, pkt.sport, pkt.dport);
    const affinity = fwd >= 0 ? table.ecmpIndexOf(fwd) : -1;
    const token = fwd >= 0 ? table.memberIdOf(fwd) : -1;
    const decision =
      label >= 0
        ? this.resolveLabel(router, label, sip, pkt, affinity, token, out)
        : this.drop(router, DROP_NO_DST_ROUTE);
    if (decision.kind !== 'local') {
      if (fwd >= 0) table.removePair(fwd);
      fwd = this.shortFlow(
        table,
        keyNh,
        sip,
        pkt,
        vrfId,
        keyNh,
        DROP_NO_DST_ROUTE,
        now,
        bytes,
        srcInfoOfAddress(sip),
      );
      out.dropReason = DROP_NO_DST_ROUTE;
      if (fwd >= 0) this.record(out, router, fwd);
      router.counters.drop('flow_action_drop');
      return this.applyTcp(out, pkt);
    }
    if (fwd >= 0 && table.ecmpIndexOf(fwd) === decision.slot && table.memberIdOf(fwd) === decision.token) {
      out.reused = true;
      table.touch(fwd, bytes, now);
      this.record(out, router, fwd);
      const rev = table.reverseOf(fwd);
      if (rev >= 0) this.record(out, router, rev, true);
      this.memberOf(out, decision, pkt);
      this.countDelivery(router, decision, bytes);
      return this.applyTcp(out, pkt);
    }
    if (fwd >= 0) table.removePair(fwd);
    this.setupNat(
      out,
      router,
      keyNh,
      sip,
      decision,
      pkt,
      now,
      bytes,
      decision.vif!.vrfId,
      srcInfoOfAddress(sip),
    );
    return this.applyTcp(out, pkt);
  }

  private memberOf(out: PacketResult, d: Decision, pkt: Packet): void {
    out.member = d.vif!.placement;
    out.memberPort = d.targetPort < 0 ? pkt.dport : d.targetPort;
  }

  // ---- counters -----------------------------------------------------------------------------------

  private countForward(router: VRouter, vrfId: number, d: Decision, bytes: number): void {
    const c = router.counters;
    if (d.ecmpNh >= 0) c.vrfHitAt(vrfId, STAT_ECMP_COMPOSITES);
    if (d.kind === 'drop') c.vrfHitAt(vrfId, STAT_DISCARDS);
    else if (d.kind === 'remote') {
      c.vrfHitAt(vrfId, STAT_UDP_MPLS_TUNNELS);
      c.tx(0, bytes);
    }
  }

  private countDelivery(router: VRouter, d: Decision, bytes: number): void {
    router.counters.vrfHitAt(d.vif!.vrfId, STAT_ENCAPS);
    router.counters.tx(d.vif!.index, bytes);
  }

  // ---- flow setup -----------------------------------------------------------------------------------

  /**
   * Forward + reverse flows where the member lives (NAT when `dip` is its FIP). Returns the
   * forward entry, −1 when the flow was dropped or refused.
   */
  private setupNat(
    out: PacketResult,
    router: VRouter,
    keyNh: number,
    sip: number,
    d: Decision,
    pkt: Packet,
    now: number,
    bytes: number,
    vrfId: number,
    srcInfo: number,
  ): number {
    const table = router.flows;
    const memberVif = d.vif!;
    this.memberOf(out, d, pkt);
    if (d.fip && d.targetPort < 0) {
      const fwd = this.shortFlow(table, keyNh, sip, pkt, vrfId, keyNh, DROP_PORT_MAP, now, bytes, srcInfo);
      out.dropReason = fwd >= 0 ? DROP_PORT_MAP : DROP_FLOW_LIMIT;
      out.member = null;
      if (fwd >= 0) this.record(out, router, fwd);
      router.counters.drop('flow_action_drop');
      return -1;
    }
    const port = d.targetPort < 0 ? pkt.dport : d.targetPort;
    const memberIp = memberVif.placement!.ip;
    const fwd = this.freshPair(out, table, keyNh, sip, pkt, memberVif.nhId, memberIp, port, now);
    if (fwd < 0) {
      router.counters.drop('flow_table_full');
      return -1;
    }
    const rev = table.reverseOf(fwd);
    const nat = d.fip !== null;
    const portNat = port !== pkt.dport;
    table.configure(
      fwd,
      nat ? FLOW_ACTION_NAT : FLOW_ACTION_FORWARD,
      nat ? FLOW_FLAG_DNAT | (portNat ? FLOW_FLAG_DPAT : 0) : 0,
      DROP_NONE,
      d.slot,
      d.token,
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
      memberVif.index,
    );
    this.countPair(out, router, fwd, rev, now, bytes);
    this.countDelivery(router, d, bytes);
    return fwd;
  }

  /** Source compute: a plain forward toward the tunnel (E:<slot>), then the backend. */
  private setupRemote(
    out: PacketResult,
    router: VRouter,
    vif: Vif,
    sip: number,
    d: Decision,
    pkt: Packet,
    now: number,
    bytes: number,
  ): number {
    const table = router.flows;
    // The reply comes back already translated by the backend's compute: VIP:port → client.
    const fwd = this.freshPair(out, table, vif.nhId, sip, pkt, d.tunnelNh, pkt.dip, pkt.dport, now);
    if (fwd < 0) {
      router.counters.drop('flow_table_full');
      return -1;
    }
    const rev = table.reverseOf(fwd);
    table.configure(
      fwd,
      FLOW_ACTION_FORWARD,
      0,
      DROP_NONE,
      d.slot,
      d.token,
      vif.vrfId,
      vif.vrfId,
      vif.nhId,
      vif.index,
    );
    // A flow learnt from the fabric: Sinfo is the compute it came from.
    table.configure(
      rev,
      FLOW_ACTION_FORWARD,
      0,
      DROP_NONE,
      -1,
      -1,
      vif.vrfId,
      vif.vrfId,
      d.tunnelNh,
      srcInfoOfAddress(d.backend!.ip),
    );
    this.countPair(out, router, fwd, rev, now, bytes);
    this.passBackend(out, router, sip, d, pkt, now, bytes);
    return fwd;
  }

  /** The packet arrives at the backend's compute over the tunnel with the decision's label. */
  private passBackend(
    out: PacketResult,
    source: VRouter,
    sip: number,
    d: Decision,
    pkt: Packet,
    now: number,
    bytes: number,
  ): void {
    const backend = d.backend!;
    const table = backend.flows;
    table.expire(now);
    backend.counters.rx(0, bytes);
    const keyNh = d.backendKeyNh;
    let fwd = table.lookup(keyNh, sip, pkt.dip, pkt.proto, pkt.sport, pkt.dport);
    let bd: Decision;
    if (fwd >= 0 && table.cacheGenOf(fwd) === this.cache.generation) {
      bd = this.cache.decisions[table.cacheRefOf(fwd)]!;
      if (bd.ecmpNh >= 0) out.addPick(backend, bd.ecmpNh, bd.slot, bd.slots, bd.hashFields, sip);
    } else {
      const affinity = fwd >= 0 ? table.ecmpIndexOf(fwd) : -1;
      const token = fwd >= 0 ? table.memberIdOf(fwd) : -1;
      bd = this.resolveLabel(backend, d.label, sip, pkt, affinity, token, out);
      if (
        fwd >= 0 &&
        (table.actionOf(fwd) === FLOW_ACTION_DROP
          ? bd.kind !== 'drop'
          : table.ecmpIndexOf(fwd) !== bd.slot || table.memberIdOf(fwd) !== bd.token)
      ) {
        table.removePair(fwd);
        table.counters.changed++;
        fwd = -1;
      }
    }
    if (fwd >= 0) {
      table.setCache(fwd, this.cache.generation, bd.id);
      table.touch(fwd, bytes, now);
      if (table.actionOf(fwd) === FLOW_ACTION_DROP) out.dropReason = table.dropReasonOf(fwd);
      else if (bd.kind === 'local') {
        this.memberOf(out, bd, pkt);
        this.countDelivery(backend, bd, bytes);
      }
      this.record(out, backend, fwd);
      const rev = table.reverseOf(fwd);
      if (rev >= 0) this.record(out, backend, rev, true);
      return;
    }
    if (bd.kind !== 'local') {
      const f = this.shortFlow(
        table,
        keyNh,
        sip,
        pkt,
        0,
        keyNh,
        DROP_NO_DST_ROUTE,
        now,
        bytes,
        srcInfoOfAddress(source.ip),
      );
      out.dropReason = f >= 0 ? DROP_NO_DST_ROUTE : DROP_FLOW_LIMIT;
      if (f >= 0) this.record(out, backend, f);
      backend.counters.drop('flow_action_drop');
      return;
    }
    const created = this.setupNat(
      out,
      backend,
      keyNh,
      sip,
      bd,
      pkt,
      now,
      bytes,
      bd.vif!.vrfId,
      srcInfoOfAddress(source.ip),
    );
    if (created >= 0) table.setCache(created, this.cache.generation, bd.id);
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
    /** Where the packet came from (flow -l `Sinfo`): the vif index, or the sending compute. */
    srcInfo: number,
  ): number {
    const index = this.freshEntry(table, keyNh, sip, pkt.dip, pkt.proto, pkt.sport, pkt.dport, now);
    if (index < 0) return index;
    table.configure(index, FLOW_ACTION_DROP, 0, reason, -1, -1, vrfId, vrfId, rpfNh, srcInfo);
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

  /**
   * TCP state as vr_flow_tcp_digest keeps it, for packets from the client only: a SYN sets S on
   * each forward flow and Sr on its reverse; an ACK stands for the completed handshake (the
   * server's SYN-ACK, then the client's ACK), leaving S, Sr, E and Er on both; FIN or RST evicts
   * every flow of the connection.
   */
  private applyTcp(out: PacketResult, pkt: Packet): PacketResult {
    // vr_flow_lookup digests TCP flags before the flow's action runs: drop flows get them too.
    if (pkt.proto !== 6) return out;
    const flag = pkt.tcpFlag ?? 'SYN';
    const bits = tcpBits(flag);
    const count = out.flowCount;
    for (let i = 0; i < count; i++) {
      if (out.flowIsReverse[i]) continue;
      const table = out.flowRouters[i]!.flows;
      const fwd = out.flowIndexes[i]!;
      if (!table.isActive(fwd)) continue;
      const rev = table.reverseOf(fwd);
      if (bits === TCP_SYN) {
        if (table.hasTcpFlags(fwd, TCP_SYN)) continue;
        table.addTcpFlags(fwd, TCP_SYN);
        if (rev >= 0) table.addTcpFlags(rev, TCP_SYN_R);
      } else if (bits === TCP_ESTABLISHED) {
        const all = TCP_SYN | TCP_SYN_R | TCP_ESTABLISHED | TCP_ESTABLISHED_R;
        if (table.hasTcpFlags(fwd, all)) continue;
        table.addTcpFlags(fwd, all);
        if (rev >= 0) table.addTcpFlags(rev, all);
      } else if (bits === TCP_FIN) {
        table.addTcpFlags(fwd, TCP_FIN);
        if (rev >= 0) table.addTcpFlags(rev, TCP_FIN_R);
      } else {
        table.addTcpFlags(fwd, TCP_RST);
        if (rev >= 0) table.addTcpFlags(rev, TCP_RST);
      }
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
      out.flowRouters[i]!.counters.drop('flow_evict');
    }
    return out;
  }
}
