// The explorer routes against a real config API on an ephemeral port: rows assembled right, one
// list query per level, upstream failures mapped to JSON 502s.

import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@server/clock.ts';
import { createDefaultObjects } from '@server/config-api/bootstrap.ts';
import { buildConfigApi } from '@server/config-api/http.ts';
import { ConfigStore } from '@server/config-api/store.ts';
import { sequentialIds } from '@server/ids.ts';
import { freePort } from '@server/testing/server-process.ts';
import { buildUiServer } from '../app.ts';

const LB = '99fe8ce7-9e75-11e9-b485-0050569e6cfc';
const POD_A = 'aaaaaaaa-0000-4000-8000-00000000000a';
const POD_B = 'bbbbbbbb-0000-4000-8000-00000000000b';

const fq = (name: string) => ['default-domain', 'k8s-ns-user-1', name];

function seedStore(): { store: ConfigStore; ids: Record<string, string> } {
  const store = new ConfigStore(new ManualClock(Date.UTC(2024, 0, 1)), sequentialIds());
  createDefaultObjects(store);
  const project = store.create('project', {
    fq_name: ['default-domain', 'k8s-ns-user-1'],
    parent_type: 'domain',
  });
  const lb = store.create('loadbalancer', {
    uuid: LB,
    fq_name: fq(`service-web-clusterip__${LB}`),
    parent_type: 'project',
    display_name: 'ns-user-1__service-web-clusterip',
    loadbalancer_provider: 'native',
    loadbalancer_properties: {
      provisioning_status: 'ACTIVE',
      operating_status: 'ONLINE',
      vip_address: '10.105.53.64',
      admin_state: true,
    },
    annotations: {
      key_value_pair: [
        { key: 'namespace', value: 'ns-user-1' },
        { key: 'kind', value: 'Service' },
      ],
    },
  });
  const listener = store.create('loadbalancer-listener', {
    fq_name: fq('web-TCP-8888'),
    parent_type: 'project',
    loadbalancer_listener_properties: { protocol: 'TCP', protocol_port: 8888, admin_state: true },
    loadbalancer_refs: [{ uuid: lb.uuid, attr: null }],
  });
  const pool = store.create('loadbalancer-pool', {
    fq_name: fq('web-TCP-8888'),
    parent_type: 'project',
    loadbalancer_pool_properties: { protocol: 'TCP', admin_state: true },
    loadbalancer_listener_refs: [{ uuid: listener.uuid, attr: null }],
  });
  const vn = store.create('virtual-network', {
    fq_name: fq('k8s-default-pod-network'),
    parent_type: 'project',
  });
  const members: string[] = [];
  for (const [pod, podUuid, ip, node, status] of [
    ['web-a', POD_A, '10.47.255.251', 'node-1', null],
    ['web-b', POD_B, '10.47.255.250', 'node-2', 'DOWN'],
  ] as const) {
    const vm = store.create('virtual-machine', {
      uuid: podUuid,
      fq_name: [`k8s__ns-user-1__${pod}`],
      annotations: {
        key_value_pair: [
          { key: 'kind', value: 'Pod' },
          { key: 'name', value: pod },
        ],
      },
    });
    const vmi = store.create('virtual-machine-interface', {
      fq_name: fq(`${pod}__vmi`),
      parent_type: 'project',
      virtual_network_refs: [{ uuid: vn.uuid, attr: null }],
      virtual_machine_refs: [{ uuid: vm.uuid, attr: null }],
      virtual_machine_interface_bindings: { key_value_pair: [{ key: 'host_id', value: node }] },
      annotations: {
        key_value_pair: [
          { key: 'kind', value: 'Pod' },
          { key: 'name', value: pod },
          { key: 'namespace', value: 'ns-user-1' },
        ],
      },
    });
    store.create('instance-ip', {
      fq_name: [`${pod}__iip`],
      instance_ip_address: ip,
      virtual_network_refs: [{ uuid: vn.uuid, attr: null }],
      virtual_machine_interface_refs: [{ uuid: vmi.uuid, attr: null }],
    });
    const member = store.create('loadbalancer-member', {
      fq_name: [...pool.fqName, `member-${pod}`],
      parent_type: 'loadbalancer-pool',
      loadbalancer_member_properties: { protocol_port: 80, weight: 1, admin_state: true, status },
      annotations: {
        key_value_pair: [
          { key: 'vm', value: vm.uuid },
          { key: 'vmi', value: vmi.uuid },
        ],
      },
    });
    members.push(member.uuid);
  }
  return { store, ids: { project: project.uuid, listener: listener.uuid, pool: pool.uuid } };
}

