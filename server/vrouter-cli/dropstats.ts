// `dropstats` text (tf-vrouter utils/vr_util.c vr_print_drop_stats, PRINT_DROP_STAT in
// include/vr_utils.h: only non-zero counters, `%-28s  %lu`) from KDropStatsResp. Counters the
// agent's KDropStatsResp does not carry (trap original, etree leaf to leaf, packet loop, …)
// count as 0 and are not printed. Pure.

import type { DropStats } from '@model/dataplane/vrouter-cli-input.ts';
import { padEnd } from './printf.ts';

/** The tool's labels in its print order, with the KDropStatsResp field each reads. */
const LINES: readonly (readonly [string, keyof DropStats | null])[] = [
  ['Invalid IF', 'ds_invalid_if'],
  ['Invalid ARP', 'ds_invalid_arp'],
  ['Trap No IF', 'ds_trap_no_if'],
  ['IF TX Discard', 'ds_interface_tx_discard'],
  ['IF Drop', 'ds_interface_drop'],
  ['IF RX Discard', 'ds_interface_rx_discard'],
  ['Flow Unusable', 'ds_flow_unusable'],
  ['Flow No Memory', 'ds_flow_no_memory'],
  ['Flow Table Full', 'ds_flow_table_full'],
  ['Flow NAT no rflow', 'ds_flow_nat_no_rflow'],
  ['Flow Action Drop', 'ds_flow_action_drop'],
  ['Flow Action Invalid', 'ds_flow_action_invalid'],
  ['Flow Invalid Protocol', 'ds_flow_invalid_protocol'],
  ['Flow Queue Limit Exceeded', 'ds_flow_queue_limit_exceeded'],
  ['New Flow Drops', 'ds_drop_new_flow'],
  ['Flow Unusable (Eviction)', 'ds_flow_evict'],
  ['Original Packet Trapped', null],
  ['Discards', 'ds_discard'],
  ['TTL Exceeded', 'ds_ttl_exceeded'],
  ['Mcast Clone Fail', 'ds_mcast_clone_fail'],
  ['Invalid NH', 'ds_invalid_nh'],
  ['Invalid Label', 'ds_invalid_label'],
  ['Invalid Protocol', 'ds_invalid_protocol'],
  ['Etree Leaf to Leaf', null],
  ['Bmac/ISID Mismatch', null],
  ['Rewrite Fail', 'ds_rewrite_fail'],
  ['Invalid Mcast Source', 'ds_invalid_mcast_source'],
  ['Packet Loop', null],
  ['Push Fails', 'ds_push'],
  ['Pull Fails', 'ds_pull'],
  ['Duplicate', 'ds_duplicated'],
  ['Head Alloc Fails', 'ds_head_alloc_fail'],
  ['PCOW fails', 'ds_pcow_fail'],
  ['Invalid Packets', 'ds_invalid_packet'],
  ['Misc', 'ds_misc'],
  ['Nowhere to go', 'ds_nowhere_to_go'],
  ['Checksum errors', 'ds_cksum_err'],
  ['No Fmd', 'ds_no_fmd'],
  ['Invalid VNID', 'ds_invalid_vnid'],
  ['Fragment errors', 'ds_frag_err'],
  ['Invalid Source', 'ds_invalid_source'],
  ['Jumbo Mcast Pkt with DF Bit', 'ds_mcast_df_bit'],
  ['No L2 Route', 'ds_l2_no_route'],
  ['Memory Failures', 'ds_no_memory'],
  ['Fragment Queueing Failures', null],
  ['No Encrypt Path Failures', null],
  ['Invalid HBS received packet', null],
  ['No Fragment Entries', null],
  ['ICMP errors', null],
  ['Clone Failures', null],
  ['Invalid underlay ECMP', null],
];

export function renderDropStats(stats: DropStats): string {
  let out = '';
  for (const [label, field] of LINES) {
    const value = field ? Number(stats[field]) : 0;
    if (value) out += `${padEnd(label, 28)}  ${value}\n`;
  }
  return out;
}
