// `vrfstats --get <vrf>` / `--dump` text (tf-vrouter utils/vrfstats.c vrf_stats_req_process)
// from KVrfStatsInfo rows. KVrfStatsInfo carries no PBB or MPLS-over-MPLS tunnel counters, so
// those print as 0. Pure.

import type { VrfStatsRow } from '@model/dataplane/vrouter-cli-input.ts';

export function vrfStatsBlock(s: VrfStatsRow): string {
  return (
    `Vrf: ${s.vrf_id}\n` +
    `Discards ${s.vrf_discards}, Resolves ${s.vrf_resolves}, Receives ${s.vrf_receives}, L2 Receives ${s.vrf_l2_receives}, Vrf Translates ${s.vrf_translates}, Unknown Unicast Floods ${s.vrf_uuc_floods}\n` +
    `Ecmp Composites ${s.vrf_ecmp_composites}, L2 Mcast Composites ${s.vrf_l2_mcast_composites}, Fabric Composites ${s.vrf_fabric_composites}, Encap Composites ${s.vrf_encap_composites}, Evpn Composites ${s.vrf_evpn_composites}\n` +
    `Udp Tunnels ${s.vrf_udp_tunnels}, Udp Mpls Tunnels ${s.vrf_udp_mpls_tunnels}, Gre Mpls Tunnels ${s.vrf_gre_mpls_tunnels}, Vxlan Tunnels ${s.vrf_vxlan_tunnels}, Pbb Tunnels 0, Mpls over Mpls Tunnels 0\n` +
    `L2 Encaps ${s.vrf_l2_encaps}, Encaps ${s.vrf_encaps}\n` +
    `GROs ${s.vrf_gros}, Diags ${s.vrf_diags}\n` +
    `Arp Virtual Proxys ${s.vrf_arp_virtual_proxy}, Arp Virtual Stitchs ${s.vrf_arp_virtual_stitch}, Arp Virtual Floods ${s.vrf_arp_virtual_flood}, Arp Physical Stitchs ${s.vrf_arp_physical_stitch}, Arp Tor Proxys ${s.vrf_arp_tor_proxy}, Arp Physical Floods ${s.vrf_arp_physical_flood}\n` +
    '\n'
  );
}

export function* renderVrfStats(rows: Iterable<VrfStatsRow>): Generator<string> {
  for (const row of rows) yield vrfStatsBlock(row);
}
