// Fixture vRouters for component tests and `npm run dev:mock`: the seed's two computes with the
// client and two webservers, the VIP 10.105.53.64/32 on an ECMP composite on each compute (on
// k8s-node1 its middle member was removed: a hole in slot 1), flows of one trace, each vRouter
// utility's text (header and records, so it can be paged), and the embedded cluster's pods,
// Services and Deployments.

import type {
  CompositeComponentData,
  ItfSandeshData,
  KFlowInfo,
  NhSandeshData,
  RouteUcSandeshData,
  VrfSandeshData,
} from '@model/dataplane/types.ts';
import type { KubeDeployment, KubePod, KubeService } from '@web/api/cluster.ts';
import type { ComputeReading } from '@web/api/vip-topology.ts';

/** The fixture time: every `asOf` of the mock. */
export const FIXTURE_AS_OF = '2024-05-01T10:00:00.000Z';

export const FABRIC_VRF = 'default-domain:default-project:ip-fabric:__default__';
export const SERVICE_VRF =
  'default-domain:k8s-default:k8s-default-service-network:k8s-default-service-network';
export const POD_VRF = 'default-domain:k8s-default:k8s-default-pod-network:k8s-default-pod-network';
export const VIP = '10.105.53.64';
export const COMPOSITE_NH = 14;
/** The VIP's composite on k8s-node2: a tunnel to k8s-node1's webserver and its own. */
export const NODE2_COMPOSITE_NH = 13;
/** A Service with one backend (the client): its VIP routes straight to that pod's next hop. */
export const SINGLE_MEMBER_VIP = '10.105.53.70';

/** A compute of the fixtures: name, vhost0 address and the sizes of its tables. */
export interface FixtureCompute {
  name: string;
  ip: string;
  vrfs: number;
  interfaces: number;
  nexthops: number;
}

export interface DataplaneFixtures {
  /** Each compute and its table sizes, as GET /api/dataplane/vrouters serves them (ComputeState). */
  vrouters: FixtureCompute[];
  vrfs: Map<string, VrfSandeshData[]>;
  interfaces: Map<string, ItfSandeshData[]>;
  nexthops: Map<string, NhSandeshData[]>;
  /** node → VRF name → routes */
  routes: Map<string, Map<string, RouteUcSandeshData[]>>;
  flows: Map<string, KFlowInfo[]>;
  /**
   * Each utility's text by `<command>/<node>[/<vrf or id>]`: its header lines, printed once, and
   * one line per record, so a page of `limit` records is a slice.
   */
  cli: Map<string, CliText>;
  pods: KubePod[];
  services: KubeService[];
  deployments: KubeDeployment[];
}

export interface CliText {
  header: string[];
  records: string[];
}

/** The whole text, as the utility prints it. */
export function cliText(text: CliText): string {
  return [...text.header, ...text.records, ''].join('\n');
}

const NODES = [
  { name: 'k8s-node1', ip: '10.85.188.20' },
  { name: 'k8s-node2', ip: '10.85.188.21' },
];

const PODS = [
  { name: 'client', node: 'k8s-node1', ip: '10.47.255.252', vif: 3, label: 16, app: 'client' },
  {
    name: 'webserver-psx2dvdbbb-8v79p',
    node: 'k8s-node1',
    ip: '10.47.255.254',
    vif: 4,
    label: 17,
    app: 'webserver',
  },
  {
    name: 'webserver-psx2dvdbbb-zj2nt',
    node: 'k8s-node2',
    ip: '10.47.255.253',
    vif: 3,
    label: 16,
    app: 'webserver',
  },
];

const tapOf = (podName: string) => `tapeth0-${podName.slice(-6)}`;

/** The agent's names of the default ECMP hash fields (the 5-tuple). */
export const HASH_FIELDS = [
  'l3-source-address',
  'l3-destination-address',
  'l4-protocol',
  'l4-source-port',
  'l4-destination-port',
];

