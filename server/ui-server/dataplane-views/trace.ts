// A trace from the agents' introspect and the config API alone, so it works on a real cluster:
// *predicted* — the client pod's VMI → its compute (the VMI's `host_id`) and VRF (its interface) →
// that compute's route for the destination → the composite → PickMember with the agent's hash
// over the route's hash fields → the tunnel's label resolved on the backend's compute (MplsReq)
// → the second pick over its local composite → the pod and its port (the floating IP's port map)
// — and *observed*: the flow for that 5-tuple in the computes' flow tables (FetchFlowRecord, then
// KFlowReq for the flow and its reverse), and the member it went to. The hash and PickMember are
// model/'s, the same code the simulated vRouters run (pkt_flow_info.cc PickEcmpMember,
// nexthop.cc CompositeNH::PickMember, pkt_handler.cc PktInfo::hash).

import type { ObservedTrace, TraceView } from '@model/api/dataplane-views.ts';
import { hashFlow, hashToString, pickSeed, type Hash64 } from '@model/dataplane/agent-hash.ts';
import { hashFieldNames, maskOfPathHashingFields } from '@model/dataplane/ecmp-load-balance.ts';
import { INVALID_COMPONENT, pickMember } from '@model/dataplane/pick-member.ts';
import type { ItfSandeshData, NhSandeshData } from '@model/dataplane/sandesh/agent.ts';
import type { KFlowInfo } from '@model/dataplane/sandesh/kstate.ts';
import { defaultTraceSourcePort } from '@model/dataplane/trace-source-port.ts';
import type { TraceEcmp, TraceFlow, TraceMember, TraceRequest, TraceResult } from '@model/dataplane/types.ts';
import { podKeyOfVmName } from '@model/contrail/names.ts';
import { parseIpv4 } from '@model/net/ipv4.ts';
import { traceFlowOf } from '@server/vrouter-cli/flow.ts';
import { NotFound } from '../../errors.ts';
import type { Compute } from './computes.ts';
import type { ConfigNames, NameIndex } from './names.ts';
import type { DataplaneReader } from './reader.ts';
import { flowRows } from './records.ts';
import {
  interfaceIndex,
  ipNumber,
  isCompositeType,
  type InterfaceIndex,
  labelTarget,
  maglevFirst,
  memberPort,
  pickComponents,
  routeFor,
} from './vip-route.ts';

const PROTOCOL: Readonly<Record<string, number>> = { TCP: 6, UDP: 17 };

/** What the packet's 5-tuple is, resolved from the request. */
interface Packet {
  from: string;
  sip: string;
  dip: string;
  proto: number;
  sport: number;
  dport: number;
}

interface Resolved {
  names: NameIndex;
  source: Compute;
  itf: ItfSandeshData;
  pkt: Packet;
}

/** Where a pick or a label led: a member on a compute (with its port), or a drop. */
type Outcome = { member: TraceMember } | { drop: string };

const noRoute: Outcome = { drop: 'SHORT_NO_DST_ROUTE' };

export class TracePredictor {
  constructor(
    private readonly reader: DataplaneReader,
    private readonly names: ConfigNames,
  ) {}

  /** The client's compute, interface and the packet, or NotFound naming what is missing. */
  private async resolve(req: TraceRequest): Promise<Resolved> {
    const names = (await this.names.index()).value;
    const client = names.podsByKey.get(req.from);
    if (!client) throw new NotFound(`pod ${req.from} has no interface in the config API`);
    if (!client.node)
      throw new NotFound(`pod ${req.from} is not bound to a compute (its VMI has no host_id)`);
    const source = await this.reader.compute(client.node);
    const itf = (await this.reader.interfaces(source)).value.find((i) => i.uuid === client.vmi);
    if (!itf) throw new NotFound(`pod ${req.from} has no interface on ${source.name} (VMI ${client.vmi})`);
    const dip = req.to;
    parseIpv4(dip);
    const pkt: Packet = {
      from: req.from,
      sip: client.ip,
      dip,
      proto: PROTOCOL[req.protocol.toUpperCase()] ?? 6,
      sport: req.sourcePort ?? defaultTraceSourcePort(req.from, ipNumber(dip), req.port),
      dport: req.port,
    };
    return { names, source, itf, pkt };
  }

  private hash(c: Compute, pkt: Packet, fields: number): Hash64 {
    if (!c.ip)
      throw new NotFound(
        `compute ${c.name} has no virtual_router_ip_address: the agent's hash needs its router id`,
      );
    return hashFlow(
      ipNumber(c.ip),
      ipNumber(pkt.sip),
      ipNumber(pkt.dip),
      pkt.proto,
      pkt.sport,
      pkt.dport,
      { hi: 0, lo: 0 },
      fields,
    );
  }

