// `vif --list` text (tf-vrouter utils/vif.c: vr_interface_print_header, list_get_print,
// vr_if_flags, vr_get_if_type_string) for a kernel-mode vRouter, from KInterfaceInfo rows. Pure.
//
// KInterfaceInfo keeps the interface flags only as the agent's text (kstate/interface_kstate.cc
// FlagsToString: POLICY, MIRR_RX, MIRR_TX) and has no multicast VRF or drop count; `vifr_flags`,
// `vifr_mcast_vrf` and `vifr_dpackets` restore them. Without them the multicast VRF prints as the
// VRF and drops as 0.

import {
  VIF_FLAG_DHCP_ENABLED,
  VIF_FLAG_DROP_NEW_FLOWS,
  VIF_FLAG_ETREE_ROOT,
  VIF_FLAG_FILTERING_OFFLOAD,
  VIF_FLAG_HBS_LEFT,
  VIF_FLAG_HBS_RIGHT,
  VIF_FLAG_IGMP_ENABLED,
  VIF_FLAG_L2_ENABLED,
  VIF_FLAG_L3_ENABLED,
  VIF_FLAG_MAC_IP_LEARNING,
  VIF_FLAG_MAC_LEARN,
  VIF_FLAG_MAC_PROXY,
  VIF_FLAG_MIRROR_NOTAG,
  VIF_FLAG_MIRROR_RX,
  VIF_FLAG_MIRROR_TX,
  VIF_FLAG_MONITORED,
  VIF_FLAG_NATIVE_VLAN_TAG,
  VIF_FLAG_NO_ARP_PROXY,
  VIF_FLAG_PMD,
  VIF_FLAG_POLICY_ENABLED,
  VIF_FLAG_PROMISCOUS,
  VIF_FLAG_SERVICE_IF,
  VIF_FLAG_TX_CSUM_OFFLOAD,
  VIF_FLAG_UNKNOWN_UC_FLOOD,
  VIF_FLAG_VHOST_PHYS,
  VIF_FLAG_VLAN_OFFLOAD,
  VIF_FLAG_XCONNECT,
  type VifRow,
} from '@model/dataplane/vrouter-cli-input.ts';
import { macFormat, padEnd } from './printf.ts';

/** flag_metadata[] in utils/vif.c order: symbol and legend text. */
const FLAGS: readonly (readonly [number, string, string])[] = [
  [VIF_FLAG_POLICY_ENABLED, 'P', 'Policy'],
  [VIF_FLAG_XCONNECT, 'X', 'Cross Connect'],
  [VIF_FLAG_SERVICE_IF, 'S', 'Service Chain'],
  [VIF_FLAG_MIRROR_RX, 'Mr', 'Receive Mirror'],
  [VIF_FLAG_MIRROR_TX, 'Mt', 'Transmit Mirror'],
  [VIF_FLAG_TX_CSUM_OFFLOAD, 'Tc', 'Transmit Checksum Offload'],
  [VIF_FLAG_L3_ENABLED, 'L3', 'Layer 3'],
  [VIF_FLAG_L2_ENABLED, 'L2', 'Layer 2'],
  [VIF_FLAG_DHCP_ENABLED, 'D', 'DHCP'],
  [VIF_FLAG_VHOST_PHYS, 'Vp', 'Vhost Physical'],
  [VIF_FLAG_PROMISCOUS, 'Pr', 'Promiscuous'],
  [VIF_FLAG_NATIVE_VLAN_TAG, 'Vnt', 'Native Vlan Tagged'],
  [VIF_FLAG_NO_ARP_PROXY, 'Mnp', 'No MAC Proxy'],
  [VIF_FLAG_PMD, 'Dpdk', 'DPDK PMD Interface'],
  [VIF_FLAG_FILTERING_OFFLOAD, 'Rfl', 'Receive Filtering Offload'],
  [VIF_FLAG_MONITORED, 'Mon', 'Interface is Monitored'],
  [VIF_FLAG_UNKNOWN_UC_FLOOD, 'Uuf', 'Unknown Unicast Flood'],
  [VIF_FLAG_VLAN_OFFLOAD, 'Vof', 'VLAN insert/strip offload'],
  [VIF_FLAG_DROP_NEW_FLOWS, 'Df', 'Drop New Flows'],
  [VIF_FLAG_MAC_LEARN, 'L', 'MAC Learning Enabled'],
  [VIF_FLAG_MAC_PROXY, 'Proxy', 'MAC Requests Proxied Always'],
  [VIF_FLAG_ETREE_ROOT, 'Er', 'Etree Root'],
  [VIF_FLAG_MIRROR_NOTAG, 'Mn', 'Mirror without Vlan Tag'],
  [VIF_FLAG_HBS_LEFT, 'HbsL', 'HBS Left Intf'],
  [VIF_FLAG_HBS_RIGHT, 'HbsR', 'HBS Right Intf'],
  [VIF_FLAG_IGMP_ENABLED, 'Ig', 'Igmp Trap Enabled'],
  [VIF_FLAG_MAC_IP_LEARNING, 'Ml', 'MAC-IP Learning Enabled'],
];

