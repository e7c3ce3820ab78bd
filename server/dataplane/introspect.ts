// JSON views of one vRouter shaped like the agent's introspect responses (agent.sandesh,
// kstate.sandesh): VrfListResp, Inet4UcRouteResp, NhListResp, ItfResp, KFlowResp. Pure.

import type {
  CompositeComponentData,
  Inet4UcRouteResp,
  ItfResp,
  KFlowInfo,
  KFlowResp,
  NhListResp,
  NhSandeshData,
  RouteUcSandeshData,
  VrfListResp,
} from '@model/dataplane/types.ts';
import { DROP_REASON_TEXT, FLOW_ACTION_DROP } from './flow-table.ts';
import { actionString, tcpFlagString } from './cli.ts';
import { formatIpv4 } from '@model/net/ipv4.ts';
import { etherNtoa } from './ip.ts';
import type { NextHop, Route, Vrf } from './model.ts';
import type { VRouter } from './vrouter.ts';

export function vrfListResp(router: VRouter): VrfListResp {
  return {
    vrf_list: router.vrfById.map((vrf) => ({
      name: vrf.name,
      ucindex: vrf.id,
      mcindex: vrf.id,
      l2index: vrf.id,
      uc6index: vrf.id,
      evpnindex: vrf.id,
      brindex: vrf.id,
      mplsindex: vrf.id,
      source: 'Config;',
      vn: vrf.vnName,
      table_label: -1,
      vxlan_id: 0,
      RD: `${router.ipText}:${vrf.id}`,
      mac_aging_time: 300,
      layer2_control_word: 'false',
      forwarding_vrf: '',
      hbf_rintf: -1,
      hbf_lintf: -1,
      route_count: vrf.routes.size,
    })),
  };
}

const NH_TYPE: Record<NextHop['type'], string> = {
  drop: 'discard',
  receive: 'receive',
  interface: 'interface',
  tunnel: 'tunnel',
  composite: 'Composite',
};

export function nhSandeshData(router: VRouter, nh: NextHop): NhSandeshData {
  const base: NhSandeshData = {
    nh_index: nh.id,
    type: NH_TYPE[nh.type],
    ref_count: router.refCount(nh.id),
    valid: 'true',
    policy: nh.type === 'interface' || nh.type === 'composite' ? 'enabled' : 'disabled',
    sip: '',
    dip: '',
    vrf: nh.type === 'interface' || nh.type === 'composite' ? router.vrfById[nh.vrfId]!.name : '',
    itf: '',
    mac: '',
    label: -1,
    tunnel_type: '',
    mc_list: [],
    local_ecmp: 'false',
  };
  switch (nh.type) {
    case 'interface': {
      const vif = router.vifs.get(nh.vifIndex);
      return { ...base, itf: vif?.name ?? '', mac: nh.mac, label: vif?.label ?? -1 };
    }
    case 'tunnel':
      return { ...base, sip: router.ipText, dip: nh.dipText, tunnel_type: 'MPLSoUDP' };
    case 'receive':
      return { ...base, itf: 'vhost0' };
    case 'composite': {
      const state = router.ecmp.get(nh.fipUuid);
      const components = state ? router.componentsOf(state) : [];
      return {
        ...base,
        type: `ECMP Composite sub nh count: ${components.length}`,
        local_ecmp: components.every((c) => c.vmiUuid === null || c.local) ? 'true' : 'false',
        mc_list: components.map((c): CompositeComponentData => {
          if (c.vmiUuid === null) return { type: 'NULL', sip: '', dip: '', label: -1, itf: '', vlan_tag: 0 };
          const sub = router.nexthops.get(c.nhId);
          if (c.local)
            return {
              type: 'Interface',
              sip: '',
              dip: '',
              label: c.label,
              itf: router.vifByVmi.get(c.vmiUuid)?.name ?? '',
              vlan_tag: 0,
            };
          return {
            type: 'Tunnel',
            sip: router.ipText,
            dip: sub?.type === 'tunnel' ? sub.dipText : '',
            label: c.label,
            itf: '',
            vlan_tag: 0,
          };
        }),
      };
    }
    case 'drop':
      return base;
  }
}

export function nhListResp(router: VRouter, id?: number): NhListResp {
  const list = [...router.nexthops.values()]
    .filter((nh) => id === undefined || nh.id === id)
    .sort((a, b) => a.id - b.id);
  return { nh_list: list.map((nh) => nhSandeshData(router, nh)) };
}