  /** One ECMP pick over a composite on compute `c` (`ingress`: the packet came from a VM). */
  private async pick(
    c: Compute,
    nh: NhSandeshData,
    pkt: Packet,
    fields: number,
    ingress: boolean,
    maglev: boolean,
  ): Promise<{ slot: number; ecmp: TraceEcmp }> {
    const mcList = nh.mc_list ?? [];
    const hash = this.hash(c, pkt, fields);
    const seed = pickSeed(hash);
    let first: number | undefined;
    if (maglev) {
      const itfs = interfaceIndex((await this.reader.interfaces(c)).value);
      first = maglevFirst(mcList, (m) => itfs.ofComponent(m)?.uuid, hash);
    }
    const comps = pickComponents(mcList);
    const slot =
      first === undefined
        ? pickMember(comps, seed, INVALID_COMPONENT, ingress)
        : pickMember(comps, seed, INVALID_COMPONENT, ingress, first);
    return {
      slot,
      ecmp: {
        node: c.name,
        nexthopId: nh.nh_index,
        slot,
        slots: mcList.length,
        hash: hashToString(hash),
        seed,
        hashFields: hashFieldNames(fields),
      },
    };
  }

  /** A member interface on compute `c`: the pod and the port it receives on. */
  private async deliver(
    c: Compute,
    find: (itfs: InterfaceIndex) => ItfSandeshData | undefined,
    pkt: Packet,
  ): Promise<Outcome> {
    const itf = find(interfaceIndex((await this.reader.interfaces(c)).value));
    if (!itf) return noRoute;
    const port = memberPort(itf, pkt.dip, pkt.proto, pkt.dport);
    if (port === null) return { drop: 'SHORT_PORT_MAP_DROP' };
    return {
      member: { pod: podKeyOfVmName(itf.vm_name) ?? itf.vm_name, node: c.name, ip: itf.ip_addr, port },
    };
  }

  /** A packet arriving at compute `dip` over a tunnel with `label` (EgressProcess). */
  private async overTunnel(
    dip: string,
    label: number,
    pkt: Packet,
    maglev: boolean,
    picks: TraceEcmp[],
  ): Promise<Outcome> {
    const remote = this.reader.directory.byIp(dip);
    if (!remote) return noRoute;
    const target = await labelTarget(this.reader, remote, label);
    if (!target) return noRoute;
    const nh = target.nh;
    if (nh.type === 'interface') return this.deliver(remote, (i) => i.ofLabel(label) ?? i.ofNexthop(nh), pkt);
    if (!isCompositeType(nh.type)) return noRoute;
    // The hash fields are those of the remote's route for the destination that holds this
    // composite (flow-processor: the local composite's route).
    const fields = await this.localFields(remote, nh.nh_index, pkt.dip);
    const { slot, ecmp } = await this.pick(remote, nh, pkt, fields, false, maglev);
    picks.push(ecmp);
    const member = nh.mc_list?.[slot];
    if (slot === INVALID_COMPONENT || !member) return noRoute;
    return this.deliver(remote, (i) => i.ofComponent(member), pkt);
  }

  /** The hash fields of the remote's route for `dip` whose paths include the local composite. */
  private async localFields(c: Compute, composite: number, dip: string): Promise<number> {
    for (const vrf of (await this.reader.vrfs(c)).value) {
      const route = await routeFor(this.reader, c, vrf.ucindex, dip);
      if (route?.path_list.some((p) => p.nh.nh_index === composite))
        return maskOfPathHashingFields(route.path_list[0]?.ecmp_hashing_fields ?? '');
    }
    return maskOfPathHashingFields('');
  }

  /** The prediction: every pick and the member, from introspect and the config API alone. */
  async predict(req: TraceRequest): Promise<TraceResult> {
    const { names, source, itf, pkt } = await this.resolve(req);
    const maglev = names.maglev.has(pkt.dip);
    const picks: TraceEcmp[] = [];
    const vrf = await this.reader.vrf(source, itf.vrf_name);
    const route = await routeFor(this.reader, source, vrf.ucindex, pkt.dip);
    let outcome: Outcome = noRoute;
    const path = route?.path_list[0];
    if (path) {
      const nh = path.nh;
      const fields = maskOfPathHashingFields(path.ecmp_hashing_fields ?? '');
      if (isCompositeType(nh.type)) {
        const { slot, ecmp } = await this.pick(source, nh, pkt, fields, true, maglev);
        const member = nh.mc_list?.[slot];
        if (slot !== INVALID_COMPONENT && member) {
          picks.push(ecmp);
          if (member.type === 'Interface')
            outcome = await this.deliver(source, (i) => i.ofComponent(member), pkt);
          else if (member.type === 'Tunnel' && member.dip && member.label !== undefined)
            outcome = await this.overTunnel(member.dip, member.label, pkt, maglev, picks);
        }
      } else if (nh.type === 'interface')
        outcome = await this.deliver(source, (i) => i.ofLabel(path.label) ?? i.ofNexthop(nh), pkt);
      else if (nh.type === 'tunnel' && nh.dip)
        outcome = await this.overTunnel(nh.dip, path.label, pkt, maglev, picks);
    }
    return {
      sourceNode: source.name,
      ecmp: picks[0] ?? null,
      ecmpPicks: picks,
      whatIf: maglev ? 'maglev' : null,
      member: 'member' in outcome ? outcome.member : null,
      flows: [],
      dropReason: 'drop' in outcome ? outcome.drop : null,
      reused: false,
    };
  }