describe('explorer routes', () => {
  let configApi: FastifyInstance;
  let ui: FastifyInstance;
  let ids: Record<string, string>;
  let store: ConfigStore;
  const upstreamUrls: string[] = [];

  beforeAll(async () => {
    ({ store, ids } = seedStore());
    configApi = buildConfigApi({ store });
    configApi.addHook('onRequest', async (req) => {
      upstreamUrls.push(decodeURIComponent(req.url));
    });
    const address = await configApi.listen({ host: '127.0.0.1', port: 0 });
    ui = await buildUiServer({ configApiUrl: address });
  });
  afterAll(async () => {
    await ui.close();
    await configApi.close();
  });

  it('lists grid rows with VIP, provider, listeners, member counts and statuses', async () => {
    upstreamUrls.length = 0;
    const res = await ui.inject('/api/explorer/loadbalancers');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.total).toBe(1);
    expect(body.marker).toBeNull();
    expect(body.loadbalancers).toEqual([
      {
        uuid: LB,
        name: `service-web-clusterip__${LB}`,
        displayName: 'ns-user-1__service-web-clusterip',
        fqName: ['default-domain', 'k8s-ns-user-1', `service-web-clusterip__${LB}`],
        namespace: 'ns-user-1',
        vip: '10.105.53.64',
        provider: 'native',
        listeners: [{ uuid: ids.listener, protocol: 'TCP', port: 8888 }],
        membersUp: 1,
        membersTotal: 2,
        operatingStatus: 'ONLINE',
        provisioningStatus: 'ACTIVE',
        adminState: true,
      },
    ]);
    // One list query per level (plus the count), never a GET per object.
    expect(upstreamUrls.map((u) => u.split('?')[0])).toEqual([
      '/loadbalancers',
      '/loadbalancers',
      '/loadbalancer-listeners',
      '/loadbalancer-pools',
      '/loadbalancer-members',
    ]);
    expect(upstreamUrls).toContain(`/loadbalancer-listeners?detail=true&back_ref_id=${LB}`);
  });

  it('pages load balancers with the config API marker', async () => {
    for (let i = 0; i < 3; i++)
      store.create('loadbalancer', {
        fq_name: ['default-domain', 'k8s-ns-user-1', `extra-${i}`],
        parent_type: 'project',
        loadbalancer_properties: { vip_address: `10.0.0.${i}` },
      });
    const first = (await ui.inject('/api/explorer/loadbalancers?page_limit=2')).json();
    expect(first.total).toBe(4);
    expect(first.loadbalancers.map((r: { name: string }) => r.name)).toEqual(['extra-0', 'extra-1']);
    const second = (
      await ui.inject(
        `/api/explorer/loadbalancers?page_limit=2&page_marker=${encodeURIComponent(first.marker)}`,
      )
    ).json();
    expect(second.loadbalancers.map((r: { name: string }) => r.name)).toEqual([
      'extra-2',
      `service-web-clusterip__${LB}`,
    ]);
    expect(second.marker).toBeNull();
    const bad = await ui.inject('/api/explorer/loadbalancers?page_limit=0');
    expect(bad.statusCode).toBe(400);
  });

  it('refuses bad queries and uuids with 400 naming the parameter, without asking the config API', async () => {
    upstreamUrls.length = 0;
    for (const [url, detail] of [
      [
        '/api/explorer/loadbalancers?page_limit=0',
        'query.page_limit: must be an integer from 1 to 1000 (got "0")',
      ],
      ['/api/explorer/loadbalancers?page_size=5', 'query: unknown field "page_size"'],
      [
        `/api/explorer/loadbalancers?obj_uuids=${LB}&page_marker=x`,
        'query.obj_uuids: obj_uuids selects rows by uuid and cannot be combined with page_limit or page_marker',
      ],
      [
        '/api/explorer/loadbalancers?obj_uuids=a,b',
        'query.obj_uuids[0]: must be a uuid (8-4-4-4-12 hex digits) (got "a")',
      ],
      [
        `/api/explorer/pools/${LB},${POD_A}/members`,
        `path.uuid: must be a uuid (8-4-4-4-12 hex digits) (got "${`${LB},${POD_A}`.slice(0, 59)}…)`,
      ],
    ] as const) {
      const res = await ui.inject(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json()).toMatchObject({ error: 'Bad Request', status: 400, detail });
    }
    expect(upstreamUrls).toEqual([]);
  });

  it('selects rows by uuid, whatever their case', async () => {
    const res = await ui.inject(`/api/explorer/loadbalancers?obj_uuids=${LB.toUpperCase()}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().loadbalancers.map((r: { uuid: string }) => r.uuid)).toEqual([LB]);
  });

  it('expands an LB into listeners and a listener into its pool', async () => {
    const listeners = (await ui.inject(`/api/explorer/loadbalancers/${LB}/listeners`)).json();
    expect(listeners.listeners).toMatchObject([
      {
        uuid: ids.listener,
        displayName: 'web-TCP-8888',
        loadbalancerUuid: LB,
        protocol: 'TCP',
        port: 8888,
        adminState: true,
        pools: [{ uuid: ids.pool, name: 'web-TCP-8888' }],
        membersTotal: 2,
      },
    ]);
    const pools = (await ui.inject(`/api/explorer/listeners/${ids.listener}/pools`)).json();
    expect(pools.pools).toMatchObject([
      { uuid: ids.pool, listenerUuid: ids.listener, protocol: 'TCP', membersUp: 1, membersTotal: 2 },
    ]);
  });

  it('resolves members to pod, node, pod IP and VMI with one list query per related type', async () => {
    upstreamUrls.length = 0;
    const res = await ui.inject(`/api/explorer/pools/${ids.pool}/members`);
    expect(res.statusCode).toBe(200);
    const members = res.json().members;
    expect(
      members.map((m: Record<string, unknown>) => ({
        pod: m.pod,
        node: m.node,
        podIp: m.podIp,
        targetPort: m.targetPort,
        weight: m.weight,
        isUp: m.isUp,
        vmi: (m.vmi as { name: string }).name,
      })),
    ).toEqual([
      {
        pod: { uuid: POD_A, name: 'web-a', namespace: 'ns-user-1' },
        node: 'node-1',
        podIp: '10.47.255.251',
        targetPort: 80,
        weight: 1,
        isUp: true,
        vmi: 'web-a__vmi',
      },
      {
        pod: { uuid: POD_B, name: 'web-b', namespace: 'ns-user-1' },
        node: 'node-2',
        podIp: '10.47.255.250',
        targetPort: 80,
        weight: 1,
        isUp: false,
        vmi: 'web-b__vmi',
      },
    ]);
    expect(upstreamUrls.map((u) => u.split('?')[0]).sort()).toEqual([
      '/instance-ips',
      '/loadbalancer-members',
      '/virtual-machine-interfaces',
      '/virtual-machines',
      '/virtual-routers',
    ]);
  });

  it('answers an unknown parent with an empty level', async () => {
    const res = await ui.inject('/api/explorer/pools/00000000-0000-4000-8000-0000000000ff/members');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ members: [] });
  });
});

describe('explorer routes with a dead upstream', () => {
  it('answers 502 JSON naming the unreachable config API', async () => {
    const port = await freePort();
    const ui = await buildUiServer({ configApiUrl: `http://127.0.0.1:${port}` });
    try {
      const res = await ui.inject('/api/explorer/loadbalancers');
      expect(res.statusCode).toBe(502);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      const body = res.json();
      expect(body.error).toBe('Bad Gateway');
      expect(body.status).toBe(502);
      expect(body.detail).toContain(`config API http://127.0.0.1:${port} is unreachable: ECONNREFUSED`);
    } finally {
      await ui.close();
    }
  });

  it('answers 504 past UPSTREAM_TIMEOUT_MS and 502 for a body that is not JSON', async () => {
    const odd = (await import('fastify')).default();
    odd.get('/loadbalancers', () => new Promise(() => undefined));
    odd.get('/loadbalancer-listeners', async (_req, reply) =>
      reply.type('text/html').send('<html>login</html>'),
    );
    const address = await odd.listen({ host: '127.0.0.1', port: 0 });
    const ui = await buildUiServer({ configApiUrl: address, upstreamTimeoutMs: 200 });
    try {
      const late = await ui.inject('/api/explorer/loadbalancers');
      expect(late.statusCode).toBe(504);
      expect(late.json()).toMatchObject({
        error: 'Gateway Timeout',
        detail: `config API ${address} did not answer in 200 ms`,
      });
      const html = await ui.inject(`/api/explorer/loadbalancers/${LB}/listeners`);
      expect(html.statusCode).toBe(502);
      expect(html.json().detail).toBe(
        'config API sent a body that is not JSON for GET /loadbalancer-listeners',
      );
    } finally {
      await ui.close();
      await odd.close();
    }
  });

  it('passes an upstream 401 through as JSON', async () => {
    const denying = (await import('fastify')).default();
    denying.get('/*', async (_req, reply) =>
      reply.code(401).type('text/plain').send('Authentication check failed'),
    );
    const address = await denying.listen({ host: '127.0.0.1', port: 0 });
    const ui = await buildUiServer({ configApiUrl: address, configApiToken: 'secret' });
    try {
      const res = await ui.inject('/api/explorer/loadbalancers');
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ error: 'Unauthorized', status: 401 });
      expect(res.json().detail).toContain('Authentication check failed');
      expect(res.body).not.toContain('secret');
    } finally {
      await ui.close();
      await denying.close();
    }
  });
});
