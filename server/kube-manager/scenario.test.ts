import { describe, expect, it } from 'vitest';
import type { StoredObject } from '@server/config-api/store.ts';
import { makeHarness, type Harness } from './testing/harness.ts';
import { macFromUuid } from '@model/contrail/names.ts';
import { NATIVE_DRIVER } from './names.ts';

const NS = 'ns-user-1';

function lbOf(h: Harness, svc: string): StoredObject {
  const service = h.cluster.get('Service', NS, svc)!;
  return h.store.get(service.metadata.uid)!;
}

function listenersOf(h: Harness, lb: StoredObject): StoredObject[] {
  return h.store.backRefs(lb.uuid, 'loadbalancer-listener').map((b) => b.object);
}

function poolOf(h: Harness, listener: StoredObject): StoredObject {
  const pools = h.store.backRefs(listener.uuid, 'loadbalancer-pool').map((b) => b.object);
  expect(pools).toHaveLength(1);
  return pools[0]!;
}

function vipFipOf(h: Harness, lb: StoredObject): StoredObject {
  const vmi = h.store.get(h.refUuids(lb, 'virtual-machine-interface')[0]!)!;
  const iip = h.store.backRefs(vmi.uuid, 'instance-ip')[0]!.object;
  return h.store.children(iip.uuid, 'floating-ip')[0]!;
}