  /**
   * The flow the 5-tuple has in the flow tables, if any: the source compute's record
   * (FetchFlowRecord keyed by the interface's flow key next hop), its kernel entry and reverse,
   * and — when it left over a tunnel — the backend compute's NAT pair, whose reverse names the pod.
   */
  async observe(req: TraceRequest): Promise<ObservedTrace | null> {
    const { names, source, itf, pkt } = await this.resolve(req);
    const first = await this.flowPair(source, itf.flow_key_idx, pkt);
    if (!first) return null;
    const flows = [...first.flows];
    let at = first;
    let node = source;
    if (first.forward.action !== 'NAT') {
      // Forwarded to another compute: the one its ECMP slot (or route) tunnels to.
      const remote = await this.backendOf(source, itf, pkt, first.forward);
      const keyNh = remote ? await this.tunnelKeyNh(remote, source.ip) : undefined;
      const second = remote && keyNh !== undefined ? await this.flowPair(remote, keyNh, pkt) : null;
      if (!remote || !second) return { node: source.name, flows, member: null };
      flows.push(...second.flows);
      at = second;
      node = remote;
    }
    const reverse = at.reverse;
    const pod = reverse ? names.pods.get(reverse.sip) : undefined;
    return {
      node: source.name,
      flows,
      member: reverse && pod ? { pod: pod.pod, node: node.name, ip: reverse.sip, port: reverse.sport } : null,
    };
  }

  /** The forward flow for the packet on a compute, its reverse, both as trace rows. */
  private async flowPair(
    c: Compute,
    keyNh: number,
    pkt: Packet,
  ): Promise<{ forward: KFlowInfo; reverse: KFlowInfo | null; flows: TraceFlow[] } | null> {
    return this.reader.read(c, async (a) => {
      const record = await a.flowRecord({
        nh: keyNh,
        sip: pkt.sip,
        dip: pkt.dip,
        src_port: pkt.sport,
        dst_port: pkt.dport,
        protocol: pkt.proto,
      });
      if (!record) return null;
      const forward = await a.kflow(record.flow_handle);
      if (!forward) return null;
      const reverse = forward.rflow >= 0 ? await a.kflow(forward.rflow) : null;
      const rows = flowRows(reverse ? [forward, reverse] : [forward]);
      return {
        forward,
        reverse,
        flows: rows.map((row, i) =>
          traceFlowOf(c.name, row, {
            reverseIndex: row.rflow,
            direction: i === 0 ? 'forward' : 'reverse',
            // KFlowInfo carries no RPF next hop.
            rpfNh: 0,
            evicted: false,
          }),
        ),
      };
    });
  }

  /** Where a forwarded flow went: the tunnel of its ECMP slot, or of the route's single path. */
  private async backendOf(source: Compute, itf: ItfSandeshData, pkt: Packet, forward: KFlowInfo) {
    const vrf = await this.reader.vrf(source, itf.vrf_name);
    const route = await routeFor(this.reader, source, vrf.ucindex, pkt.dip);
    const nh = route?.path_list[0]?.nh;
    if (!nh) return undefined;
    const dip = isCompositeType(nh.type)
      ? forward.ecmp_index !== undefined
        ? nh.mc_list?.[forward.ecmp_index]?.dip
        : undefined
      : nh.dip;
    return dip ? this.reader.directory.byIp(dip) : undefined;
  }

  /** The backend's tunnel next hop toward the source compute: the key of flows that came over it. */
  private async tunnelKeyNh(remote: Compute, sourceIp: string): Promise<number | undefined> {
    return (await this.reader.nexthops(remote)).value.find((n) => n.type === 'tunnel' && n.dip === sourceIp)
      ?.nh_index;
  }
}

/** The trace view: the result, its mode, and what the flow tables say about the same 5-tuple. */
export function traceView(
  result: TraceResult,
  mode: TraceView['mode'],
  observed: ObservedTrace | null,
): TraceView {
  const m = observed?.member;
  return {
    ...result,
    mode,
    observed,
    agrees:
      observed === null || m === null || m === undefined
        ? null
        : result.member !== null && m.pod === result.member.pod && m.port === result.member.port,
  };
}
