// The API server's own write rules, through the HTTP API: virtual-network ids, the VMI's MAC and
// default routing-instance ref, instance-ip allocation (vnc_addr_mgmt.py, resources/*.py), and
// properties rendered as contrail-api renders what is stored.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { ManualClock } from '@server/clock.ts';
import { sequentialIds } from '@server/ids.ts';
import { createDefaultObjects } from './bootstrap.ts';
import { buildConfigApi } from './http.ts';
import { ConfigStore } from './store.ts';

const PROJECT = ['default-domain', 'default-project'];
const VN_FQ = [...PROJECT, 'vn'];

let store: ConfigStore;
let app: FastifyInstance;

beforeEach(() => {
  store = new ConfigStore(new ManualClock(Date.UTC(2026, 0, 1)), sequentialIds());
  createDefaultObjects(store);
  app = buildConfigApi({ store });
});
afterEach(() => app.close());

async function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) {
  return app.inject({
    method,
    url,
    headers: { host: 'api.test:8082' },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
}

async function create(type: string, inner: Record<string, unknown>) {
  const res = await call('POST', `/${type}s`, { [type]: inner });
  return { status: res.statusCode, body: res.statusCode === 200 ? res.json()[type] : res.body };
}

async function read(type: string, uuid: string) {
  return (await call('GET', `/${type}/${uuid}`)).json()[type];
}

async function ipamAndNetwork(subnet: Record<string, unknown>, vnExtra: Record<string, unknown> = {}) {
  const ipam = (await create('network-ipam', { fq_name: [...PROJECT, 'ipam'], parent_type: 'project' })).body;
  const vn = (
    await create('virtual-network', {
      fq_name: VN_FQ,
      parent_type: 'project',
      network_ipam_refs: [{ to: ipam.fq_name, attr: { ipam_subnets: [subnet] } }],
      ...vnExtra,
    })
  ).body;
  return { ipam, vn };
}

async function iip(name: string, extra: Record<string, unknown> = {}) {
  return create('instance-ip', { fq_name: [name], virtual_network_refs: [{ to: VN_FQ }], ...extra });
}

const address = async (name: string, extra?: Record<string, unknown>) => {
  const res = await iip(name, extra);
  if (res.status !== 200) throw new Error(res.body);
  return (await read('instance-ip', res.body.uuid)).instance_ip_address as string;
};

describe('virtual-network', () => {
  it('gets the lowest free network id from 1, refuses one given or changed (403), reuses freed ones', async () => {
    const ids: number[] = [];
    for (const name of ['a', 'b', 'c']) {
      const vn = (await create('virtual-network', { fq_name: [...PROJECT, name], parent_type: 'project' }))
        .body;
      ids.push((await read('virtual-network', vn.uuid)).virtual_network_network_id);
    }
    expect(ids).toEqual([1, 2, 3]);
    const given = await create('virtual-network', {
      fq_name: [...PROJECT, 'd'],
      parent_type: 'project',
      virtual_network_network_id: 9,
    });
    expect(given).toEqual({ status: 403, body: 'Cannot set the virtual network ID' });
    const b = store.uuidOf('virtual-network', [...PROJECT, 'b'])!;
    const change = await call('PUT', `/virtual-network/${b}`, {
      'virtual-network': { virtual_network_network_id: 7 },
    });
    expect({ status: change.statusCode, body: change.body }).toEqual({
      status: 403,
      body: 'Cannot update the virtual network ID',
    });
    expect((await call('DELETE', `/virtual-network/${b}`)).statusCode).toBe(200);
    const e = (await create('virtual-network', { fq_name: [...PROJECT, 'e'], parent_type: 'project' })).body;
    expect((await read('virtual-network', e.uuid)).virtual_network_network_id).toBe(2);
  });

  it('gives every user-defined subnet a subnet_uuid, and refuses user-defined subnets on a flat IPAM', async () => {
    const { vn } = await ipamAndNetwork({ subnet: { ip_prefix: '10.1.1.0', ip_prefix_len: 24 } });
    const got = await read('virtual-network', vn.uuid);
    expect(got.network_ipam_refs[0].attr.ipam_subnets[0].subnet_uuid).toMatch(/^00000000-0000-4000-8000-/);
    const flat = (
      await create('network-ipam', {
        fq_name: [...PROJECT, 'flat'],
        parent_type: 'project',
        ipam_subnet_method: 'flat-subnet',
      })
    ).body;
    const refused = await create('virtual-network', {
      fq_name: [...PROJECT, 'vn2'],
      parent_type: 'project',
      network_ipam_refs: [
        {
          uuid: flat.uuid,
          attr: { ipam_subnets: [{ subnet: { ip_prefix: '10.2.0.0', ip_prefix_len: 24 } }] },
        },
      ],
    });
    expect(refused).toEqual({
      status: 400,
      body: 'with flat-subnet, network can not have user-defined subnet',
    });
  });
});

describe('virtual-machine-interface', () => {
  it("gets a MAC from its uuid and a ref to its network's default routing instance (direction both)", async () => {
    const vn = (await create('virtual-network', { fq_name: VN_FQ, parent_type: 'project' })).body;
    const vmi = (
      await create('virtual-machine-interface', {
        fq_name: [...PROJECT, 'port'],
        parent_type: 'project',
        uuid: 'abcdef12-3456-4789-8abc-def012345678',
        virtual_network_refs: [{ uuid: vn.uuid }],
      })
    ).body;
    const got = await read('virtual-machine-interface', vmi.uuid);
    // vnc_addr_mgmt.py mac_alloc: '02:' + uuid chars 0-7 and 9-10.
    expect(got.virtual_machine_interface_mac_addresses).toEqual({ mac_address: ['02:ab:cd:ef:12:34'] });
    const ri = store.children(vn.uuid, 'routing-instance')[0]!;
    expect(got.routing_instance_refs).toEqual([
      {
        to: [...VN_FQ, 'vn'],
        attr: {
          direction: 'both',
          vlan_tag: null,
          src_mac: null,
          dst_mac: null,
          mpls_label: null,
          service_chain_address: null,
          ipv6_service_chain_address: null,
          protocol: null,
        },
        uuid: ri.uuid,
        href: `http://api.test:8082/routing-instance/${ri.uuid}`,
      },
    ]);
    expect(
      (await read('routing-instance', ri.uuid)).virtual_machine_interface_back_refs.map(
        (b: { uuid: string }) => b.uuid,
      ),
    ).toEqual([vmi.uuid]);
    const given = (
      await create('virtual-machine-interface', {
        fq_name: [...PROJECT, 'port2'],
        parent_type: 'project',
        virtual_machine_interface_mac_addresses: { mac_address: ['02:00:00:00:00:01'] },
      })
    ).body;
    expect(
      (await read('virtual-machine-interface', given.uuid)).virtual_machine_interface_mac_addresses
        .mac_address,
    ).toEqual(['02:00:00:00:00:01']);
  });
});

describe('instance-ip allocation', () => {
  it('allocates from the end of the subnet, skipping gateway (last-1) and service address (last-2), and reuses freed addresses', async () => {
    const { vn } = await ipamAndNetwork({ subnet: { ip_prefix: '10.1.1.0', ip_prefix_len: 24 } });
    expect(await address('a')).toBe('10.1.1.252');
    expect(await address('b')).toBe('10.1.1.251');
    expect(await address('c')).toBe('10.1.1.250');
    const subnetUuid = (await read('virtual-network', vn.uuid)).network_ipam_refs[0].attr.ipam_subnets[0]
      .subnet_uuid;
    const b = store.uuidOf('instance-ip', ['b'])!;
    expect(store.get(b)!.props.subnet_uuid).toBe(subnetUuid);
    await call('DELETE', `/instance-ip/${b}`);
    expect(await address('d')).toBe('10.1.1.251');
    expect(await address('e')).toBe('10.1.1.249');
  });

  it('allocates from the start with addr_from_start, honours a configured gateway and allocation pools', async () => {
    await ipamAndNetwork({
      subnet: { ip_prefix: '10.1.1.0', ip_prefix_len: 24 },
      addr_from_start: true,
      default_gateway: '10.1.1.9',
    });
    // Gateway configured as .9, service address first+2 = .2; network .0 excluded.
    expect([await address('a'), await address('b')]).toEqual(['10.1.1.1', '10.1.1.3']);
  });

  it('takes addresses from the allocation pools only', async () => {
    await ipamAndNetwork({
      subnet: { ip_prefix: '10.1.1.0', ip_prefix_len: 24 },
      allocation_pools: [{ start: '10.1.1.10', end: '10.1.1.11' }],
    });
    expect([await address('a'), await address('b')]).toEqual(['10.1.1.11', '10.1.1.10']);
    // user-defined-subnet-preferred: after the exhausted subnet, the flat IPAMs (none) are tried
    // and their error is the one reported (vnc_addr_mgmt.py ip_alloc_req).
    expect(await iip('c')).toEqual({
      status: 400,
      body: "Virtual-Network(['default-domain', 'default-project', 'vn']) has exhausted subnet([])",
    });
  });

  it('checks a given address: 409 when taken or the service address, 400 outside every subnet, gateway only off VM ports', async () => {
    await ipamAndNetwork({ subnet: { ip_prefix: '10.1.1.0', ip_prefix_len: 24 } });
    expect(await address('a', { instance_ip_address: '10.1.1.7' })).toBe('10.1.1.7');
    expect(await iip('b', { instance_ip_address: '10.1.1.7' })).toEqual({
      status: 409,
      body: 'IP address already in use',
    });
    expect(await iip('c', { instance_ip_address: '10.1.1.253' })).toEqual({
      status: 409,
      body: 'IP address already in use',
    });
    expect(await iip('d', { instance_ip_address: '10.9.9.9' })).toEqual({
      status: 400,
      body: "Virtual-Network(['default-domain', 'default-project', 'vn']) has exhausted subnet([])",
    });
    expect(await address('gw', { instance_ip_address: '10.1.1.254' })).toBe('10.1.1.254');
    const vm = (await create('virtual-machine', { fq_name: ['vm'] })).body;
    const port = (
      await create('virtual-machine-interface', {
        fq_name: [...PROJECT, 'p'],
        parent_type: 'project',
        virtual_network_refs: [{ to: VN_FQ }],
        virtual_machine_refs: [{ uuid: vm.uuid }],
      })
    ).body;
    expect(
      await iip('vm-gw', {
        instance_ip_address: '10.1.1.254',
        virtual_machine_interface_refs: [{ uuid: port.uuid }],
      }),
    ).toEqual({
      status: 400,
      body: 'Gateway IP cannot be used by VM port',
    });
    // Given addresses are parsed strictly: no leading zeros.
    expect(await iip('z', { instance_ip_address: '010.1.1.5' })).toEqual({
      status: 400,
      body: "Bad property in create: instance-ip.instance_ip_address: '010.1.1.5' is not an IP address",
    });
  });

  it('picks the subnet named by subnet_uuid, and refuses an unknown one', async () => {
    const ipam = (await create('network-ipam', { fq_name: [...PROJECT, 'ipam'], parent_type: 'project' }))
      .body;
    await create('virtual-network', {
      fq_name: VN_FQ,
      parent_type: 'project',
      network_ipam_refs: [
        {
          to: ipam.fq_name,
          attr: {
            ipam_subnets: [
              { subnet: { ip_prefix: '10.1.1.0', ip_prefix_len: 24 }, subnet_uuid: 's-one' },
              { subnet: { ip_prefix: '10.2.2.0', ip_prefix_len: 24 }, subnet_uuid: 's-two' },
            ],
          },
        },
      ],
    });
    expect(await address('a')).toBe('10.1.1.252');
    expect(await address('b', { subnet_uuid: 's-two' })).toBe('10.2.2.252');
    expect(await iip('c', { subnet_uuid: 'nope' })).toEqual({
      status: 400,
      body: "Virtual-Network(['default-domain', 'default-project', 'vn']) has invalid subnet(nope)",
    });
  });

  it("allocates from a network's flat-subnet IPAM as kube-manager sets them up", async () => {
    const ipam = (
      await create('network-ipam', {
        fq_name: [...PROJECT, 'pod-ipam'],
        parent_type: 'project',
        ipam_subnet_method: 'flat-subnet',
        ipam_subnets: {
          subnets: [
            {
              subnet: { ip_prefix: '10.32.0.0', ip_prefix_len: 12 },
              subnet_uuid: 'pod-subnet',
              addr_from_start: true,
            },
          ],
        },
      })
    ).body;
    await create('virtual-network', {
      fq_name: VN_FQ,
      parent_type: 'project',
      address_allocation_mode: 'flat-subnet-only',
      network_ipam_refs: [{ uuid: ipam.uuid, attr: { ipam_subnets: [] } }],
    });
    expect(await address('a')).toBe('10.32.0.3');
    expect(await address('b', { subnet_uuid: 'pod-subnet', instance_ip_address: '10.47.255.254' })).toBe(
      '10.47.255.254',
    );
    expect(await address('c', { subnet_uuid: 'pod-subnet' })).toBe('10.32.0.4');
  });

  it('needs a network or an IPAM to allocate from, and never changes an address', async () => {
    expect(await create('instance-ip', { fq_name: ['lonely'] })).toEqual({
      status: 400,
      body: 'Bad Request, instance-ip needs virtual_network_refs or network_ipam_refs to allocate an address',
    });
    await ipamAndNetwork({ subnet: { ip_prefix: '10.1.1.0', ip_prefix_len: 24 } });
    const a = (await iip('a')).body;
    const change = await call('PUT', `/instance-ip/${a.uuid}`, {
      'instance-ip': { instance_ip_address: '10.1.1.5' },
    });
    expect({ status: change.statusCode, body: change.body }).toEqual({
      status: 400,
      body: 'Instance IP Address can not be changed',
    });
  });
});

describe('rendering what is stored', () => {
  it('leaves never-set properties out and renders a set struct with every field', async () => {
    const lb = (
      await create('loadbalancer', {
        fq_name: [...PROJECT, 'lb'],
        parent_type: 'project',
        loadbalancer_properties: { vip_address: '10.0.0.1' },
      })
    ).body;
    const got = await read('loadbalancer', lb.uuid);
    expect(got).not.toHaveProperty('loadbalancer_provider');
    expect(got).not.toHaveProperty('annotations');
    expect(got.loadbalancer_properties).toEqual({
      status: null,
      provisioning_status: null,
      operating_status: null,
      vip_subnet_id: null,
      vip_address: '10.0.0.1',
      admin_state: true,
    });
    const detail = (await call('GET', '/loadbalancers?detail=true')).json().loadbalancers[0].loadbalancer;
    expect(detail).not.toHaveProperty('loadbalancer_provider');
  });
});