function routeSandesh(router: VRouter, vrf: Vrf, r: Route): RouteUcSandeshData {
  const nh = router.nexthops.get(r.nhId);
  const fip = r.fipUuid ? router.ecmp.get(r.fipUuid)?.fip : undefined;
  return {
    src_ip: formatIpv4(r.prefix),
    src_plen: r.plen,
    src_vrf: vrf.name,
    ipam_subnet_route: 'false',
    ipam_host_route: 'false',
    proxy_arp: 'true',
    multicast: 'false',
    intf_route_type: r.kind === 'pod' && r.peer === 'LocalVmPort' ? 'interface' : '',
    path_list: [
      {
        peer: r.peer,
        nh: nh ? nhSandeshData(router, nh) : null,
        label: r.label,
        vxlan_id: 0,
        dest_vn_list: [fip ? fip.vnName : vrf.vnName],
        unresolved: 'false',
        vrf: vrf.name,
        active_tunnel_type: nh?.type === 'tunnel' ? 'MPLSoUDP' : '',
        supported_tunnel_type: 'MPLSoGRE MPLSoUDP VXLAN',
        stale: 'false',
        path_preference_data: {
          sequence: 0,
          preference: 200,
          ecmp: String(r.peer === 'Ecmp'),
          wait_for_traffic: 'false',
          dependent_ip: '',
        },
        active_label: r.label,
        ecmp_hashing_fields:
          nh?.type === 'composite'
            ? 'l3-source-address,l3-destination-address,l4-protocol,l4-source-port,l4-destination-port,'
            : '',
        inactive: 'false',
      },
    ],
  };
}

export function inet4UcRouteResp(router: VRouter, vrf: Vrf): Inet4UcRouteResp {
  return {
    route_list: [...vrf.routes.values()]
      .sort((a, b) => a.prefix - b.prefix)
      .map((r) => routeSandesh(router, vrf, r)),
  };
}

export function itfResp(router: VRouter): ItfResp {
  return {
    itf_list: [...router.vifs.values()]
      .sort((a, b) => a.index - b.index)
      .map((vif) => {
        const p = vif.placement;
        const fipList = [...router.ecmp.values()]
          .filter((state) => state.group.slots.includes(p.vmiUuid))
          .map(({ fip }) => ({
            ip_addr: fip.ipText,
            vrf_name: fip.vrfName,
            installed: 'Y',
            fixed_ip: p.ipText,
            direction: fip.direction,
            port_map_enabled: fip.portMapEnabled ? 'true' : 'false',
            port_map: fip.portMaps.map((m) => ({
              protocol: m.protocol,
              port: m.srcPort,
              nat_port: m.dstPort,
            })),
          }));
        return {
          index: vif.index,
          name: vif.name,
          uuid: p.vmiUuid,
          vrf_name: p.vrfName,
          active: 'Active',
          label: vif.label,
          vn_name: p.vnName,
          vm_uuid: p.vmUuid,
          vm_name: p.vmName,
          ip_addr: p.ipText,
          mac_addr: p.mac,
          ether_addr: etherNtoa(p.mac),
          type: 'vport',
          fip_list: fipList,
        };
      }),
  };
}

export function kFlowInfo(router: VRouter, i: number): KFlowInfo {
  const e = router.flows.entry(i);
  return {
    index: i,
    rflow: e.rflow,
    sip: formatIpv4(e.sip),
    sport: e.sport,
    dip: formatIpv4(e.dip),
    dport: e.dport,
    proto: e.proto,
    vrf_id: e.vrf,
    d_vrf_id: e.dvrf,
    action: actionString(e.action, e.flags, e.dropReason),
    flags: e.flags,
    nhid: e.keyNh,
    rpf_nh: e.srcNh,
    ecmp_index: e.ecmpIndex,
    pkts: e.packets,
    bytes: e.bytes,
    tcp_flags: e.proto === 6 ? tcpFlagString(e.tcpFlags) : '',
    drop_reason: e.action === FLOW_ACTION_DROP ? (DROP_REASON_TEXT[e.dropReason] ?? '') : '',
    underlay_udp_sport: e.underlaySport,
    gen_id: e.gen,
    ttl: 0,
    qos_id: -1,
  };
}

export function kFlowResp(router: VRouter): KFlowResp {
  const list: KFlowInfo[] = [];
  for (const i of router.flows.activeIndexes()) list.push(kFlowInfo(router, i));
  return { flow_list: list, flow_handle: '0' };
}
