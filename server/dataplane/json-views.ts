// The simulated vRouters' records as introspect-shaped JSON (model/dataplane/types.ts: field names
// of the agent's VrfListResp, Inet4UcRouteResp, NhListResp, ItfResp and KFlowResp), built from the
// same agent and kernel records the introspect serves: the in-process reference the tests and
// benches check the UI server's introspect reads against. Pure; no HTTP.

import { hashFieldNames } from '@model/dataplane/ecmp-load-balance.ts';
import type {
  CompositeComponentData,
  ItfSandeshData as ItfJson,
  KFlowInfo as KFlowJson,
  NhSandeshData as NhJson,
  RouteUcSandeshData as RouteJson,
  VrfSandeshData as VrfJson,
} from '@model/dataplane/types.ts';
import { flowActionText, tcpFlagsText } from '@server/vrouter-cli/flow.ts';
import { itfSandeshData, nhSandeshData, pathSandeshData, vrfSandeshData } from './agent-records.ts';
import { kflowRow } from './kstate.ts';
import type { NextHop } from './nexthops.ts';
import type { Route, Vif, Vrf, VRouter } from './vrouter.ts';

export function vrfJson(router: VRouter, vrf: Vrf): VrfJson {
  const d = vrfSandeshData(router, vrf);
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
    route_count: vrf.routes.size,
  };
}

export function nhJson(router: VRouter, nh: NextHop): NhJson {
  const d = nhSandeshData(router, nh);
  const json: NhJson = {
    nh_index: d.nh_index,
    type: d.type,
    ref_count: d.ref_count,
    valid: d.valid ?? 'true',
    policy: d.policy ?? 'disabled',
    sip: d.sip ?? '',
    dip: d.dip ?? '',
    vrf:
      d.vrf ??
      (nh.type === 'interface' || nh.type === 'composite' ? (router.vrfById[nh.vrfId]?.name ?? '') : ''),
    itf: d.itf ?? '',
    mac: d.mac?.[0] ?? '',
    label: nh.type === 'interface' && nh.vmiUuid ? (router.vifByVmi.get(nh.vmiUuid)?.label ?? -1) : -1,
    tunnel_type: d.tunnel_type ?? '',
    mc_list: (d.mc_list ?? []).map((c): CompositeComponentData => ({
      type: c.type as CompositeComponentData['type'],
      sip: c.sip ?? '',
      dip: c.dip ?? '',
      label: c.label ?? -1,
      itf: c.itf ?? '',
      vlan_tag: c.vlan_tag ?? 0,
    })),
    // Ours: the agent leaves `local_ecmp` unset; we say which composite is the local one.
    local_ecmp: nh.type === 'composite' && nh.ecmpType === 'LOCAL_ECMP' ? 'true' : 'false',
  };
  if (nh.type === 'composite') json.hash_fields = hashFieldNames(nh.hashFields);
  return json;
}

export function routeJson(router: VRouter, route: Route): RouteJson {
  const vrf = route.vrf;
  return {
    src_ip: formatPrefix(route.prefix),
    src_plen: route.plen,
    src_vrf: vrf.name,
    ipam_subnet_route: String(route.ipamSubnet),
    ipam_host_route: 'false',
    proxy_arp: 'true',
    multicast: 'false',
    intf_route_type: route.paths.some((p) => p.owner.startsWith('vmi:') && !p.ecmp) ? 'interface' : '',
    path_list: route.paths.map((p) => {
      const d = pathSandeshData(router, p);
      const nh = router.nh.get(p.nhId);
      return {
        peer: d.peer,
        nh: nh ? nhJson(router, nh) : null,
        label: d.label,
        vxlan_id: d.vxlan_id,
        dest_vn_list: d.dest_vn_list,
        unresolved: d.unresolved,
        vrf: vrf.name,
        active_tunnel_type: d.active_tunnel_type,
        supported_tunnel_type: d.supported_tunnel_type,
        stale: String(d.stale ?? false),
        path_preference_data: {
          sequence: d.path_preference_data?.sequence ?? 0,
          preference: d.path_preference_data?.preference ?? 0,
          ecmp: String(d.path_preference_data?.ecmp ?? false),
          wait_for_traffic: String(d.path_preference_data?.wait_for_traffic ?? false),
          dependent_ip: d.path_preference_data?.dependent_ip ?? '',
        },
        active_label: d.active_label ?? d.label,
        ecmp_hashing_fields: d.ecmp_hashing_fields ?? '',
        inactive: String(d.inactive),
      };
    }),
  };
}

const formatPrefix = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

export function itfJson(router: VRouter, vif: Vif): ItfJson {
  const d = itfSandeshData(router, vif);
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
        protocol: m.protocol === 6 ? 'TCP' : m.protocol === 17 ? 'UDP' : String(m.protocol),
        port: m.port,
        nat_port: m.nat_port,
      })),
    })),
  };
}

export function flowJson(router: VRouter, index: number): KFlowJson {
  const row = kflowRow(router, index);
  return {
    index,
    rflow: row.rflow,
    sip: row.sip,
    sport: row.sport,
    dip: row.dip,
    dport: row.dport,
    proto: row.proto,
    vrf_id: row.vrf_id,
    d_vrf_id: row.d_vrf_id,
    action: flowActionText(row),
    flags: row.fe_flags ?? 0,
    nhid: row.nhid,
    rpf_nh: row.fe_src_nh_index ?? 0,
    ecmp_index: row.ecmp_index ?? -1,
    pkts: row.pkts,
    bytes: row.bytes,
    tcp_flags: row.proto === 6 ? tcpFlagsText(row.fe_tcp_flags ?? 0) : '',
    drop_reason: row.action === 'DROP' ? flowActionText(row).slice(2, -1) : '',
    underlay_udp_sport: row.underlay_udp_sport,
    gen_id: row.gen_id,
    ttl: row.ttl,
    qos_id: row.qos_id,
  };
}