describe('seed scenario', async () => {
  const h = await makeHarness();
  const webPods = h.cluster.list('Pod', NS).filter((p) => p.metadata.labels?.app === 'webserver');
  const podVmi = (uid: string) => h.store.backRefs(uid, 'virtual-machine-interface').map((b) => b.object)[0]!;

  it('builds the startup objects', async () => {
    const project = h.store.byFqName('project', ['default-domain', 'k8s-ns-user-1'])!;
    expect(project).toBeDefined();
    expect(h.store.byFqName('project', ['default-domain', 'k8s-default'])).toBeDefined();
    const podVn = h.store.byFqName('virtual-network', [
      'default-domain',
      'k8s-default',
      'k8s-default-pod-network',
    ])!;
    const svcVn = h.store.byFqName('virtual-network', [
      'default-domain',
      'k8s-default',
      'k8s-default-service-network',
    ])!;
    const podIpam = h.store.get(h.refUuids(podVn, 'network-ipam')[0]!)!;
    expect(podIpam.fqName).toEqual(['default-domain', 'k8s-default', 'k8s-pod-ipam']);
    expect(podIpam.props.ipam_subnets).toMatchObject({
      subnets: [{ subnet: { ip_prefix: '10.32.0.0', ip_prefix_len: 12 } }],
    });
    const svcIpam = h.store.get(h.refUuids(svcVn, 'network-ipam')[0]!)!;
    expect(svcIpam.props.ipam_subnets).toMatchObject({
      subnets: [{ subnet: { ip_prefix: '10.96.0.0', ip_prefix_len: 12 } }],
    });
    // The store makes each network's default routing instance, named as Contrail forms VRFs.
    expect(h.store.children(svcVn.uuid, 'routing-instance').map((ri) => ri.fqKey)).toEqual([
      'default-domain:k8s-default:k8s-default-service-network:k8s-default-service-network',
    ]);
    const sas = h.store.byFqName('service-appliance-set', ['default-global-system-config', 'native'])!;
    expect(sas.props.service_appliance_driver).toBe(NATIVE_DRIVER);
    expect(
      h.store.byFqName('security-group', ['default-domain', 'k8s-ns-user-1', 'k8s-ns-user-1-default-sg']),
    ).toBeDefined();
  });

  it('gives each pod a VM (uuid = pod uid), a VMI and an instance-ip, and links VMs to their node', async () => {
    for (const pod of h.cluster.list('Pod', NS)) {
      const vm = h.store.get(pod.metadata.uid)!;
      expect(vm.type).toBe('virtual-machine');
      expect(vm.fqName).toEqual([`k8s__${NS}__${pod.metadata.name}`]);
      const vmi = podVmi(pod.metadata.uid);
      expect(vmi.fqName).toEqual(['default-domain', 'k8s-ns-user-1', `${pod.metadata.name}__${vmi.uuid}`]);
      expect(vmi.props.virtual_machine_interface_mac_addresses).toEqual({
        mac_address: [macFromUuid(vmi.uuid)],
      });
      expect(macFromUuid(vmi.uuid)).toMatch(/^02(:[0-9a-f]{2}){5}$/);
      expect(vmi.props.virtual_machine_interface_bindings).toEqual({
        key_value_pair: [{ key: 'host_id', value: pod.spec.nodeName }],
      });
      expect(h.annotations(vmi)).toMatchObject({
        kind: 'Pod',
        name: pod.metadata.name,
        namespace: NS,
        cluster: 'k8s',
        owner: 'k8s',
      });
      const iip = h.store.backRefs(vmi.uuid, 'instance-ip')[0]!.object;
      expect(iip.props.instance_ip_address).toBe(pod.status.podIP);
      expect(h.refUuids(iip, 'virtual-network')).toEqual(h.refUuids(vmi, 'virtual-network'));
      const vr = h.store.byFqName('virtual-router', ['default-global-system-config', pod.spec.nodeName!])!;
      expect(h.refUuids(vr, 'virtual-machine')).toContain(vm.uuid);
    }
    expect(
      h.store.byFqName('virtual-router', ['default-global-system-config', 'k8s-master']),
    ).toBeUndefined();
    const node1 = h.store.byFqName('virtual-router', ['default-global-system-config', 'k8s-node1'])!;
    expect(node1.props.virtual_router_ip_address).toBe('10.85.188.20');
    expect(new Set(webPods.map((p) => p.spec.nodeName))).toEqual(new Set(['k8s-node1', 'k8s-node2']));
    expect(webPods.map((p) => p.status.podIP).sort()).toEqual(['10.47.255.253', '10.47.255.254']);
  });

  it('models service-web-clusterip exactly as kube-manager does', async () => {
    const service = h.cluster.get('Service', NS, 'service-web-clusterip')!;
    const uid = service.metadata.uid;
    const lb = lbOf(h, 'service-web-clusterip');
    expect(lb.uuid).toBe(uid);
    expect(lb.fqName).toEqual(['default-domain', 'k8s-ns-user-1', `service-web-clusterip__${uid}`]);
    expect(lb.displayName).toBe('ns-user-1__service-web-clusterip');
    expect(lb.props.loadbalancer_provider).toBe('native');
    expect(lb.props.loadbalancer_properties).toEqual({
      status: null,
      provisioning_status: 'ACTIVE',
      operating_status: 'ONLINE',
      vip_subnet_id: null,
      vip_address: '10.105.53.64',
      admin_state: true,
    });
    expect(h.annotations(lb)).toEqual({
      cluster: 'k8s',
      kind: 'Service',
      name: 'service-web-clusterip',
      namespace: NS,
      owner: 'k8s',
      project: 'k8s-ns-user-1',
    });
    expect(lb.annotations!.map((a) => a.key)).toEqual([
      'cluster',
      'kind',
      'name',
      'namespace',
      'owner',
      'project',
    ]);
    expect(h.refUuids(lb, 'service-appliance-set')).toEqual([
      h.store.uuidOf('service-appliance-set', ['default-global-system-config', 'native']),
    ]);

    const lbVmi = h.store.get(h.refUuids(lb, 'virtual-machine-interface')[0]!)!;
    expect(lbVmi.fqName).toEqual([
      'default-domain',
      'k8s-ns-user-1',
      `k8s__Service__service-web-clusterip__${uid}`,
    ]);
    expect(lbVmi.displayName).toBe('ns-user-1__service-web-clusterip');
    expect(lbVmi.props.virtual_machine_interface_device_owner).toBe('K8S:LOADBALANCER');
    expect(lbVmi.refs.get('virtual-machine')).toBeUndefined();
    expect(h.store.get(h.refUuids(lbVmi, 'virtual-network')[0]!)!.fqName[2]).toBe(
      'k8s-default-service-network',
    );

    const [listener, ...more] = listenersOf(h, lb);
    expect(more).toHaveLength(0);
    expect(listener!.fqName[2]).toBe(`service-web-clusterip__${uid}-TCP-8888-${listener!.uuid}`);
    expect(listener!.displayName).toBe(listener!.fqName[2]);
    expect(listener!.props.loadbalancer_listener_properties).toEqual({
      protocol: 'TCP',
      protocol_port: 8888,
      admin_state: true,
      connection_limit: null,
      default_tls_container: null,
      sni_containers: [],
    });
    expect(listener!.annotations).toBeNull();

    const pool = poolOf(h, listener!);
    expect(pool.fqName[2]).toBe(listener!.fqName[2]);
    expect(pool.props.loadbalancer_pool_properties).toMatchObject({
      protocol: 'TCP',
      loadbalancer_method: null,
      admin_state: true,
    });

    const members = h.store.children(pool.uuid, 'loadbalancer-member');
    expect(members).toHaveLength(2);
    for (const member of members) {
      expect(member.fqName).toEqual([...pool.fqName, member.uuid]);
      expect(member.props.loadbalancer_member_properties).toEqual({
        admin_state: true,
        status: null,
        status_description: null,
        protocol_port: 80,
        weight: 1,
        address: null,
        subnet_id: null,
      });
      const { vm, vmi } = h.annotations(member);
      expect(webPods.map((p) => p.metadata.uid)).toContain(vm);
      expect(vmi).toBe(podVmi(vm!).uuid);
    }

    const iip = h.store.backRefs(lbVmi.uuid, 'instance-ip')[0]!.object;
    expect(iip.fqName).toEqual([`service-web-clusterip__${iip.uuid}`]);
    expect(iip.displayName).toBe('service-web-clusterip');
    expect(iip.props.instance_ip_address).toBe('10.105.53.64');
    const fip = vipFipOf(h, lb);
    expect(fip.fqName).toEqual([iip.fqName[0], fip.uuid]);
    expect(fip.props).toMatchObject({
      floating_ip_address: '10.105.53.64',
      floating_ip_traffic_direction: 'ingress',
      floating_ip_port_mappings_enable: true,
      floating_ip_port_mappings: { port_mappings: [{ protocol: 'TCP', src_port: 8888, dst_port: 80 }] },
    });
    expect(new Set(h.refUuids(fip, 'virtual-machine-interface'))).toEqual(
      new Set(webPods.map((p) => podVmi(p.metadata.uid).uuid)),
    );
    expect(h.refUuids(fip, 'project')).toEqual([
      h.store.uuidOf('project', ['default-domain', 'k8s-ns-user-1']),
    ]);
  });

  it('gives the multi-port Service two listeners, two pools, N×M members and one FIP with two port maps', async () => {
    const lb = lbOf(h, 'service-web-clusterip-mp');
    const listeners = listenersOf(h, lb).sort((a, b) =>
      h.annotations(a).portName! < h.annotations(b).portName! ? -1 : 1,
    );
    expect(listeners.map((l) => h.annotations(l))).toEqual([{ portName: 'port1' }, { portName: 'port2' }]);
    const memberPorts = listeners.map((l) =>
      h.store
        .children(poolOf(h, l).uuid, 'loadbalancer-member')
        .map((m) => (m.props.loadbalancer_member_properties as { protocol_port: number }).protocol_port),
    );
    expect(memberPorts).toEqual([
      [80, 80],
      [90, 90],
    ]);
    expect(vipFipOf(h, lb).props.floating_ip_port_mappings).toEqual({
      port_mappings: [
        { protocol: 'TCP', src_port: 8888, dst_port: 80 },
        { protocol: 'TCP', src_port: 9999, dst_port: 90 },
      ],
    });
  });

  it('gives the LoadBalancer Service a public floating-ip and writes the address to its status', async () => {
    const service = h.cluster.get('Service', NS, 'service-web-lb')!;
    const lb = lbOf(h, 'service-web-lb');
    const lbVmiUuid = h.refUuids(lb, 'virtual-machine-interface')[0]!;
    const external = h.store.backRefs(lbVmiUuid, 'floating-ip').map((b) => b.object);
    expect(external).toHaveLength(1);
    const fip = external[0]!;
    expect(fip.fqName).toEqual([
      'default-domain',
      'k8s-default',
      'k8s-public-network',
      'k8s-public-fip-pool',
      `${lb.fqName[2]}None-externalIP`,
    ]);
    expect(fip.props.floating_ip_address).toBe('203.0.113.2');
    expect(fip.props.floating_ip_traffic_direction).toBe('ingress');
    expect(h.refUuids(fip, 'virtual-machine-interface')).toHaveLength(3);
    expect(service.status.loadBalancer.ingress).toEqual([{ ip: '203.0.113.2' }]);
  });

  it('writes nothing on a resync with nothing changed', async () => {
    const result = h.km.resync();
    expect([result.created.length, result.updated.length, result.deleted.length, result.errors]).toEqual([
      0,
      0,
      0,
      [],
    ]);
  });
});

