// Replays the seed's curl exploration against objects created through the API the way
// kube-manager and svc-monitor create them (spec contrail.md §1.2-1.12).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { ManualClock } from '@server/clock.ts';
import { sequentialIds } from '@server/ids.ts';
import { createDefaultObjects } from './bootstrap.ts';
import { buildConfigApi } from './http.ts';
import { ConfigStore } from './store.ts';

const BASE = 'http://localhost:8082';
const SVC_UID = '99fe8ce7-9e75-11e9-b485-0050569e6cfc';
const LB_NAME = `service-web-clusterip__${SVC_UID}`;
const NS_PROJECT = ['default-domain', 'k8s-ns-user-1'];
const LISTENER_UUID = '6b1d6f1e-0c1a-4b7e-9a55-7d1e2f3a4b5c';
const POD_VMIS = ['2a3b4c5d-0000-4000-8000-0000000000a1', '2a3b4c5d-0000-4000-8000-0000000000a2'];

let app: FastifyInstance;

async function curl(method: 'GET' | 'POST', url: string, body?: unknown) {
  const path = url.startsWith(BASE) ? url.slice(BASE.length) : url;
  const res = await app.inject({
    method,
    url: path,
    headers: { host: 'localhost:8082', ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { payload: JSON.stringify(body) } : {}),
  });
  expect(res.statusCode, `${method} ${path}: ${res.body}`).toBe(200);
  return res.json();
}

async function post(type: string, obj: Record<string, unknown>): Promise<string> {
  return (await curl('POST', `/${type}s`, { [type]: obj }))[type].uuid;
}

beforeAll(async () => {
  const store = new ConfigStore(new ManualClock(), sequentialIds());
  createDefaultObjects(store);
  app = buildConfigApi({ store });
  await post('project', { fq_name: NS_PROJECT, parent_type: 'domain' });
  await post('project', { fq_name: ['default-domain', 'k8s-default'], parent_type: 'domain' });
  const vn = ['default-domain', 'k8s-default', 'k8s-default-service-network'];
  await post('virtual-network', { fq_name: vn, parent_type: 'project' });
  const sg = [...NS_PROJECT, 'k8s-ns-user-1-default-sg'];
  await post('security-group', { fq_name: sg, parent_type: 'project' });
  await post('service-appliance-set', {
    fq_name: ['default-global-system-config', 'native'],
    parent_type: 'global-system-config',
    service_appliance_driver:
      'svc_monitor.services.loadbalancer.drivers.native.driver.OpencontrailLoadbalancerDriver',
  });
  const lbVmi = [...NS_PROJECT, `k8s__Service__${LB_NAME}`];
  await post('virtual-machine-interface', {
    fq_name: lbVmi,
    parent_type: 'project',
    display_name: 'ns-user-1__service-web-clusterip',
    virtual_machine_interface_device_owner: 'K8S:LOADBALANCER',
    port_security_enabled: true,
    virtual_network_refs: [{ to: vn, attr: null }],
    security_group_refs: [{ to: sg, attr: null }],
  });
  await post('instance-ip', {
    fq_name: ['service-web-clusterip__0e1d2c3b-0000-4000-8000-000000000001'],
    display_name: 'service-web-clusterip',
    instance_ip_address: '10.105.53.64',
    virtual_network_refs: [{ to: vn }],
    virtual_machine_interface_refs: [{ to: lbVmi }],
  });
  await post('loadbalancer', {
    uuid: SVC_UID,
    fq_name: [...NS_PROJECT, LB_NAME],
    parent_type: 'project',
    display_name: 'ns-user-1__service-web-clusterip',
    loadbalancer_provider: 'native',
    loadbalancer_properties: {
      status: null,
      provisioning_status: 'ACTIVE',
      operating_status: 'ONLINE',
      vip_subnet_id: null,
      vip_address: '10.105.53.64',
      admin_state: true,
    },
    service_appliance_set_refs: [{ to: ['default-global-system-config', 'native'] }],
    virtual_machine_interface_refs: [{ to: lbVmi }],
    annotations: {
      key_value_pair: [
        { key: 'owner', value: 'k8s' },
        { key: 'kind', value: 'Service' },
        { key: 'cluster', value: 'k8s' },
        { key: 'project', value: 'k8s-ns-user-1' },
        { key: 'namespace', value: 'ns-user-1' },
        { key: 'name', value: 'service-web-clusterip' },
      ],
    },
  });
  const listenerName = `${LB_NAME}-TCP-8888-${LISTENER_UUID}`;
  await post('loadbalancer-listener', {
    uuid: LISTENER_UUID,
    fq_name: [...NS_PROJECT, listenerName],
    parent_type: 'project',
    loadbalancer_listener_properties: { protocol: 'TCP', protocol_port: 8888, admin_state: true },
    loadbalancer_refs: [{ to: [...NS_PROJECT, LB_NAME], attr: null }],
  });
  const poolFq = [...NS_PROJECT, listenerName];
  await post('loadbalancer-pool', {
    fq_name: poolFq,
    parent_type: 'project',
    loadbalancer_pool_properties: { protocol: 'TCP', loadbalancer_method: null, admin_state: true },
    loadbalancer_listener_refs: [{ to: poolFq, uuid: LISTENER_UUID }],
  });
  for (const [i, vmi] of POD_VMIS.entries()) {
    const memberUuid = `7c000000-0000-4000-8000-00000000000${i + 1}`;
    await post('loadbalancer-member', {
      uuid: memberUuid,
      fq_name: [...poolFq, memberUuid],
      parent_type: 'loadbalancer-pool',
      loadbalancer_member_properties: { admin_state: true, protocol_port: 80, weight: 1, address: null },
      annotations: {
        key_value_pair: [
          { key: 'vmi', value: vmi },
          { key: 'vm', value: `pod-${i}` },
        ],
      },
    });
  }
});
afterAll(() => app.close());

