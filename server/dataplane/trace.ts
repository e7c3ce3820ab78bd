// The packet trace and the traffic generator: send a packet (or N flows) from a pod to an IP and
// report the ECMP choice, the member and every flow it created or reused. Pure over the model.

import type {
  TraceFlow,
  TraceRequest,
  TraceResult,
  TrafficMember,
  TrafficRequest,
  TrafficResult,
} from '@model/dataplane/types.ts';
import { hashFlow, hashToString } from './agent-hash.ts';
import { actionString } from './cli.ts';
import { protocolNumber, type Dataplane } from './dataplane.ts';
import { DROP_NONE } from './flow-table.ts';
import { FlowProcessor, PacketResult, SHORT_FLOW_REASON } from './flow-processor.ts';
import { formatIpv4, isIpv4, parseIpv4 } from '@model/net/ipv4.ts';

/** Bad input (HTTP 400). */
export class InvalidRequest extends Error {}
/** A pod or node that does not exist (HTTP 404). */
export class UnknownObject extends Error {}

interface Parsed {
  vmi: string;
  dip: number;
  proto: number;
  port: number;
}

function parseRequest(
  dp: Dataplane,
  req: { from: unknown; to: unknown; protocol: unknown; port: unknown },
): Parsed {
  if (typeof req.from !== 'string' || !/^[^/\s]+\/[^/\s]+$/.test(req.from))
    throw new InvalidRequest(`"from" must be "<namespace>/<pod>", got ${JSON.stringify(req.from)}`);
  if (typeof req.to !== 'string' || !isIpv4(req.to))
    throw new InvalidRequest(`"to" must be an IPv4 address, got ${JSON.stringify(req.to)}`);
  const proto = typeof req.protocol === 'string' ? protocolNumber(req.protocol) : undefined;
  if (proto !== 6 && proto !== 17)
    throw new InvalidRequest(`"protocol" must be "TCP" or "UDP", got ${JSON.stringify(req.protocol)}`);
  if (!isPort(req.port))
    throw new InvalidRequest(`"port" must be an integer 1-65535, got ${JSON.stringify(req.port)}`);
  const vmi = dp.podVmi(req.from);
  if (!vmi) throw new UnknownObject(`pod ${req.from} has no interface on any vRouter`);
  return { vmi, dip: parseIpv4(req.to), proto, port: req.port };
}

function isPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}

/** A stable ephemeral port per (pod, destination) so a repeated trace reuses its flow. */
function defaultSourcePort(from: string, dip: number, port: number): number {
  let h = 0x811c9dc5;
  const text = `${from}|${dip}|${port}`;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return 32768 + ((h >>> 0) % 28232);
}

export function tracePacket(dp: Dataplane, processor: FlowProcessor, req: TraceRequest): TraceResult {
  const parsed = parseRequest(dp, req);
  if (req.sourcePort !== undefined && !isPort(req.sourcePort))
    throw new InvalidRequest(
      `"sourcePort" must be an integer 1-65535, got ${JSON.stringify(req.sourcePort)}`,
    );
  const sport = req.sourcePort ?? defaultSourcePort(req.from, parsed.dip, parsed.port);
  const res = processor.sendFromPod(parsed.vmi, {
    proto: parsed.proto,
    sport,
    dport: parsed.port,
    dip: parsed.dip,
    tcpFlag: req.tcpFlag,
  });
  const evicted = res.evictedSnapshots.length > 0;
  const source = dp.router(res.sourceNode)!;
  const client = dp.placements.get(parsed.vmi)!;
  const hash = hashFlow(source.ip, client.ip, parsed.dip, parsed.proto, sport, parsed.port, { hi: 0, lo: 0 });
  const flows = res.flowIndexes.slice(0, res.flowCount).map((index, i): TraceFlow => {
    const router = res.flowRouters[i]!;
    const e = router.flows.entry(index);
    const reverseIndex = evicted ? res.evictedSnapshots[i]!.reverseIndex : e.rflow;
    return {
      node: router.name,
      index,
      reverseIndex,
      action: actionString(e.action, e.flags, e.dropReason),
      direction: res.flowIsReverse[i] ? ('reverse' as const) : ('forward' as const),
      sip: formatIpv4(e.sip),
      sport: e.sport,
      dip: formatIpv4(e.dip),
      dport: e.dport,
      proto: e.proto,
      vrf: e.vrf,
      ecmpIndex: e.ecmpIndex >= 0 ? e.ecmpIndex : null,
      keyNh: e.keyNh,
      rpfNh: e.srcNh,
      packets: e.packets,
      bytes: e.bytes,
      evicted,
    };
  });
  return {
    sourceNode: res.sourceNode,
    ecmp:
      res.ecmpNh >= 0
        ? { nexthopId: res.ecmpNh, slot: res.slot, slots: res.slots, hash: hashToString(hash) }
        : null,
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

/** The traffic generator: N flows spread over the client pods, counted per chosen member. */
export function generateTraffic(dp: Dataplane, processor: FlowProcessor, req: TrafficRequest): TrafficResult {
  const clients = Array.isArray(req.from) ? req.from : [req.from];
  if (clients.length === 0) throw new InvalidRequest('"from" must name at least one pod');
  if (!Number.isInteger(req.flows) || req.flows < 1 || req.flows > 1_000_000)
    throw new InvalidRequest(`"flows" must be an integer 1-1000000, got ${JSON.stringify(req.flows)}`);
  const parsed = clients.map((from) => parseRequest(dp, { ...req, from }));
  const first = req.firstSourcePort ?? 10_000;
  if (!isPort(first)) throw new InvalidRequest(`"firstSourcePort" must be an integer 1-65535`);
  const counts = new Map<string, TrafficMember>();
  const out = new PacketResult();
  let dropped = 0;
  let reused = 0;
  for (let i = 0; i < req.flows; i++) {
    const client = parsed[i % parsed.length]!;
    const sport = 1024 + ((first - 1024 + Math.floor(i / parsed.length)) % 64512);
    processor.sendFromPod(
      client.vmi,
      { proto: client.proto, sport, dport: client.port, dip: client.dip },
      out,
    );
    if (out.reused) reused++;
    if (out.dropReason !== DROP_NONE || !out.member) {
      dropped++;
      continue;
    }
    const m = out.member;
    let entry = counts.get(m.vmiUuid);
    if (!entry)
      counts.set(
        m.vmiUuid,
        (entry = { pod: m.podKey ?? m.vmName, node: m.node, ip: m.ipText, port: out.memberPort, flows: 0 }),
      );
    entry.flows++;
  }
  return {
    flows: req.flows,
    dropped,
    reused,
    members: [...counts.values()].sort((a, b) => (a.pod < b.pod ? -1 : a.pod > b.pod ? 1 : 0)),
  };
}