function vrf(name: string, index: number, node: string, routeCount: number): VrfSandeshData {
  return {
    name,
    ucindex: index,
    mcindex: index,
    l2index: index,
    uc6index: index,
    evpnindex: index,
    brindex: index,
    mplsindex: index,
    source: 'Config;',
    vn: name.split(':').slice(0, 3).join(':'),
    table_label: -1,
    vxlan_id: 0,
    RD: `${NODES.find((n) => n.name === node)!.ip}:${index}`,
    mac_aging_time: 300,
    layer2_control_word: 'false',
    forwarding_vrf: '',
    hbf_rintf: -1,
    hbf_lintf: -1,
    route_count: routeCount,
  };
}

function nh(index: number, type: string, extra: Partial<NhSandeshData> = {}): NhSandeshData {
  return {
    nh_index: index,
    type,
    ref_count: 2,
    valid: 'true',
    policy: 'disabled',
    sip: '',
    dip: '',
    vrf: '',
    itf: '',
    mac: '',
    label: -1,
    tunnel_type: '',
    mc_list: [],
    local_ecmp: 'false',
    ...extra,
  };
}

function component(type: CompositeComponentData['type'], extra: Partial<CompositeComponentData> = {}) {
  return { type, sip: '', dip: '', label: -1, itf: '', vlan_tag: 0, ...extra };
}

function route(
  ip: string,
  peer: string,
  next: NhSandeshData,
  label: number,
  isEcmp = false,
): RouteUcSandeshData {
  return {
    src_ip: ip,
    src_plen: 32,
    src_vrf: POD_VRF,
    ipam_subnet_route: 'false',
    ipam_host_route: 'false',
    proxy_arp: 'true',
    multicast: 'false',
    intf_route_type: next.type === 'interface' ? 'interface' : '',
    path_list: [
      {
        peer,
        nh: next,
        label,
        vxlan_id: 0,
        dest_vn_list: ['default-domain:k8s-default:k8s-default-pod-network'],
        unresolved: 'false',
        vrf: POD_VRF,
        active_tunnel_type: next.type === 'tunnel' ? 'MPLSoUDP' : '',
        supported_tunnel_type: 'MPLSoGRE MPLSoUDP VXLAN',
        stale: 'false',
        path_preference_data: {
          sequence: 0,
          preference: 200,
          ecmp: String(isEcmp),
          wait_for_traffic: 'false',
          dependent_ip: '',
        },
        active_label: label,
        ecmp_hashing_fields: '',
        inactive: 'false',
      },
    ],
  };
}

function flow(index: number, rflow: number, f: Partial<KFlowInfo>): KFlowInfo {
  return {
    index,
    rflow,
    sip: '',
    sport: 0,
    dip: '',
    dport: 0,
    proto: 6,
    vrf_id: 3,
    d_vrf_id: 3,
    action: 'F',
    flags: 1,
    nhid: 10,
    rpf_nh: 10,
    ecmp_index: -1,
    pkts: 0,
    bytes: 0,
    tcp_flags: 'S',
    drop_reason: '',
    underlay_udp_sport: 0,
    gen_id: 1,
    ttl: 0,
    qos_id: -1,
    ...f,
  };
}

function itf(p: (typeof PODS)[number], index: number): ItfSandeshData {
  return {
    index,
    name: tapOf(p.name),
    uuid: `00000000-0000-4000-8000-00000000000${index}`,
    vrf_name: POD_VRF,
    active: 'Active',
    label: p.label,
    vn_name: 'default-domain:k8s-default:k8s-default-pod-network',
    vm_uuid: `00000000-0000-4000-9000-00000000000${index}`,
    vm_name: `k8s__ns-user-1__${p.name}`,
    ip_addr: p.ip,
    mac_addr: `02:00:00:00:00:0${index}`,
    ether_addr: `2:0:0:0:0:${index}`,
    type: 'vport',
    fip_list: [],
  };
}

