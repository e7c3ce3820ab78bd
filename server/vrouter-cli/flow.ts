// `flow -l` text (tf-vrouter utils/flow.c: flow_dump_table, flow_dump_legend,
// print_new_line_if_required, flow_get_drop_reason) from KFlowInfo rows. Pure and streamable.
//
// KFlowInfo keeps some kernel fields only as the agent's text (kstate/flow_kstate.cc): flags as
// " ACTIVE | DNAT …" — where FlagToStr tests SPAT twice and never DPAT, so `Pd` is lost — TCP
// state as " SYN | SYN_R …", the action as FORWARD/DROP/NAT/HOLD and the drop reason through
// DropCodeToStr, which has no name for a port-map drop ("Unknown"). It has no RPF next hop
// (`S(nh)`) and no source info (`Sinfo`). The `fe_*` fields of a FlowRow restore all of these.

import {
  VR_FLOW_FLAG_DELETE_MARKED,
  VR_FLOW_FLAG_DNAT,
  VR_FLOW_FLAG_DPAT,
  VR_FLOW_FLAG_EVICTED,
  VR_FLOW_FLAG_EVICT_CANDIDATE,
  VR_FLOW_FLAG_LINK_LOCAL,
  VR_FLOW_FLAG_MIRROR,
  VR_FLOW_FLAG_MODIFIED,
  VR_FLOW_FLAG_NEW_FLOW,
  VR_FLOW_FLAG_SNAT,
  VR_FLOW_FLAG_SPAT,
  VR_FLOW_FLAG_VRFT,
  VR_FLOW_TCP_DEAD,
  VR_FLOW_TCP_ESTABLISHED,
  VR_FLOW_TCP_ESTABLISHED_R,
  VR_FLOW_TCP_FIN,
  VR_FLOW_TCP_FIN_R,
  VR_FLOW_TCP_HALF_CLOSE,
  VR_FLOW_TCP_RST,
  VR_FLOW_TCP_SYN,
  VR_FLOW_TCP_SYN_R,
  type FlowRow,
  type FlowSlot,
  type FlowTableInfo,
} from '@model/dataplane/vrouter-cli-input.ts';
import { hostOrderIpv4, padEnd, padStart, spaces } from './printf.ts';
import type { TraceFlow } from '@model/dataplane/types.ts';

/** flow_get_drop_reason(): the kernel's VR_FLOW_DR_* codes by value. */
const DROP_REASONS: readonly string[] = [
  'Unknown',
  'IntfErr',
  'Ipv4Dis',
  'VrfErr',
  'NoSrcRt',
  'NoDstRt',
  'Audit',
  'VrfChange',
  'NoRevFlow',
  'RevFlowChng',
  'NatChng',
  'FlowLim',
  'LinkSrcNatErr',
  'VrouterInstallFail',
  'InvalidL2Flow',
  'TSNFlow',
  'NoMirrorentry',
  'SameFlowRflowKey',
  'NoFipPortMap',
  'NoSrcRtRpfNh',
  'FatFlowNatConflict',
  'Policy',
  'OutPolicy',
  'SG',
  'OutSG',
  'RevSG',
  'RevOutSG',
  'FwPolicy',
  'OutFwPolicy',
  'RevFwPolicy',
  'RevOutFwPolicy',
  'FWAASPolicy',
  'OutFWAASPolicy',
  'RevFWAASPolicy',
  'RevOutFWAASPolicy',
];

const FLAG_WORDS: Readonly<Record<string, number>> = {
  MIRROR: VR_FLOW_FLAG_MIRROR,
  VRFT: VR_FLOW_FLAG_VRFT,
  SNAT: VR_FLOW_FLAG_SNAT,
  SPAT: VR_FLOW_FLAG_SPAT,
  DNAT: VR_FLOW_FLAG_DNAT,
  DPAT: VR_FLOW_FLAG_DPAT,
  LINK_LOCAL: VR_FLOW_FLAG_LINK_LOCAL,
  EVICTED: VR_FLOW_FLAG_EVICTED,
  EVICT_CANDIDATE: VR_FLOW_FLAG_EVICT_CANDIDATE,
  NEW_FLOW: VR_FLOW_FLAG_NEW_FLOW,
  MODIFIED: VR_FLOW_FLAG_MODIFIED,
};

