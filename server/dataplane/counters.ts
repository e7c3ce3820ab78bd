// The packet counters one vRouter keeps as the kernel does: per interface (RX/TX packets and
// bytes), per VRF (the next-hop-type hits `vrfstats` prints, vr_vrf_stats_req) and per drop
// reason (`dropstats`, vr_drop_stats_req). Plain numbers, bumped by the flow processor; no logic.

/** VRF statistics in vr_vrf_stats_req / KVrfStatsInfo order (without id, family and rid). */
export const VRF_STATS = [
  'discards',
  'resolves',
  'receives',
  'udp_tunnels',
  'udp_mpls_tunnels',
  'gre_mpls_tunnels',
  'fabric_composites',
  'l2_mcast_composites',
  'ecmp_composites',
  'encaps',
  'vxlan_tunnels',
  'l2_encaps',
  'gros',
  'diags',
  'encap_composites',
  'evpn_composites',
  'translates',
  'arp_virtual_proxy',
  'arp_virtual_stitch',
  'arp_virtual_flood',
  'arp_physical_stitch',
  'arp_tor_proxy',
  'arp_physical_flood',
  'l2_receives',
  'uuc_floods',
] as const;

export type VrfStat = (typeof VRF_STATS)[number];

/** A counter's position in a VRF's row (the packet path counts by position). */
export const VRF_STAT_INDEX: Readonly<Record<VrfStat, number>> = Object.fromEntries(
  VRF_STATS.map((name, i) => [name, i]),
) as Record<VrfStat, number>;

/** Drop counters (vr_drop_stats_req, KDropStatsResp without `ds_`), all zero at start. */
export const DROP_STATS = [
  'discard',
  'pull',
  'invalid_if',
  'arp_not_me',
  'invalid_arp',
  'trap_no_if',
  'nowhere_to_go',
  'flow_queue_limit_exceeded',
  'flow_no_memory',
  'flow_invalid_protocol',
  'flow_nat_no_rflow',
  'flow_action_drop',
  'flow_action_invalid',
  'flow_unusable',
  'flow_table_full',
  'interface_tx_discard',
  'interface_drop',
  'duplicated',
  'push',
  'ttl_exceeded',
  'invalid_nh',
  'invalid_label',
  'invalid_protocol',
  'interface_rx_discard',
  'invalid_mcast_source',
  'head_alloc_fail',
  'pcow_fail',
  'mcast_clone_fail',
  'rewrite_fail',
  'misc',
  'invalid_packet',
  'cksum_err',
  'no_fmd',
  'cloned_original',
  'invalid_vnid',
  'frag_err',
  'invalid_source',
  'mcast_df_bit',
  'l2_no_route',
  'vlan_fwd_tx',
  'vlan_fwd_enq',
  'no_memory',
  'drop_new_flow',
  'flow_evict',
] as const;

export type DropStat = (typeof DROP_STATS)[number];

export interface VifCounters {
  ipackets: number;
  ibytes: number;
  opackets: number;
  obytes: number;
}

export class VRouterCounters {
  private readonly vrf: Float64Array[] = [];
  readonly drops: Record<DropStat, number> = Object.fromEntries(DROP_STATS.map((d) => [d, 0])) as Record<
    DropStat,
    number
  >;
  // Per vif index (packets and bytes in and out), grown as indexes appear: the packet path
  // counts without a map lookup or an allocation.
  private vifCounts = new Float64Array(4 * 64);

  ensureVrf(id: number): void {
    this.vrf[id] ??= new Float64Array(VRF_STATS.length);
  }

  vrfHit(id: number, stat: VrfStat): void {
    this.vrfHitAt(id, VRF_STAT_INDEX[stat]);
  }

  vrfHitAt(id: number, index: number): void {
    const row = this.vrf[id];
    if (row) row[index]!++;
  }

  vrfStats(id: number): Readonly<Float64Array> | undefined {
    return this.vrf[id];
  }

  drop(reason: DropStat): void {
    this.drops[reason]++;
  }

  private slot(index: number): number {
    const at = index * 4;
    if (at + 4 > this.vifCounts.length) {
      const grown = new Float64Array(Math.max(this.vifCounts.length * 2, at + 4));
      grown.set(this.vifCounts);
      this.vifCounts = grown;
    }
    return at;
  }

  vif(index: number): VifCounters {
    const at = this.slot(index);
    const c = this.vifCounts;
    return { ipackets: c[at]!, ibytes: c[at + 1]!, opackets: c[at + 2]!, obytes: c[at + 3]! };
  }

  /** Counters restart when an interface index is handed to a new interface. */
  resetVif(index: number): void {
    this.vifCounts.fill(0, this.slot(index), this.slot(index) + 4);
  }

  rx(index: number, bytes: number): void {
    const at = this.slot(index);
    this.vifCounts[at]!++;
    this.vifCounts[at + 1]! += bytes;
  }

  tx(index: number, bytes: number): void {
    const at = this.slot(index);
    this.vifCounts[at + 2]!++;
    this.vifCounts[at + 3]! += bytes;
  }
}