function kubePod(p: (typeof PODS)[number], ready = true): KubePod {
  return {
    kind: 'Pod',
    metadata: { name: p.name, namespace: 'ns-user-1', uid: `uid-${p.name}`, labels: { app: p.app } },
    spec: { nodeName: p.node },
    status: {
      phase: 'Running',
      podIP: p.ip,
      hostIP: NODES.find((n) => n.name === p.node)!.ip,
      conditions: [
        { type: 'PodScheduled', status: 'True' },
        { type: 'Ready', status: ready ? 'True' : 'False' },
      ],
    },
  };
}

function nhKindText(n: NhSandeshData): string {
  return n.type.startsWith('ECMP') ? 'Composite' : n.type.charAt(0).toUpperCase() + n.type.slice(1);
}

function byId(list: NhSandeshData[], id: number): NhSandeshData {
  return list.find((n) => n.nh_index === id)!;
}

export function buildDataplaneFixtures(): DataplaneFixtures {
  const [client, webA, webB] = PODS as [(typeof PODS)[number], (typeof PODS)[number], (typeof PODS)[number]];
  const node1Nh = [
    nh(0, 'discard'),
    nh(1, 'receive', { policy: 'enabled' }),
    nh(10, 'interface', {
      vrf: POD_VRF,
      itf: tapOf(client.name),
      mac: '02:00:00:00:00:03',
      label: 16,
      policy: 'enabled',
    }),
    nh(11, 'interface', {
      vrf: POD_VRF,
      itf: tapOf(webA.name),
      mac: '02:00:00:00:00:04',
      label: 17,
      policy: 'enabled',
    }),
    nh(12, 'tunnel', { sip: NODES[0]!.ip, dip: NODES[1]!.ip, tunnel_type: 'MPLSoUDP' }),
    nh(COMPOSITE_NH, 'ECMP Composite sub nh count: 3', {
      vrf: POD_VRF,
      policy: 'enabled',
      hash_fields: HASH_FIELDS,
      mc_list: [
        component('Interface', { label: 17, itf: tapOf(webA.name) }),
        component('NULL'),
        component('Tunnel', { sip: NODES[0]!.ip, dip: NODES[1]!.ip, label: 16 }),
      ],
    }),
  ];
  const node2Nh = [
    nh(0, 'discard'),
    nh(1, 'receive', { policy: 'enabled' }),
    nh(10, 'interface', {
      vrf: POD_VRF,
      itf: tapOf(webB.name),
      mac: '02:00:00:00:00:03',
      label: 16,
      policy: 'enabled',
    }),
    nh(11, 'tunnel', { sip: NODES[1]!.ip, dip: NODES[0]!.ip, tunnel_type: 'MPLSoUDP' }),
    nh(NODE2_COMPOSITE_NH, 'ECMP Composite sub nh count: 2', {
      vrf: POD_VRF,
      policy: 'enabled',
      hash_fields: HASH_FIELDS,
      mc_list: [
        component('Tunnel', { sip: NODES[1]!.ip, dip: NODES[0]!.ip, label: 17 }),
        component('Interface', { label: 16, itf: tapOf(webB.name) }),
      ],
    }),
  ];
  const node1Routes = [
    route(client.ip, 'LocalVmPort', byId(node1Nh, 10), -1),
    route(webB.ip, NODES[1]!.ip, byId(node1Nh, 12), 16),
    route(webA.ip, 'LocalVmPort', byId(node1Nh, 11), -1),
    route(VIP, 'Ecmp', byId(node1Nh, COMPOSITE_NH), -1, true),
    route(SINGLE_MEMBER_VIP, 'LocalVmPort', byId(node1Nh, 10), -1),
  ];
  const node2Routes = [
    route(webB.ip, 'LocalVmPort', byId(node2Nh, 10), -1),
    route(client.ip, NODES[0]!.ip, byId(node2Nh, 11), 16),
    route(VIP, 'Ecmp', byId(node2Nh, NODE2_COMPOSITE_NH), -1, true),
  ];
  return {
    vrouters: NODES.map((n, i) => ({
      name: n.name,
      ip: n.ip,
      vrfs: 3,
      interfaces: i === 0 ? 2 : 1,
      nexthops: i === 0 ? node1Nh.length : node2Nh.length,
    })),
    vrfs: new Map([
      [
        'k8s-node1',
        [
          vrf(FABRIC_VRF, 0, 'k8s-node1', 0),
          vrf(SERVICE_VRF, 1, 'k8s-node1', 1),
          vrf(POD_VRF, 3, 'k8s-node1', 5),
        ],
      ],
      [
        'k8s-node2',
        [
          vrf(FABRIC_VRF, 0, 'k8s-node2', 0),
          vrf(POD_VRF, 1, 'k8s-node2', 3),
          vrf(SERVICE_VRF, 2, 'k8s-node2', 1),
        ],
      ],
    ]),
    interfaces: new Map([
      ['k8s-node1', [itf(client, 3), itf(webA, 4)]],
      ['k8s-node2', [itf(webB, 3)]],
    ]),
    nexthops: new Map([
      ['k8s-node1', node1Nh],
      ['k8s-node2', node2Nh],
    ]),
    routes: new Map([
      [
        'k8s-node1',
        new Map([
          [POD_VRF, node1Routes],
          [SERVICE_VRF, []],
          [FABRIC_VRF, []],
        ]),
      ],
      [
        'k8s-node2',
        new Map([
          [POD_VRF, node2Routes],
          [SERVICE_VRF, []],
          [FABRIC_VRF, []],
        ]),
      ],
    ]),
    flows: new Map([
      [
        'k8s-node1',
        [
          flow(157452, 94488, {
            sip: client.ip,
            sport: 52608,
            dip: VIP,
            dport: 8888,
            action: 'N(DPd)',
            ecmp_index: 0,
            pkts: 1,
            bytes: 64,
          }),
          flow(94488, 157452, {
            sip: webA.ip,
            sport: 80,
            dip: client.ip,
            dport: 52608,
            action: 'N(SPs)',
            nhid: 11,
            rpf_nh: 11,
          }),
        ],
      ],
      [
        'k8s-node2',
        [
          flow(41, 42, {
            sip: webB.ip,
            sport: 33001,
            dip: VIP,
            dport: 8888,
            action: 'N(DPd)',
            ecmp_index: 0,
            nhid: 10,
            rpf_nh: 10,
            pkts: 3,
            bytes: 180,
          }),
        ],
      ],
    ]),
    cli: new Map<string, CliText>([
      [
        'rt/k8s-node1/3',
        {
          header: [
            'Flags: L=Label Valid, P=Proxy ARP, T=Trap ARP, F=Flood ARP, Ml=MAC-IP learnt route',
            'vRouter inet4 routing table 0/3/unicast',
            'Destination           PPL        Flags        Label         Nexthop    Stitched MAC(Index)',
          ],
          records: [
            '10.47.255.252/32       32            P          -             10        2:0:0:0:0:3(253768)',
            '10.47.255.253/32       32           LP         16             12        -',
            '10.47.255.254/32       32            P          -             11        2:0:0:0:0:4(194851)',
            '10.105.53.64/32        32            P          -             14        -',
          ],
        },
      ],
      [
        'nh/k8s-node1/14',
        {
          header: [],
          records: [
            'Id:14         Type:Composite      Fmly: AF_INET  Rid:0  Ref_cnt:2          Vrf:3',
            '              Flags:Valid, Policy, Ecmp, Etree Root, ',
            '              Sub NH(label): 11(17) -1 12(16)',
          ],
        },
      ],
      [
        'nh/k8s-node1',
        {
          header: [],
          records: node1Nh.map(
            (n) => `Id:${n.nh_index}         Type:${nhKindText(n)}  Fmly: AF_INET  Rid:0  Ref_cnt:2`,
          ),
        },
      ],
      [
        'flow/k8s-node1',
        {
          header: [
            'Flow table(size 68157440, entries 532480)',
            '',
            'Entries: Created 1 Added 2 Deleted 0 Changed 0Processed 1 Used Overflow entries 0',
            '',
            '    Index                Source:Port/Destination:Port                      Proto(V)',
            '-----------------------------------------------------------------------------------',
          ],
          records: [
            '    94488<=>157452       10.47.255.254:80                                    6 (3)',
            '   157452<=>94488        10.47.255.252:52608                                 6 (3)',
          ],
        },
      ],
      [
        'mpls/k8s-node1',
        {
          header: ['MPLS Input Label Map', '', '   Label    NextHop'],
          records: ['      16        10', '      17        11'],
        },
      ],
      [
        'vif/k8s-node1',
        {
          header: ['Vrouter Interface Table', ''],
          records: [
            `vif0/3      OS: ${tapOf(client.name)} NH: 10`,
            `            Type:Virtual HWaddr:00:00:5e:00:01:00 IPaddr:${client.ip}`,
            `vif0/4      OS: ${tapOf(webA.name)} NH: 11`,
            `            Type:Virtual HWaddr:00:00:5e:00:01:00 IPaddr:${webA.ip}`,
          ],
        },
      ],
      [
        'vrfstats/k8s-node1/3',
        {
          header: [],
          records: ['Vrf: 3', 'Discards 0, Resolves 0, Receives 0, Ecmp Composites 1, L2 Mcast Composites 0'],
        },
      ],
      [
        'dropstats/k8s-node1',
        { header: [], records: ['Invalid IF                    0', 'Flow Action Drop              0'] },
      ],
    ]),
    pods: PODS.map((p) => kubePod(p)),
    services: [
      {
        kind: 'Service',
        metadata: { name: 'service-web-clusterip', namespace: 'ns-user-1', uid: 'uid-svc-1' },
        spec: {
          type: 'ClusterIP',
          clusterIP: VIP,
          selector: { app: 'webserver' },
          ports: [{ protocol: 'TCP', port: 8888, targetPort: 80 }],
        },
      },
      {
        kind: 'Service',
        metadata: { name: 'service-client', namespace: 'ns-user-1', uid: 'uid-svc-2' },
        spec: {
          type: 'ClusterIP',
          clusterIP: SINGLE_MEMBER_VIP,
          selector: { app: 'client' },
          ports: [{ protocol: 'TCP', port: 7777, targetPort: 7777 }],
        },
      },
    ],
    deployments: [
      {
        kind: 'Deployment',
        metadata: { name: 'webserver', namespace: 'ns-user-1', uid: 'uid-deploy-1' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'webserver' } },
          template: { metadata: { labels: { app: 'webserver' } }, spec: { containers: [] } },
        },
        status: { replicas: 2, readyReplicas: 2 },
      },
      {
        kind: 'Deployment',
        metadata: { name: 'client', namespace: 'ns-user-1', uid: 'uid-deploy-2' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'client' } },
          template: { metadata: { labels: { app: 'client' } }, spec: { containers: [] } },
        },
        status: { replicas: 1, readyReplicas: 1 },
      },
    ],
  };
}

/** Each fixture compute's tables as the topology reads them, with the VIP's route where it has one. */
export function computeReadings(dp: DataplaneFixtures, vip: string): ComputeReading[] {
  return dp.vrouters.map(({ name, ip }) => {
    let vipRoute: ComputeReading['route'] = null;
    for (const [vrfName, routes] of dp.routes.get(name) ?? []) {
      const found = routes.find((r) => r.src_ip === vip && r.src_plen === 32);
      if (found) {
        vipRoute = { vrf: vrfName, route: found };
        break;
      }
    }
    return {
      name,
      ip,
      error: null,
      route: vipRoute,
      interfaces: dp.interfaces.get(name) ?? [],
      nexthops: dp.nexthops.get(name) ?? [],
      flows: dp.flows.get(name) ?? [],
    };
  });
}