/** vr_interface_print_header: the title and the flag legend, four per line. */
export function vifListHeader(): string {
  let out = 'Vrouter Interface Table\n\nFlags: ';
  FLAGS.forEach(([, symbol, text], i) => {
    if (i) out += i % 4 ? ', ' : '\n       ';
    out += `${symbol}=${text}`;
  });
  return `${out}\n\n`;
}

/** The kernel flags of a row: `vifr_flags` when known, else what the agent's text keeps. */
export function vifFlags(row: VifRow): number {
  if (row.vifr_flags !== undefined) return row.vifr_flags;
  let flags = 0;
  if (row.flags.includes('POLICY')) flags |= VIF_FLAG_POLICY_ENABLED;
  if (row.flags.includes('MIRR_RX')) flags |= VIF_FLAG_MIRROR_RX;
  if (row.flags.includes('MIRR_TX')) flags |= VIF_FLAG_MIRROR_TX;
  return flags;
}

/** vr_if_flags: the symbols of the set flags, concatenated. */
export function vifFlagsText(flags: number): string {
  return flags
    ? FLAGS.filter(([bit]) => (flags & bit) !== 0)
        .map(([, s]) => s)
        .join('')
    : 'NULL';
}

/** KInterfaceInfo's TypeToString spelling → vr_get_if_type_string. */
const TYPE_TEXT: Readonly<Record<string, string>> = {
  HOST: 'Host',
  AGENT: 'Agent',
  PHYSICAL: 'Physical',
  VIRTUAL: 'Virtual',
};

const HEAD = ' '.repeat(12);

/** One interface block (list_get_print, kernel platform), ending with its blank line. */
export function vifBlock(row: VifRow): string {
  const flags = vifFlags(row);
  const first = `vif${row.rid}/${row.idx}`;
  let out = padEnd(first, 12);
  out += row.os_idx > 0 ? `OS: ${row.name}` : `    ${row.name}`;
  if (row.type === 'PHYSICAL' && row.speed >= 0)
    out += ` (Speed ${row.speed},${row.duplexity >= 0 ? ` Duplex ${row.duplexity}` : ''})`;
  if (row.parent_vif_id >= 0) out += ` Parent:vif0/${row.parent_vif_id}`;
  if (row.nh_id !== 0) out += ` NH: ${row.nh_id}`;
  out += '\n';
  out += `${HEAD}Type:${TYPE_TEXT[row.type] ?? 'Invalid'} HWaddr:${macFormat(row.mac)} IPaddr:${row.ip}\n`;
  out += `${HEAD}Vrf:${row.vrf} Mcast Vrf:${row.vifr_mcast_vrf ?? row.vrf} Flags:${vifFlagsText(flags)} QOS:${row.qos_map_index} Ref:${row.ref_cnt}`;
  out += flags & (VIF_FLAG_MIRROR_TX | VIF_FLAG_MIRROR_RX) ? ` Mirror index ${row.mirror_id}\n` : '\n';
  out += `${HEAD}RX packets:${row.ipackets}  bytes:${row.ibytes} errors:${row.ierrors}\n`;
  out += `${HEAD}TX packets:${row.opackets}  bytes:${row.obytes} errors:${row.oerrors}\n`;
  out += `${HEAD}Drops:${row.vifr_dpackets ?? 0}\n`;
  return `${out}\n`;
}

export function* renderVifList(rows: Iterable<VifRow>): Generator<string> {
  yield vifListHeader();
  for (const row of rows) yield vifBlock(row);
}
