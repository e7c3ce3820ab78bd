// A flow-table entry (KFlowInfo) as a row of `flow -l`: index<=>reverse, endpoints, protocol with
// VRF, action, `E:<slot>` for an ECMP choice, next hops and stats; and the trace of its 5-tuple.

import type { EntityNames } from '@model/api/dataplane-views.ts';
import type { KFlowInfo } from '@model/dataplane/types.ts';

const PROTOCOLS: Readonly<Record<number, string>> = { 1: 'ICMP', 6: 'TCP', 17: 'UDP', 132: 'SCTP' };

export function protocolName(proto: number): string {
  return PROTOCOLS[proto] ?? String(proto);
}

export interface FlowRow {
  index: string;
  source: string;
  destination: string;
  /** `6 (3)`: protocol number and VRF, as `flow -l` prints `Proto(V)`. */
  protoVrf: string;
  protocol: string;
  action: string;
  /** `E:<slot>` when an ECMP member was chosen, else empty. */
  ecmp: string;
  nexthops: string;
  tcp: string;
  stats: string;
}

export function flowRow(f: KFlowInfo): FlowRow {
  return {
    index: `${f.index}<=>${f.rflow}`,
    source: `${f.sip}:${f.sport}`,
    destination: `${f.dip}:${f.dport}`,
    protoVrf: `${f.proto} (${f.vrf_id})`,
    protocol: protocolName(f.proto),
    action: f.action,
    ecmp: f.ecmp_index >= 0 ? `E:${f.ecmp_index}` : '',
    nexthops: `K(nh):${f.nhid} S(nh):${f.rpf_nh}`,
    tcp: f.tcp_flags,
    stats: `${f.pkts}/${f.bytes}`,
  };
}

/**
 * The trace form's fields for a flow's 5-tuple: from its source pod (a flow's `names.pod`) to its
 * destination; null for a protocol the trace does not send (only TCP and UDP).
 */
export function traceParams(f: KFlowInfo, names: EntityNames): Record<string, string> | null {
  const proto = f.proto === 6 ? 'TCP' : f.proto === 17 ? 'UDP' : null;
  if (proto === null || f.dport === 0) return null;
  return {
    ...(names.pod ? { from: names.pod } : {}),
    to: f.dip,
    proto,
    port: String(f.dport),
    sport: String(f.sport),
  };
}
