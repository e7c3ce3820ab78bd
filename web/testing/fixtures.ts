// Fixture config objects for component tests and `npm run dev:mock`: the seed's two Services as
// kube-manager renders them (LB, listeners, pools, members, pod VMIs, instance-ips, VMs), plus
// the explorer rows the UI server would assemble from exactly these objects.

import type { ListenerRow, LoadBalancerRow, MemberRow, PoolRow } from '@web/api/explorer.ts';

export const CONFIG_API_URL = 'http://127.0.0.1:8082';

type Json = Record<string, unknown>;

export interface FixtureObject {
  type: string;
  object: Json;
}

export interface Fixtures {
  objects: Map<string, FixtureObject>;
  loadBalancers: LoadBalancerRow[];
  listenersByLb: Map<string, ListenerRow[]>;
  poolsByListener: Map<string, PoolRow[]>;
  membersByPool: Map<string, MemberRow[]>;
}

interface ServiceSpec {
  namespace: string;
  name: string;
  vip: string;
  ports: { name: string | null; port: number; targetPort: number }[];
}

const PODS = [
  { name: 'web-7d9c5b-abcde', ip: '10.47.255.251', node: 'node-1' },
  { name: 'web-7d9c5b-fghij', ip: '10.47.255.250', node: 'node-2' },
];

export const SEED_SERVICES: ServiceSpec[] = [
  {
    namespace: 'ns-user-1',
    name: 'service-web-clusterip',
    vip: '10.105.53.64',
    ports: [{ name: null, port: 8888, targetPort: 80 }],
  },
  {
    namespace: 'ns-user-1',
    name: 'service-web-clusterip-mp',
    vip: '10.105.53.65',
    ports: [
      { name: 'port1', port: 8888, targetPort: 80 },
      { name: 'port2', port: 9999, targetPort: 90 },
    ],
  },
];

