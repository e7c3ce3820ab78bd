// The packet trace and the traffic generator: send a packet (or N flows) from a pod to an IP and
// report every ECMP pick, the member and each flow it created or reused. Pure over the model: the
// traffic run is a generator of slices its caller schedules, so no run holds the event loop.

import { hashFlow, hashToString } from '@model/dataplane/agent-hash.ts';
import { hashFieldNames } from '@model/dataplane/ecmp-load-balance.ts';
import type {
  TraceEcmp,
  TraceFlow,
  TraceRequest,
  TraceResult,
  TrafficMember,
  TrafficProgress,
  TrafficRequest,
  TrafficResult,
} from '@model/dataplane/types.ts';
import { defaultTraceSourcePort } from '@model/dataplane/trace-source-port.ts';
import { parseIpv4 } from '@model/net/ipv4.ts';
import { traceFlowOf } from '@server/vrouter-cli/flow.ts';
import { protocolNumber, type Dataplane } from './dataplane.ts';
import { DROP_NONE } from './flow-table.ts';
import { PacketResult, SHORT_FLOW_REASON, type FlowProcessor } from './flow-processor.ts';
import { kflowRow } from './kstate.ts';

/** A pod or node that does not exist (HTTP 404). */
export class UnknownObject extends Error {}

interface Resolved {
  vmi: string;
  dip: number;
  proto: number;
  port: number;
}

/** The client's interface and the packet's fields; the request's shape is checked by its schema. */
function resolve(dp: Dataplane, req: { from: string; to: string; protocol: string; port: number }): Resolved {
  const vmi = dp.podVmi(req.from);
  if (!vmi) throw new UnknownObject(`pod ${req.from} has no interface on any vRouter`);
  return { vmi, dip: parseIpv4(req.to), proto: protocolNumber(req.protocol)!, port: req.port };
}

function picksOf(
  res: PacketResult,
  pkt: { dip: number; proto: number; sport: number; dport: number },
): TraceEcmp[] {
  const out: TraceEcmp[] = [];
  for (let i = 0; i < res.pickCount; i++) {
    const router = res.pickRouters[i]!;
    const fields = res.pickFields[i]!;
    const hash = hashFlow(
      router.ip,
      res.pickSip[i]!,
      pkt.dip,
      pkt.proto,
      pkt.sport,
      pkt.dport,
      { hi: 0, lo: 0 },
      fields,
    );
    out.push({
      node: router.name,
      nexthopId: res.pickNh[i]!,
      slot: res.pickSlot[i]!,
      slots: res.pickSlots[i]!,
      hash: hashToString(hash),
      seed: hash.lo >>> 0,
      hashFields: hashFieldNames(fields),
    });
  }
  return out;
}

export function tracePacket(dp: Dataplane, processor: FlowProcessor, req: TraceRequest): TraceResult {
  const r = resolve(dp, req);
  const sport = req.sourcePort ?? defaultTraceSourcePort(req.from, r.dip, r.port);
  const pkt = { proto: r.proto, sport, dport: r.port, dip: r.dip, tcpFlag: req.tcpFlag };
  const res = processor.sendFromPod(r.vmi, pkt);
  const evicted = res.evictedSnapshots.length > 0;
  const flows = res.flowIndexes.slice(0, res.flowCount).map((index, i): TraceFlow => {
    const router = res.flowRouters[i]!;
    const row = kflowRow(router, index);
    return traceFlowOf(router.name, row, {
      reverseIndex: evicted ? res.evictedSnapshots[i]!.reverseIndex : row.rflow,
      direction: res.flowIsReverse[i] ? 'reverse' : 'forward',
      rpfNh: row.fe_src_nh_index ?? 0,
      evicted,
    });
  });
  const picks = picksOf(res, pkt);
  return {
    sourceNode: res.sourceNode,
    ecmp: picks[0] ?? null,
    ecmpPicks: picks,
    whatIf: dp.isMaglevVip(r.dip) ? 'maglev' : null,
    member:
      res.member && res.dropReason === DROP_NONE
        ? {
            pod: res.member.podKey ?? res.member.vmName,
            node: res.member.node,
            ip: res.member.ipText,
            port: res.memberPort,
          }
        : null,
    flows,
    dropReason:
      res.dropReason === DROP_NONE ? null : (SHORT_FLOW_REASON[res.dropReason] ?? String(res.dropReason)),
    reused: res.reused,
  };
}

/** Source ports the generator uses: 1024-65535. */
const PORT_SPAN = 65535 - 1024 + 1;

let portOrder: Uint16Array | null = null;

