// The simulated vRouters' records as introspect-shaped JSON (model/dataplane/types.ts: field names
// of the agent's VrfListResp, Inet4UcRouteResp, NhListResp, ItfResp and KFlowResp), built from the
// same agent and kernel records the introspect serves: the in-process reference the tests and
// benches check the UI server's introspect reads against. Pure; no HTTP.

import { hashFieldNames } from '@model/dataplane/ecmp-load-balance.ts';
import {
  compositeComponent,
  itfJson as itfRow,
  vrfJson as vrfRow,
} from '@model/dataplane/introspect-json.ts';
import type {
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
  return vrfRow(vrfSandeshData(router, vrf), vrf.routes.size);
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
    mc_list: (d.mc_list ?? []).map(compositeComponent),
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
  return itfRow(itfSandeshData(router, vif));
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