describe("the seed's curl session", () => {
  it('walks loadbalancer → listener → pool → members', async () => {
    // curl http://localhost:8082/loadbalancers
    const { loadbalancers } = await curl('GET', '/loadbalancers');
    const entry = loadbalancers.find((l: { fq_name: string[] }) =>
      l.fq_name[2]!.startsWith('service-web-clusterip__'),
    );
    expect(entry).toEqual({
      uuid: SVC_UID,
      fq_name: [...NS_PROJECT, LB_NAME],
      href: `${BASE}/loadbalancer/${SVC_UID}`,
    });

    // curl <href of that loadbalancer>
    const { loadbalancer } = await curl('GET', entry.href);
    expect(loadbalancer.uuid).toBe(SVC_UID);
    expect(loadbalancer.display_name).toBe('ns-user-1__service-web-clusterip');
    expect(loadbalancer.loadbalancer_properties.vip_address).toBe('10.105.53.64');
    expect(loadbalancer.loadbalancer_provider).toBe('native');
    expect(loadbalancer.annotations.key_value_pair.map((p: { key: string }) => p.key)).toEqual([
      'cluster',
      'kind',
      'name',
      'namespace',
      'owner',
      'project',
    ]);
    expect(loadbalancer.service_appliance_set_refs[0].to).toEqual(['default-global-system-config', 'native']);
    expect(loadbalancer.loadbalancer_listener_back_refs).toHaveLength(1);

    // The listener, reached through the back-ref.
    const listenerRef = loadbalancer.loadbalancer_listener_back_refs[0];
    expect(listenerRef.uuid).toBe(LISTENER_UUID);
    const listener = (await curl('GET', listenerRef.href))['loadbalancer-listener'];
    expect(listener.loadbalancer_listener_properties).toEqual({
      protocol: 'TCP',
      protocol_port: 8888,
      admin_state: true,
      connection_limit: null,
      default_tls_container: null,
      sni_containers: [],
    });
    expect(listener.loadbalancer_refs).toEqual([
      { to: [...NS_PROJECT, LB_NAME], attr: null, uuid: SVC_UID, href: `${BASE}/loadbalancer/${SVC_UID}` },
    ]);

    // The pool refers to the listener; its members are children.
    expect(listener.loadbalancer_pool_back_refs).toHaveLength(1);
    const pool = (await curl('GET', listener.loadbalancer_pool_back_refs[0].href))['loadbalancer-pool'];
    expect(pool.name).toBe(listener.name);
    expect(pool.loadbalancer_pool_properties.protocol).toBe('TCP');
    expect(pool.loadbalancer_members).toHaveLength(2);
    const members = await Promise.all(
      pool.loadbalancer_members.map(
        async (m: { href: string }) => (await curl('GET', m.href))['loadbalancer-member'],
      ),
    );
    expect(
      members.map((m) => [
        m.parent_type,
        m.loadbalancer_member_properties.protocol_port,
        m.loadbalancer_member_properties.address,
        m.loadbalancer_member_properties.weight,
        m.annotations.key_value_pair.find((p: { key: string }) => p.key === 'vmi').value,
      ]),
    ).toEqual([
      ['loadbalancer-pool', 80, null, 1, POD_VMIS[0]],
      ['loadbalancer-pool', 80, null, 1, POD_VMIS[1]],
    ]);

    // The VIP instance-ip sits on the LB's VMI.
    const vmi = (await curl('GET', loadbalancer.virtual_machine_interface_refs[0].href))[
      'virtual-machine-interface'
    ];
    expect(vmi.virtual_machine_interface_device_owner).toBe('K8S:LOADBALANCER');
    expect(vmi.loadbalancer_back_refs.map((r: { uuid: string }) => r.uuid)).toEqual([SVC_UID]);
    const iip = (await curl('GET', vmi.instance_ip_back_refs[0].href))['instance-ip'];
    expect(iip.instance_ip_address).toBe('10.105.53.64');

    // The same listener via the list API, as the UI's legacy tree does it.
    const byBackRef = await curl('GET', `/loadbalancer-listeners?back_ref_id=${SVC_UID}&detail=true`);
    expect(byBackRef['loadbalancer-listeners'][0]['loadbalancer-listener'].uuid).toBe(LISTENER_UUID);
  });
});