/**
 * A fixed pseudo-random permutation of the port span (Fisher-Yates driven by xorshift32 with a
 * constant seed): the same on every run, so a random-port run is reproducible.
 */
function randomPortOrder(): Uint16Array {
  if (portOrder) return portOrder;
  const order = new Uint16Array(PORT_SPAN);
  for (let i = 0; i < PORT_SPAN; i++) order[i] = i;
  let x = 0x9e3779b9;
  for (let i = PORT_SPAN - 1; i > 0; i--) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const j = (x >>> 0) % (i + 1);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return (portOrder = order);
}

/** Flows per slice at most. */
export const TRAFFIC_SLICE_FLOWS = 2048;
/** How often (in flows) a slice asks whether its time is up. */
const TIME_CHECK_FLOWS = 64;

export interface TrafficSlicing {
  /** Flows per slice at most (default TRAFFIC_SLICE_FLOWS). */
  sliceFlows?: number;
  /**
   * Asked every few flows: true ends the slice early. The caller measures its own time (a fresh
   * compute's first flows touch new pages of its flow table and run slower than later ones).
   */
  timeUp?: () => boolean;
}

/**
 * The traffic generator: N flows spread round-robin over the client pods, counted per chosen
 * member. A generator: it yields progress after every slice (TrafficSlicing) and returns the
 * result, so its caller decides when the next slice runs.
 */
export function* generateTraffic(
  dp: Dataplane,
  processor: FlowProcessor,
  req: TrafficRequest & { from: string[] },
  slicing: TrafficSlicing = {},
): Generator<TrafficProgress, TrafficResult> {
  const sliceFlows = slicing.sliceFlows ?? TRAFFIC_SLICE_FLOWS;
  const timeUp = slicing.timeUp;
  let inSlice = 0;
  const clients = req.from.map((from) => resolve(dp, { ...req, from }));
  // A compute's flow table is allocated with its first flow (tens of MB): allocate them one per
  // slice up front, so no slice pays for several.
  for (const router of dp.routers.values()) {
    if (router.flows.allocatedBytes > 0) continue;
    router.flows.ensureAllocated();
    if (timeUp?.()) yield { done: 0, total: req.flows };
  }
  const first = req.firstSourcePort ?? 10_000;
  const order = req.sourcePorts === 'random' ? randomPortOrder() : null;
  const counts = new Map<string, TrafficMember>();
  const out = new PacketResult();
  const packet = { proto: 0, sport: 0, dport: 0, dip: 0 };
  let dropped = 0;
  let reused = 0;
  for (let i = 0; i < req.flows; i++) {
    const client = clients[i % clients.length]!;
    packet.proto = client.proto;
    packet.dport = client.port;
    packet.dip = client.dip;
    const position = (first - 1024 + Math.floor(i / clients.length)) % PORT_SPAN;
    packet.sport = 1024 + (order ? order[position]! : position);
    processor.sendFromPod(client.vmi, packet, out);
    if (out.reused) reused++;
    if (out.dropReason !== DROP_NONE || !out.member) dropped++;
    else {
      const m = out.member;
      let entry = counts.get(m.vmiUuid);
      if (!entry)
        counts.set(
          m.vmiUuid,
          (entry = { pod: m.podKey ?? m.vmName, node: m.node, ip: m.ipText, port: out.memberPort, flows: 0 }),
        );
      entry.flows++;
    }
    inSlice++;
    if (
      i + 1 < req.flows &&
      (inSlice >= sliceFlows || (timeUp !== undefined && inSlice % TIME_CHECK_FLOWS === 0 && timeUp()))
    ) {
      inSlice = 0;
      yield { done: i + 1, total: req.flows };
    }
  }
  // Client c sends flows c, c + n, …; its k-th flow uses port first + k, wrapping after 65535.
  let sourcePortWraps = 0;
  for (let c = 0; c < clients.length && c < req.flows; c++) {
    const count = Math.ceil((req.flows - c) / clients.length);
    sourcePortWraps += Math.floor((first - 1024 + count - 1) / PORT_SPAN);
  }
  return {
    flows: req.flows,
    dropped,
    reused,
    members: [...counts.values()].sort((a, b) => (a.pod < b.pod ? -1 : a.pod > b.pod ? 1 : 0)),
    sourcePortWraps,
    whatIf: clients.some((c) => dp.isMaglevVip(c.dip)) ? 'maglev' : null,
  };
}

/** Runs a traffic generator to completion at once (tests, benchmarks). */
export function runTraffic(gen: Generator<TrafficProgress, TrafficResult>): TrafficResult {
  for (;;) {
    const step = gen.next();
    if (step.done) return step.value;
  }
}