const TCP_WORDS: Readonly<Record<string, number>> = {
  SYN: VR_FLOW_TCP_SYN,
  SYN_R: VR_FLOW_TCP_SYN_R,
  ESTB: VR_FLOW_TCP_ESTABLISHED,
  ESTB_R: VR_FLOW_TCP_ESTABLISHED_R,
  FIN: VR_FLOW_TCP_FIN,
  FIN_R: VR_FLOW_TCP_FIN_R,
  RST: VR_FLOW_TCP_RST,
  HALF_CLOSE: VR_FLOW_TCP_HALF_CLOSE,
  DEAD: VR_FLOW_TCP_DEAD,
};

function wordsToBits(text: string | undefined, table: Readonly<Record<string, number>>): number {
  let bits = 0;
  for (const w of (text ?? '').split(/[\s|]+/)) bits |= table[w] ?? 0;
  return bits;
}

export const flowFlags = (row: FlowRow): number => row.fe_flags ?? wordsToBits(row.flags, FLAG_WORDS);
export const flowTcpFlags = (row: FlowRow): number =>
  row.fe_tcp_flags ?? wordsToBits(row.tcp_flags, TCP_WORDS);

/** The header, counters and legend (flow_dump_table's first lines and flow_dump_legend). */
export function flowListHeader(t: FlowTableInfo): string {
  return (
    `Flow table(size ${t.ft_span}, entries ${t.ft_num_entries})\n\n` +
    // The missing space before "Processed" is the tool's own.
    `Entries: Created ${t.ft_created} Added ${t.ft_added} Deleted ${t.ft_deleted} Changed ${t.ft_changed}Processed ${t.ft_processed} Used Overflow entries ${t.ft_oflow_entries}\n` +
    `(Created Flows/CPU: ${t.ft_hold_stat.join(' ')})(oflows ${t.ft_hold_oflows})\n\n` +
    'Action:F=Forward, D=Drop N=NAT(S=SNAT, D=DNAT, Ps=SPAT, Pd=DPAT, L=Link Local Port)\n' +
    ' Other:K(nh)=Key_Nexthop, S(nh)=RPF_Nexthop\n' +
    ' Flags:E=Evicted, Ec=Evict Candidate, N=New Flow, M=Modified Dm=Delete Marked\n' +
    'TCP(r=reverse):S=SYN, F=FIN, R=RST, C=HalfClose, E=Established, D=Dead\n\n' +
    `    Index            ${spaces(4)}Source:Port/Destination:Port                  ${spaces(4)}Proto(V)\n` +
    `${'-'.repeat(83)}\n`
  );
}

/**
 * A kernel flow row as the trace shows it: its key, action (as `flow -l` prints it), ECMP index,
 * next hops and counters. How it is reached (its reverse, direction, RPF next hop, eviction) is
 * the caller's: the simulation knows them, introspect says less.
 */
export function traceFlowOf(
  node: string,
  row: FlowRow,
  how: Pick<TraceFlow, 'reverseIndex' | 'direction' | 'rpfNh' | 'evicted'>,
): TraceFlow {
  return {
    node,
    index: row.index,
    reverseIndex: how.reverseIndex,
    action: flowActionText(row),
    direction: how.direction,
    sip: row.sip,
    sport: row.sport,
    dip: row.dip,
    dport: row.dport,
    proto: row.proto,
    vrf: row.vrf_id,
    ecmpIndex: row.ecmp_index ?? null,
    keyNh: row.nhid,
    rpfNh: how.rpfNh,
    packets: row.pkts,
    bytes: row.bytes,
    evicted: how.evicted,
  };
}

/** The action letter with its NAT flags or drop reason (`N(DPd)`, `D(NoDstRt)`, `F`). */
export function flowActionText(row: FlowRow): string {
  const flags = flowFlags(row);
  switch (row.action) {
    case 'HOLD':
      return 'H';
    case 'FORWARD':
      return 'F';
    case 'DROP': {
      const reason = row.fe_drop_reason !== undefined ? DROP_REASONS[row.fe_drop_reason] : row.drop_reason;
      return `D(${reason ?? row.fe_drop_reason})`;
    }
    case 'NAT': {
      let s = '';
      // Bit order: SNAT 0x2, SPAT 0x4, DNAT 0x8, DPAT 0x10, LINK_LOCAL 0x8000.
      if (flags & VR_FLOW_FLAG_SNAT) s += 'S';
      if (flags & VR_FLOW_FLAG_SPAT) s += 'Ps';
      if (flags & VR_FLOW_FLAG_DNAT) s += 'D';
      if (flags & VR_FLOW_FLAG_DPAT) s += 'Pd';
      if (flags & VR_FLOW_FLAG_LINK_LOCAL) s += 'L';
      return `N(${s})`;
    }
    default:
      return 'U';
  }
}

