// `nh --get <id>` and `nh --list` text (tf-vrouter utils/nh.c: nh_type, nh_flags,
// nh_ecmp_config_hash_str, nexthop_req_process) from KNHInfo rows. Pure and streamable.
//
// KNHInfo keeps the kernel flags only as the agent's text (kstate/nh_kstate.cc FlagsToString:
// VALID, POLICY, TUNNEL_GRE, TUNNEL_UDP, TUNNEL_MPLS_UDP, ECMP, FABRIC_MULTICAST,
// TUNNEL_SIP_COPY) and has no hash config; `nhr_flags` / `nhr_ecmp_config_hash` restore them.

import {
  NH_FLAG_COMPOSITE_ECMP,
  NH_FLAG_COMPOSITE_ENCAP,
  NH_FLAG_COMPOSITE_EVPN,
  NH_FLAG_COMPOSITE_FABRIC,
  NH_FLAG_COMPOSITE_TOR,
  NH_FLAG_CRYPT_TRAFFIC,
  NH_FLAG_ETREE_ROOT,
  NH_FLAG_FLOW_LOOKUP,
  NH_FLAG_INDIRECT,
  NH_FLAG_L2_CONTROL_DATA,
  NH_FLAG_L3_VXLAN,
  NH_FLAG_MAC_LEARN,
  NH_FLAG_MCAST,
  NH_FLAG_POLICY_ENABLED,
  NH_FLAG_RELAXED_POLICY,
  NH_FLAG_ROUTE_LOOKUP,
  NH_FLAG_TUNNEL_GRE,
  NH_FLAG_TUNNEL_MPLS_O_MPLS,
  NH_FLAG_TUNNEL_PBB,
  NH_FLAG_TUNNEL_SIP_COPY,
  NH_FLAG_TUNNEL_UDP,
  NH_FLAG_TUNNEL_UDP_MPLS,
  NH_FLAG_TUNNEL_UNDERLAY_ECMP,
  NH_FLAG_TUNNEL_VXLAN,
  NH_FLAG_UNKNOWN_UC_FLOOD,
  NH_FLAG_VALID,
  type NhRow,
} from '@model/dataplane/vrouter-cli-input.ts';
import {
  NH_ECMP_CONFIG_HASH_DST_IP,
  NH_ECMP_CONFIG_HASH_DST_PORT,
  NH_ECMP_CONFIG_HASH_PROTO,
  NH_ECMP_CONFIG_HASH_SRC_IP,
  NH_ECMP_CONFIG_HASH_SRC_PORT,
} from '@model/dataplane/ecmp-load-balance.ts';
import { padEnd, padStart } from './printf.ts';

const CONTINUATION = `\n${' '.repeat(14)}`;

/** nh_type() from the agent's TypeToString spelling. */
const TYPE_TEXT: Readonly<Record<string, string>> = {
  DEAD: 'Dead',
  RECEIVE: 'Receive',
  L2_RECEIVE: 'L2 Receive',
  ENCAP: 'Encap',
  TUNNEL: 'Tunnel',
  DISCARD: 'Drop',
  RESOLVE: 'Resolve',
  COMPOSITE: 'Composite',
  VRF_TRANSLATE: 'Vrf_Translate',
};

/** The kernel flags of a row: `nhr_flags` when known, else what the agent's text keeps. */
export function nhFlags(row: NhRow): number {
  if (row.nhr_flags !== undefined) return row.nhr_flags;
  const words = new Set(row.flags.split(/[\s|]+/).filter((w) => w !== ''));
  let flags = 0;
  if (words.has('VALID')) flags |= NH_FLAG_VALID;
  if (words.has('POLICY')) flags |= NH_FLAG_POLICY_ENABLED;
  if (words.has('TUNNEL_GRE')) flags |= NH_FLAG_TUNNEL_GRE;
  if (words.has('TUNNEL_UDP')) flags |= NH_FLAG_TUNNEL_UDP;
  if (words.has('TUNNEL_MPLS_UDP')) flags |= NH_FLAG_TUNNEL_UDP_MPLS;
  if (words.has('ECMP')) flags |= NH_FLAG_COMPOSITE_ECMP;
  if (words.has('FABRIC_MULTICAST')) flags |= NH_FLAG_COMPOSITE_FABRIC;
  if (words.has('TUNNEL_SIP_COPY')) flags |= NH_FLAG_TUNNEL_SIP_COPY;
  return flags;
}

