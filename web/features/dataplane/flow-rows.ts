// Flow-table entries (KFlowResp) as the rows of `flow -l`: index<=>reverse, endpoints, protocol
// with VRF, action, `E:<slot>` for an ECMP choice, next hops and stats; plus the filter box.

import type { KFlowInfo } from '@model/dataplane/types.ts';

const PROTOCOLS: Readonly<Record<number, string>> = { 1: 'ICMP', 6: 'TCP', 17: 'UDP', 132: 'SCTP' };

export function protocolName(proto: number): string {
  return PROTOCOLS[proto] ?? String(proto);
}

export interface FlowRow {
  key: string;
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
  search: string;
}

export function flowRow(f: KFlowInfo): FlowRow {
  const index = `${f.index}<=>${f.rflow}`;
  const source = `${f.sip}:${f.sport}`;
  const destination = `${f.dip}:${f.dport}`;
  const ecmp = f.ecmp_index >= 0 ? `E:${f.ecmp_index}` : '';
  const row = {
    key: String(f.index),
    index,
    source,
    destination,
    protoVrf: `${f.proto} (${f.vrf_id})`,
    protocol: protocolName(f.proto),
    action: f.action,
    ecmp,
    nexthops: `K(nh):${f.nhid} S(nh):${f.rpf_nh}`,
    tcp: f.tcp_flags,
    stats: `${f.pkts}/${f.bytes}`,
  };
  return {
    ...row,
    search: [index, source, destination, row.protocol, f.action, ecmp].join(' ').toLowerCase(),
  };
}

export function filterFlowRows(rows: readonly FlowRow[], filter: string): readonly FlowRow[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  return words.length === 0 ? rows : rows.filter((r) => words.every((w) => r.search.includes(w)));
}
