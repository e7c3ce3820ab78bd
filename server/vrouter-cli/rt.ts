// `rt --dump <vrf>` text (tf-vrouter utils/rt.c: dump_legend, vr_print_rtable_header,
// route_req_process) from KRouteInfo rows, one per kernel mtrie entry. Pure and streamable.

import {
  VR_RT_ARP_FLOOD_FLAG,
  VR_RT_ARP_PROXY_FLAG,
  VR_RT_ARP_TRAP_FLAG,
  VR_RT_LABEL_VALID_FLAG,
  VR_RT_MAC_IP_LEARNT_FLAG,
  type RouteRow,
} from '@model/dataplane/vrouter-cli-input.ts';
import { etherNtoa, padEnd, padStart, spaces } from './printf.ts';

/** The legend, title and column header `rt --dump` prints first (inet family). */
export function rtDumpHeader(vrfId: number): string {
  return (
    'Flags: L=Label Valid, P=Proxy ARP, T=Trap ARP, F=Flood ARP, Ml=MAC-IP learnt route\n' +
    `vRouter inet4 routing table 0/${vrfId}/unicast\n` +
    'Destination           PPL        Flags        Label         Nexthop    Stitched MAC(Index)\n'
  );
}

/**
 * The kernel label flags of a row: `rtr_label_flags` when known, else what KRouteInfo's
 * `label_flags` text keeps (kstate/route_kstate.cc LabelFlagsToString: "MPLS " and "PROXY-ARP";
 * trap, flood and MAC-IP-learnt do not survive it).
 */
export function routeLabelFlags(row: RouteRow): number {
  if (row.rtr_label_flags !== undefined) return row.rtr_label_flags;
  let flags = 0;
  if (row.label_flags.includes('MPLS')) flags |= VR_RT_LABEL_VALID_FLAG;
  if (row.label_flags.includes('PROXY-ARP')) flags |= VR_RT_ARP_PROXY_FLAG;
  return flags;
}

/** One route line (route_req_process). */
export function rtDumpLine(row: RouteRow): string {
  const flags = routeLabelFlags(row);
  const dest = `${row.prefix}/${padEnd(row.prefix_len, 2)}`;
  let letters = '';
  if (flags & VR_RT_LABEL_VALID_FLAG) letters += 'L';
  if (flags & VR_RT_ARP_PROXY_FLAG) letters += 'P';
  if (flags & VR_RT_ARP_TRAP_FLAG) letters += 'T';
  if (flags & VR_RT_ARP_FLOOD_FLAG) letters += 'F';
  if (flags & VR_RT_MAC_IP_LEARNT_FLAG) letters += 'Ml';
  const label = flags & VR_RT_LABEL_VALID_FLAG ? padStart(row.label, 5) : padStart('-', 5);
  const mac = row.rtr_mac !== '' ? `${etherNtoa(row.rtr_mac)}(${row.index})` : '-';
  return `${dest}${spaces(21 - dest.length)}${padStart(row.replace_plen, 4)}${spaces(8)}${padStart(letters, 5)}${spaces(6)}${label}${spaces(8)}${padStart(row.nh_id, 7)}${spaces(8)}${mac}\n`;
}