/** A uuid of the fixture family `kind` (two hex digits) and number n: stable across runs. */
export function fixtureUuid(kind: number, n: number): string {
  return `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

function u64Halves(uuid: string): { uuid_mslong: bigint; uuid_lslong: bigint } {
  const hex = uuid.replace(/-/g, '');
  return { uuid_mslong: BigInt(`0x${hex.slice(0, 16)}`), uuid_lslong: BigInt(`0x${hex.slice(16)}`) };
}

function envelope(
  type: string,
  uuid: string,
  fqName: string[],
  extra: Json,
  parent?: { type: string; uuid: string },
): Json {
  return {
    uuid,
    name: fqName[fqName.length - 1],
    fq_name: fqName,
    ...(parent
      ? {
          parent_type: parent.type,
          parent_uuid: parent.uuid,
          parent_href: `${CONFIG_API_URL}/${parent.type}/${parent.uuid}`,
        }
      : {}),
    href: `${CONFIG_API_URL}/${type}/${uuid}`,
    display_name: fqName[fqName.length - 1],
    id_perms: {
      enable: true,
      uuid: u64Halves(uuid),
      created: '2024-01-01T00:00:00.000000',
      last_modified: '2024-01-01T00:00:00.000000',
      description: null,
      creator: null,
      user_visible: true,
      permissions: {
        owner: 'cloud-admin',
        owner_access: 7,
        group: 'cloud-admin-group',
        group_access: 7,
        other_access: 7,
      },
    },
    perms2: { owner: 'cloud-admin', owner_access: 7, global_access: 0, share: [] },
    annotations: null,
    ...extra,
  };
}

function link(type: string, obj: Json, attr = true): Json {
  return {
    to: obj.fq_name,
    ...(attr ? { attr: null } : {}),
    uuid: obj.uuid,
    href: `${CONFIG_API_URL}/${type}/${String(obj.uuid)}`,
  };
}

function kv(pairs: Record<string, string>): Json {
  return {
    key_value_pair: Object.entries(pairs)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, value]) => ({ key, value })),
  };
}

/** The seed's objects, plus `extraLbs` bare load balancers (for paging and scale tests). */
export function buildFixtures(services: ServiceSpec[] = SEED_SERVICES, extraLbs = 0): Fixtures {
  const objects = new Map<string, FixtureObject>();
  const add = (type: string, object: Json) => objects.set(String(object.uuid), { type, object });
  const fx: Fixtures = {
    objects,
    loadBalancers: [],
    listenersByLb: new Map(),
    poolsByListener: new Map(),
    membersByPool: new Map(),
  };
  let n = 0;
  const next = (kind: number) => fixtureUuid(kind, ++n);

  const projects = new Map<string, Json>();
  const projectOf = (ns: string) => {
    let p = projects.get(ns);
    if (!p) {
      p = envelope('project', next(1), ['default-domain', `k8s-${ns}`], {});
      projects.set(ns, p);
      add('project', p);
    }
    return p;
  };

  const pods = PODS.map((pod) => {
    const project = projectOf('ns-user-1');
    const vm = envelope('virtual-machine', next(2), [`k8s__ns-user-1__${pod.name}`], {
      annotations: kv({ kind: 'Pod', name: pod.name, namespace: 'ns-user-1' }),
    });
    const vmi = envelope(
      'virtual-machine-interface',
      next(3),
      ['default-domain', `k8s-ns-user-1`, `${pod.name}__vmi`],
      {
        virtual_machine_interface_bindings: kv({ host_id: pod.node }),
        virtual_machine_refs: [link('virtual-machine', vm)],
        annotations: kv({ kind: 'Pod', name: pod.name, namespace: 'ns-user-1' }),
      },
      { type: 'project', uuid: String(project.uuid) },
    );
    const iip = envelope('instance-ip', next(4), [`${pod.name}__iip`], {
      instance_ip_address: pod.ip,
      virtual_machine_interface_refs: [link('virtual-machine-interface', vmi)],
    });
    add('virtual-machine', vm);
    add('virtual-machine-interface', vmi);
    add('instance-ip', iip);
    return { ...pod, vm, vmi };
  });

  for (const svc of services) {
    const project = projectOf(svc.namespace);
    const parent = { type: 'project', uuid: String(project.uuid) };
    const uid = next(5);
    const lbName = `${svc.name}__${uid}`;
    const lb = envelope(
      'loadbalancer',
      uid,
      ['default-domain', `k8s-${svc.namespace}`, lbName],
      {
        display_name: `${svc.namespace}__${svc.name}`,
        annotations: kv({
          cluster: 'k8s',
          kind: 'Service',
          name: svc.name,
          namespace: svc.namespace,
          owner: 'k8s',
          project: `k8s-${svc.namespace}`,
        }),
        loadbalancer_properties: {
          status: null,
          provisioning_status: 'ACTIVE',
          operating_status: 'ONLINE',
          vip_subnet_id: null,
          vip_address: svc.vip,
          admin_state: true,
        },
        loadbalancer_provider: 'native',
        loadbalancer_listener_back_refs: [] as Json[],
      },
      parent,
    );
    add('loadbalancer', lb);
    const listenerRows: ListenerRow[] = [];
    for (const port of svc.ports) {
      const lid = next(6);
      const lname = `${lbName}-TCP-${port.port}-${lid}`;
      const listener = envelope(
        'loadbalancer-listener',
        lid,
        ['default-domain', `k8s-${svc.namespace}`, lname],
        {
          annotations: port.name ? kv({ portName: port.name }) : null,
          loadbalancer_listener_properties: {
            protocol: 'TCP',
            protocol_port: port.port,
            admin_state: true,
            connection_limit: null,
            default_tls_container: null,
            sni_containers: [],
          },
          loadbalancer_refs: [link('loadbalancer', lb)],
          loadbalancer_pool_back_refs: [] as Json[],
        },
        parent,
      );
      (lb.loadbalancer_listener_back_refs as Json[]).push(link('loadbalancer-listener', listener));
      add('loadbalancer-listener', listener);
      const pid = next(7);
      const pool = envelope(
        'loadbalancer-pool',
        pid,
        ['default-domain', `k8s-${svc.namespace}`, lname],
        {
          loadbalancer_pool_properties: {
            status: null,
            status_description: null,
            admin_state: true,
            protocol: 'TCP',
            loadbalancer_method: null,
            subnet_id: null,
            session_persistence: null,
            persistence_cookie_name: null,
          },
          loadbalancer_pool_provider: null,
          loadbalancer_pool_custom_attributes: null,
          loadbalancer_listener_refs: [link('loadbalancer-listener', listener)],
          loadbalancer_members: [] as Json[],
        },
        parent,
      );
      (listener.loadbalancer_pool_back_refs as Json[]).push(link('loadbalancer-pool', pool));
      add('loadbalancer-pool', pool);
      const memberRows: MemberRow[] = [];
      for (const pod of pods) {
        const mid = next(8);
        const member = envelope(
          'loadbalancer-member',
          mid,
          [...(pool.fq_name as string[]), mid],
          {
            annotations: kv({ vm: String(pod.vm.uuid), vmi: String(pod.vmi.uuid) }),
            loadbalancer_member_properties: {
              admin_state: true,
              status: null,
              status_description: null,
              protocol_port: port.targetPort,
              weight: 1,
              address: null,
              subnet_id: null,
            },
          },
          { type: 'loadbalancer-pool', uuid: pid },
        );
        (pool.loadbalancer_members as Json[]).push({ to: member.fq_name, uuid: mid, href: member.href });
        add('loadbalancer-member', member);
        memberRows.push({
          uuid: mid,
          name: mid,
          displayName: mid,
          fqName: member.fq_name as string[],
          poolUuid: pid,
          targetPort: port.targetPort,
          weight: 1,
          address: null,
          status: null,
          adminState: true,
          isUp: true,
          pod: { uuid: String(pod.vm.uuid), name: pod.name, namespace: 'ns-user-1' },
          node: pod.node,
          podIp: pod.ip,
          vmi: { uuid: String(pod.vmi.uuid), name: `${pod.name}__vmi` },
        });
      }
      fx.membersByPool.set(pid, memberRows);
      fx.poolsByListener.set(lid, [
        {
          uuid: pid,
          name: lname,
          displayName: lname,
          fqName: pool.fq_name as string[],
          listenerUuid: lid,
          protocol: 'TCP',
          method: null,
          sessionPersistence: null,
          adminState: true,
          membersUp: memberRows.length,
          membersTotal: memberRows.length,
        },
      ]);
      listenerRows.push({
        uuid: lid,
        name: lname,
        displayName: lname,
        fqName: listener.fq_name as string[],
        loadbalancerUuid: uid,
        protocol: 'TCP',
        port: port.port,
        portName: port.name,
        connectionLimit: null,
        adminState: true,
        pools: [{ uuid: pid, name: lname }],
        membersTotal: memberRows.length,
      });
    }
    fx.listenersByLb.set(uid, listenerRows);
    fx.loadBalancers.push({
      uuid: uid,
      name: lbName,
      displayName: `${svc.namespace}__${svc.name}`,
      fqName: lb.fq_name as string[],
      namespace: svc.namespace,
      vip: svc.vip,
      provider: 'native',
      listeners: listenerRows.map((l) => ({ uuid: l.uuid, protocol: l.protocol, port: l.port })),
      membersUp: svc.ports.length * pods.length,
      membersTotal: svc.ports.length * pods.length,
      operatingStatus: 'ONLINE',
      provisioningStatus: 'ACTIVE',
      adminState: true,
    });
  }

  for (let i = 0; i < extraLbs; i++) {
    const uid = next(9);
    const name = `bulk-${String(i).padStart(5, '0')}`;
    const lb = envelope(
      'loadbalancer',
      uid,
      ['default-domain', 'k8s-bulk', name],
      {
        display_name: `bulk__${name}`,
        loadbalancer_properties: {
          status: null,
          provisioning_status: 'ACTIVE',
          operating_status: 'ONLINE',
          vip_subnet_id: null,
          vip_address: `10.96.${Math.floor(i / 250)}.${i % 250}`,
          admin_state: true,
        },
        loadbalancer_provider: 'native',
      },
      { type: 'project', uuid: String(projectOf('bulk').uuid) },
    );
    add('loadbalancer', lb);
    fx.listenersByLb.set(uid, []);
    fx.loadBalancers.push({
      uuid: uid,
      name,
      displayName: `bulk__${name}`,
      fqName: lb.fq_name as string[],
      namespace: 'bulk',
      vip: `10.96.${Math.floor(i / 250)}.${i % 250}`,
      provider: 'native',
      listeners: [],
      membersUp: 0,
      membersTotal: 0,
      operatingStatus: 'ONLINE',
      provisioningStatus: 'ACTIVE',
      adminState: true,
    });
  }
  fx.loadBalancers.sort((a, b) => (a.fqName.join(':') < b.fqName.join(':') ? -1 : 1));
  return fx;
}