describe('scenarios from YAML', () => {
  const base = `apiVersion: v1
kind: Node
metadata: {name: n1}
status: {addresses: [{type: InternalIP, address: 10.0.0.1}]}
---
apiVersion: v1
kind: Namespace
metadata: {name: demo}
`;

  it('maps UDP and SCTP ports to UDP listeners and UDP port maps', async () => {
    const h = await makeHarness({ seed: false });
    h.apply(`${base}---
apiVersion: v1
kind: Pod
metadata: {name: dns, namespace: demo, labels: {app: dns}}
spec: {containers: [{name: c, ports: [{containerPort: 53, protocol: UDP}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: dns, namespace: demo}
spec:
  selector: {app: dns}
  ports: [{name: dns, protocol: UDP, port: 53}, {name: sctp, protocol: SCTP, port: 5000, targetPort: 5000}]
`);
    const lb = h.store.get(h.cluster.get('Service', 'demo', 'dns')!.metadata.uid)!;
    const listeners = listenersOf(h, lb);
    const names = listeners.map((l) => l.fqName[2]!.split('-').slice(-7, -5).join('-'));
    expect(names.sort()).toEqual(['SCTP-5000', 'UDP-53']);
    for (const listener of listeners)
      expect((listener.props.loadbalancer_listener_properties as { protocol: string }).protocol).toBe('UDP');
    expect(vipFipOf(h, lb).props.floating_ip_port_mappings).toEqual({
      port_mappings: [
        { protocol: 'UDP', src_port: 53, dst_port: 53 },
        { protocol: 'UDP', src_port: 5000, dst_port: 5000 },
      ],
    });
  });

  it('resolves named targetPorts per pod', async () => {
    const h = await makeHarness({ seed: false });
    h.apply(`${base}---
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: demo, labels: {app: web}}
spec: {containers: [{name: c, ports: [{name: web, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: demo, labels: {app: web}}
spec: {containers: [{name: c, ports: [{name: web, containerPort: 9090}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: demo}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: web}]}
`);
    const endpoints = h.cluster.get('Endpoints', 'demo', 'web')!;
    expect(endpoints.subsets.map((s) => s.ports![0]!.port).sort()).toEqual([8080, 9090]);
    const lb = h.store.get(h.cluster.get('Service', 'demo', 'web')!.metadata.uid)!;
    const pool = poolOf(h, listenersOf(h, lb)[0]!);
    const ports = h.store
      .children(pool.uuid, 'loadbalancer-member')
      .map((m) => (m.props.loadbalancer_member_properties as { protocol_port: number }).protocol_port)
      .sort();
    expect(ports).toEqual([8080, 9090]);
    // One port map per listener port: the first backend's targetPort (svc-monitor's rule).
    const maps = (vipFipOf(h, lb).props.floating_ip_port_mappings as { port_mappings: unknown[] })
      .port_mappings;
    expect(maps).toHaveLength(1);
  });

  it('gives headless and ExternalName Services nothing, without errors', async () => {
    const h = await makeHarness({ seed: false });
    const before = h.store.size;
    h.apply(`${base}---
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: demo, labels: {app: web}}
spec: {containers: [{name: c}]}
---
apiVersion: v1
kind: Service
metadata: {name: headless, namespace: demo}
spec: {clusterIP: None, selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: external, namespace: demo}
spec: {type: ExternalName, externalName: example.com}
`);
    expect(h.km.stats.lastErrors).toEqual([]);
    expect(h.objects('loadbalancer')).toEqual([]);
    expect(h.cluster.get('Endpoints', 'demo', 'headless')!.subsets[0]!.addresses).toHaveLength(1);
    // Only the namespace's project and SG plus the pod's VM, VMI, IIP and the node's VR appeared.
    expect(h.store.size - before).toBe(6);
  });
});

describe('networks and interfaces as kube-manager writes them (vnc_kubernetes.py, vnc_pod.py)', () => {
  it('makes the pod and service networks L3-only and annotates pod VMIs with index and network', async () => {
    const h = await makeHarness();
    for (const name of ['k8s-default-pod-network', 'k8s-default-service-network']) {
      const vn = h.store.byFqName('virtual-network', ['default-domain', 'k8s-default', name])!;
      expect((vn.props.virtual_network_properties as { forwarding_mode: string }).forwarding_mode).toBe('l3');
    }
    const client = h.cluster.get('Pod', NS, 'client')!;
    const vmi = h.store.backRefs(client.metadata.uid, 'virtual-machine-interface')[0]!.object;
    expect(h.annotations(vmi)).toEqual({
      cluster: 'k8s',
      index: '0/1',
      kind: 'Pod',
      name: 'client',
      namespace: NS,
      network: 'default',
      owner: 'k8s',
      project: 'k8s-ns-user-1',
    });
  });
});