export function tcpFlagsText(bits: number): string {
  return (
    (bits & VR_FLOW_TCP_SYN ? 'S' : '') +
    (bits & VR_FLOW_TCP_SYN_R ? 'Sr' : '') +
    (bits & VR_FLOW_TCP_ESTABLISHED ? 'E' : '') +
    (bits & VR_FLOW_TCP_ESTABLISHED_R ? 'Er' : '') +
    (bits & VR_FLOW_TCP_FIN ? 'F' : '') +
    (bits & VR_FLOW_TCP_FIN_R ? 'Fr' : '') +
    (bits & VR_FLOW_TCP_RST ? 'R' : '') +
    (bits & VR_FLOW_TCP_HALF_CLOSE ? 'C' : '') +
    (bits & VR_FLOW_TCP_DEAD ? 'D' : '')
  );
}

/** One flow's three lines (without the trailing blank line). */
export function flowEntryText(row: FlowRow): string {
  const flags = flowFlags(row);
  let out = padStart(row.index, 9);
  out += row.rflow >= 0 ? `<=>${padEnd(row.rflow, 9)}` : spaces(12);
  out += spaces(4);
  const src = `${row.sip}:${padEnd(row.sport, 5)}`;
  out += src + spaces(46 - src.length) + spaces(4);
  out += `${padStart(row.proto, 3)} (${row.vrf_id}${flags & VR_FLOW_FLAG_VRFT ? `->${row.d_vrf_id}` : ''})\n`;
  out += `${spaces(25)}${row.dip}:${padEnd(row.dport, 5)}\n`;
  let line = `(Gen: ${row.gen_id}, K(nh):${row.nhid}, Action:${flowActionText(row)}, Flags:`;
  if (flags & VR_FLOW_FLAG_EVICTED) line += 'E';
  if (flags & VR_FLOW_FLAG_EVICT_CANDIDATE) line += 'Ec';
  if (flags & VR_FLOW_FLAG_NEW_FLOW) line += 'N';
  if (flags & VR_FLOW_FLAG_MODIFIED) line += 'M';
  if (flags & VR_FLOW_FLAG_DELETE_MARKED) line += 'Dm';
  line += ', ';
  if (row.proto === 6) line += `TCP:${tcpFlagsText(flowTcpFlags(row))}, `;
  if (row.ecmp_index !== undefined && row.ecmp_index >= 0) line += `E:${row.ecmp_index}, `;
  line += `QOS:${row.qos_id}, `;
  line += `S(nh):${row.fe_src_nh_index ?? 0}, `;
  out += line;
  let printed = line.length;
  const wrap = () => {
    if (printed >= 70) {
      out += '\n';
      printed = 0;
    }
  };
  wrap();
  const stats = ` Stats:${row.pkts >>> 0}/${row.bytes >>> 0}, `;
  out += stats;
  printed += stats.length;
  wrap();
  const sport = ` SPort ${row.underlay_udp_sport},`;
  out += sport;
  printed += sport.length;
  wrap();
  // The tool does not add the TTL field to the printed count.
  out += ` TTL ${row.ttl},`;
  wrap();
  out += ` Sinfo ${hostOrderIpv4(row.fe_src_info ?? 0)})`;
  return out;
}

/** The text of one slot, ending with its blank line; empty for a slot with nothing to print. */
export function flowSlotText(slot: FlowSlot): string {
  let out = slot.row ? flowEntryText(slot.row) : '';
  if (slot.overflow && slot.overflow.length > 0) {
    if (!slot.row) out += padStart(slot.index, 6);
    out += '\n     Oflow entries:\n\t';
    let j = 0;
    for (const o of slot.overflow) {
      const part = ` ${o}`;
      out += part;
      j += part.length;
      if (j > 65) {
        out += '\n     ';
        j = 0;
      }
    }
  }
  return slot.row || (slot.overflow && slot.overflow.length > 0) ? `${out}\n\n` : '';
}

/** `flow -l`: header, then every slot in table order. */
export function* renderFlowList(table: FlowTableInfo, slots: Iterable<FlowSlot>): Generator<string> {
  yield flowListHeader(table);
  for (const slot of slots) yield flowSlotText(slot);
}