/** nh_flags(): each set bit's name followed by `, `, in bit order; `None` for no flags. */
export function nhFlagsText(flags: number, type: string): string {
  if (!flags) return 'None';
  let out = '';
  for (let i = 0; i < 32; i++) {
    switch ((flags >>> 0) & (1 << i)) {
      case NH_FLAG_VALID:
        out += 'Valid, ';
        break;
      case NH_FLAG_POLICY_ENABLED:
        out += 'Policy, ';
        break;
      case NH_FLAG_RELAXED_POLICY:
        out += 'Policy(R), ';
        break;
      case NH_FLAG_FLOW_LOOKUP:
        out += 'Flow Lookup, ';
        break;
      case NH_FLAG_TUNNEL_GRE:
        if (type === 'TUNNEL') out += `${flags & NH_FLAG_TUNNEL_MPLS_O_MPLS ? 'MPLSo' : ''}MPLSoGRE, `;
        break;
      case NH_FLAG_TUNNEL_UDP_MPLS:
        if (type === 'TUNNEL') out += `${flags & NH_FLAG_TUNNEL_MPLS_O_MPLS ? 'MPLSo' : ''}MPLSoUDP, `;
        break;
      case NH_FLAG_TUNNEL_UDP:
        if (type === 'TUNNEL') out += 'Udp, ';
        break;
      case NH_FLAG_COMPOSITE_ECMP:
        if (type === 'COMPOSITE') out += 'Ecmp, ';
        break;
      case NH_FLAG_COMPOSITE_FABRIC:
        if (type === 'COMPOSITE') out += 'Fabric, ';
        break;
      case NH_FLAG_COMPOSITE_EVPN:
        if (type === 'COMPOSITE') out += 'Evpn, ';
        break;
      case NH_FLAG_COMPOSITE_TOR:
        if (type === 'COMPOSITE') out += 'Tor, ';
        break;
      case NH_FLAG_COMPOSITE_ENCAP:
        if (type === 'COMPOSITE') out += 'Encap, ';
        break;
      case NH_FLAG_MCAST:
        out += 'Multicast, ';
        break;
      case NH_FLAG_ROUTE_LOOKUP:
        out += 'RouteLookup, ';
        break;
      case NH_FLAG_L3_VXLAN:
        out += 'l3_vxlan, ';
        break;
      case NH_FLAG_TUNNEL_VXLAN:
        out += 'Vxlan, ';
        break;
      case NH_FLAG_UNKNOWN_UC_FLOOD:
        out += 'Unicast Flood, ';
        break;
      case NH_FLAG_TUNNEL_SIP_COPY:
        out += 'Copy SIP, ';
        break;
      case NH_FLAG_TUNNEL_PBB:
        out += 'Pbb, ';
        break;
      case NH_FLAG_INDIRECT:
        out += 'Indirect, ';
        break;
      case NH_FLAG_ETREE_ROOT:
        out += 'Etree Root, ';
        break;
      case NH_FLAG_MAC_LEARN:
        out += 'Mac Learn, ';
        break;
      case NH_FLAG_L2_CONTROL_DATA:
        out += 'Evpn Control Word, ';
        break;
      case NH_FLAG_CRYPT_TRAFFIC:
        out += 'Encrypt Traffic, ';
        break;
      case NH_FLAG_TUNNEL_UNDERLAY_ECMP:
        out += 'Underlay Ecmp, ';
        break;
    }
  }
  return out;
}

