// The agent's interface and VRF records (ItfResp, VrfListResp) and a composite's components as the
// UI's JSON rows: one pure mapping for the UI server's introspect reads and the simulation's
// in-process reference alike. Next hops, routes and flows need other tables of the compute to
// complete, so they stay with their readers.

import type { ItfSandeshData, McastData, VrfSandeshData } from './sandesh/agent.ts';
import type {
  CompositeComponentData,
  ItfSandeshData as ItfJson,
  VrfSandeshData as VrfJson,
} from './types.ts';

const PROTOCOL_NAME: Readonly<Record<number, string>> = { 6: 'TCP', 17: 'UDP', 1: 'ICMP' };

export function itfJson(d: ItfSandeshData): ItfJson {
  return {
    index: d.index,
    name: d.name,
    uuid: d.uuid,
    vrf_name: d.vrf_name,
    active: d.active,
    label: d.label,
    vn_name: d.vn_name,
    vm_uuid: d.vm_uuid,
    vm_name: d.vm_name,
    ip_addr: d.ip_addr,
    mac_addr: d.mac_addr,
    ether_addr: d.mac_addr,
    type: d.type,
    fip_list: d.fip_list.map((f) => ({
      ip_addr: f.ip_addr,
      vrf_name: f.vrf_name,
      installed: f.installed,
      fixed_ip: f.fixed_ip,
      direction: f.direction,
      port_map_enabled: String(f.port_map_enabled),
      port_map: f.port_map.map((m) => ({
        protocol: PROTOCOL_NAME[m.protocol] ?? String(m.protocol),
        port: m.port,
        nat_port: m.nat_port,
      })),
    })),
  };
}

export function vrfJson(d: VrfSandeshData, routeCount: number): VrfJson {
  return {
    name: d.name,
    ucindex: d.ucindex,
    mcindex: d.mcindex,
    l2index: d.l2index,
    uc6index: d.uc6index,
    evpnindex: d.evpnindex,
    brindex: d.brindex,
    mplsindex: d.mplsindex,
    source: d.source,
    vn: d.vn,
    table_label: d.table_label,
    vxlan_id: d.vxlan_id,
    RD: d.RD,
    mac_aging_time: d.mac_aging_time,
    layer2_control_word: String(d.layer2_control_word),
    forwarding_vrf: d.forwarding_vrf,
    hbf_rintf: d.hbf_rintf,
    hbf_lintf: d.hbf_lintf,
    route_count: routeCount,
  };
}

/** One component of a composite next hop's `mc_list`. */
export function compositeComponent(c: McastData): CompositeComponentData {
  return {
    type: c.type as CompositeComponentData['type'],
    sip: c.sip ?? '',
    dip: c.dip ?? '',
    label: c.label ?? -1,
    itf: c.itf ?? '',
    vlan_tag: c.vlan_tag ?? 0,
  };
}