/** nh_ecmp_config_hash_str(): bit order Proto, SrcIP, SrcPort, DstIp, DstPort (no trailing comma on the last). */
export function ecmpConfigHashText(hash: number): string {
  let out = '';
  for (let i = 0; i < 5; i++) {
    switch (hash & (1 << i)) {
      case NH_ECMP_CONFIG_HASH_PROTO:
        out += 'Proto,';
        break;
      case NH_ECMP_CONFIG_HASH_SRC_IP:
        out += 'SrcIP,';
        break;
      case NH_ECMP_CONFIG_HASH_SRC_PORT:
        out += 'SrcPort,';
        break;
      case NH_ECMP_CONFIG_HASH_DST_IP:
        out += 'DstIp,';
        break;
      case NH_ECMP_CONFIG_HASH_DST_PORT:
        out += 'DstPort';
        break;
    }
  }
  return out;
}

/** Hex pairs of KNHInfo.encap (EncapToString writes them without separators). */
function encapBytes(row: NhRow): string[] {
  const hex = row.encap ?? '';
  const out: string[] = [];
  for (let i = 0; i + 1 < hex.length; i += 2) out.push(hex.slice(i, i + 2));
  return out;
}

/** One next hop block (nexthop_req_process), ending with a blank line. */
export function nhBlock(row: NhRow): string {
  const flags = nhFlags(row);
  const type = row.type;
  let text =
    `Id:${padEnd(row.id, 9)}  Type:${padEnd(TYPE_TEXT[type] ?? 'Invalid', 13)}  Fmly:${padStart(row.family === 'INVALID' ? 'N/A' : row.family, 8)}` +
    `  Rid:${row.rid}  Ref_cnt:${padEnd(row.ref_cnt, 10)} Vrf:${row.vrf}`;
  text += `${CONTINUATION}Flags:${nhFlagsText(flags, type)}`;
  const oif = row.encap_oif_id?.[0] ?? 0;
  const data = encapBytes(row);
  const len = row.encap_len ?? data.length;
  if (type === 'RECEIVE') {
    text += `${CONTINUATION}Oif:${oif}`;
  } else if (type === 'ENCAP') {
    const family = row.encap_family === 'ETH_P_ARP' ? 0x0806 : 0;
    text += `${CONTINUATION}EncapFmly:${family.toString(16).padStart(4, '0')} Oif:${oif} Len:${len}`;
    text += `${CONTINUATION}Encap Data: ${data.map((b) => `${b} `).join('')}`;
  } else if (type === 'TUNNEL') {
    text += `${CONTINUATION}Oif:${oif} Len:${len} Data:${data.map((b) => `${b} `).join('')}${CONTINUATION}`;
    text += `Sip:${row.tun_sip ?? '0.0.0.0'} Dip:${row.tun_dip ?? '0.0.0.0'}`;
    if (flags & NH_FLAG_TUNNEL_UDP)
      text += `${CONTINUATION}Sport:${row.tun_sport ?? 0} Dport:${row.tun_dport ?? 0}\n`;
  } else if (type === 'COMPOSITE') {
    if (flags & NH_FLAG_COMPOSITE_ECMP && row.nhr_ecmp_config_hash)
      text += `${CONTINUATION}Valid Hash Key Parameters: ${ecmpConfigHashText(row.nhr_ecmp_config_hash)}`;
    text += `${CONTINUATION}Sub NH(label):`;
    let printed = 0;
    for (const c of row.component_nh ?? []) {
      if (printed > 60) {
        text += `${CONTINUATION}${' '.repeat(14)}`;
        printed = 0;
      }
      const part = ` ${c.nh_id}${c.label >= 0 ? `(${c.label})` : ''}`;
      text += part;
      printed += part.length;
    }
  }
  return `${text}\n\n`;
}

/** `nh --list`: every next hop in id order. */
export function* renderNhList(rows: Iterable<NhRow>): Generator<string> {
  for (const row of rows) yield nhBlock(row);
}

/**
 * `nh --get <id>`: the next hop, then (recursively) every component of a composite, skipping
 * `-1` holes, in component order. `lookup` returns a row by id.
 */
export function* renderNhGet(row: NhRow, lookup: (id: number) => NhRow | undefined): Generator<string> {
  yield nhBlock(row);
  if (row.type !== 'COMPOSITE') return;
  for (const c of row.component_nh ?? []) {
    if (c.nh_id === -1) continue;
    const sub = lookup(c.nh_id);
    if (sub) yield* renderNhGet(sub, lookup);
  }
}
