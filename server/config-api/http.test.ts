import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { OBJECT_TYPES } from '@model/contrail/schema.ts';
import { ManualClock } from '@server/clock.ts';
import { sequentialIds } from '@server/ids.ts';
import { createDefaultObjects } from './bootstrap.ts';
import { MAX_REQUEST_BYTES, buildConfigApi } from './http.ts';
import { ConfigStore, type ChangeEvent } from './store.ts';

const H = 'http://api.test:8082';
const PROJECT = ['default-domain', 'default-project'];
const TEXT = 'text/plain; charset=utf-8';
const JSON_TYPE = 'application/json';

let store: ConfigStore;
let app: FastifyInstance;
let clock: ManualClock;
let projectUuid: string;

beforeEach(() => {
  clock = new ManualClock(Date.UTC(2026, 0, 1));
  store = new ConfigStore(clock, sequentialIds());
  createDefaultObjects(store);
  projectUuid = store.uuidOf('project', PROJECT)!;
  app = buildConfigApi({ store });
});
afterEach(() => app.close());

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
async function call(method: Method, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return app.inject({
    method,
    url,
    headers: {
      host: 'api.test:8082',
      ...(payload ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(payload === undefined ? {} : { payload }),
  });
}

async function expectError(res: Awaited<ReturnType<typeof call>>, status: number, text: string) {
  expect({ status: res.statusCode, body: res.body, type: res.headers['content-type'] }).toEqual({
    status,
    body: text,
    type: TEXT,
  });
}

/** A create body padded to a chosen size through id_perms.description. */
function paddedCreate(pad: number): string {
  return JSON.stringify({
    loadbalancer: {
      fq_name: [...PROJECT, 'big'],
      parent_type: 'project',
      id_perms: { description: 'x'.repeat(pad) },
    },
  });
}

async function createLb(name: string, extra: Record<string, unknown> = {}) {
  const res = await call('POST', '/loadbalancers', {
    loadbalancer: { fq_name: [...PROJECT, name], parent_type: 'project', ...extra },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().loadbalancer.uuid as string;
}

describe('GET /', () => {
  it('links every collection, then every resource base, then the actions', async () => {
    const res = await call('GET', '/');
    expect(res.headers['content-type']).toBe(JSON_TYPE);
    const body = res.json();
    expect(body.href).toBe(H);
    const links = body.links.map((l: { link: Record<string, unknown> }) => l.link);
    expect(links).toHaveLength(OBJECT_TYPES.length * 2 + 9);
    expect(links[0]).toEqual({ rel: 'collection', href: `${H}/domains`, name: 'domain', method: null });
    expect(links).toContainEqual({
      rel: 'collection',
      href: `${H}/loadbalancer-members`,
      name: 'loadbalancer-member',
      method: null,
    });
    expect(links[OBJECT_TYPES.length]).toEqual({
      rel: 'resource-base',
      href: `${H}/domain`,
      name: 'domain',
      method: null,
    });
    // The actions we serve, in api_server.py `_ACTION_RESOURCES` order with its link names.
    expect(links.slice(-9)).toEqual([
      { rel: 'action', href: `${H}/prop-collection-get`, name: 'prop-collection-get', method: 'GET' },
      { rel: 'action', href: `${H}/prop-collection-update`, name: 'prop-collection-update', method: 'POST' },
      { rel: 'action', href: `${H}/ref-update`, name: 'ref-update', method: 'POST' },
      { rel: 'action', href: `${H}/fqname-to-id`, name: 'name-to-id', method: 'POST' },
      { rel: 'action', href: `${H}/id-to-fqname`, name: 'id-to-name', method: 'POST' },
      { rel: 'action', href: `${H}/useragent-kv`, name: 'useragent-keyvalue', method: 'POST' },
      { rel: 'action', href: `${H}/list-bulk-collection`, name: 'list-bulk-collection', method: 'POST' },
      { rel: 'action', href: `${H}/chown`, name: 'chown', method: 'POST' },
      { rel: 'action', href: `${H}/chmod`, name: 'chmod', method: 'POST' },
    ]);
  });
});

describe('POST /<type>s', () => {
  it('answers 200 with name, fq_name, uuid, href and the parent keys, plus an ETag', async () => {
    const res = await call('POST', '/loadbalancers', {
      loadbalancer: {
        fq_name: [...PROJECT, 'lb1'],
        parent_type: 'project',
        uuid: 'ffffffff-ffff-ffff-ffff-ffffffffffff',
      },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(JSON_TYPE);
    expect(res.headers.etag).toBe(store.etag(store.get('ffffffff-ffff-ffff-ffff-ffffffffffff')!));
    expect(res.body).toBe(
      JSON.stringify({
        loadbalancer: {
          name: 'lb1',
          fq_name: [...PROJECT, 'lb1'],
          uuid: 'ffffffff-ffff-ffff-ffff-ffffffffffff',
          href: `${H}/loadbalancer/ffffffff-ffff-ffff-ffff-ffffffffffff`,
          parent_type: 'project',
          parent_uuid: projectUuid,
          parent_href: `${H}/project/${projectUuid}`,
        },
      }),
    );
  });

  it('gives config-root objects no parent keys, in the create answer, GET and lists', async () => {
    const res = await call('POST', '/instance-ips', {
      // An instance-ip names its network or its address (instance_ip.py pre_dbe_create).
      'instance-ip': { fq_name: ['vip'], parent_type: 'config-root', instance_ip_address: '10.0.0.9' },
    });
    const created = res.json()['instance-ip'];
    expect(Object.keys(created)).toEqual(['name', 'fq_name', 'uuid', 'href']);
    const got = (await call('GET', `/instance-ip/${created.uuid}`)).json()['instance-ip'];
    expect(got).not.toHaveProperty('parent_type');
    expect(got).not.toHaveProperty('parent_uuid');
    expect(got).not.toHaveProperty('parent_href');
    const detail = (await call('GET', '/instance-ips?detail=true')).json()['instance-ips'][0]['instance-ip'];
    expect(detail).not.toHaveProperty('parent_type');
  });

  it('answers malformed and invalid bodies with 400 texts and changes nothing', async () => {
    const events: ChangeEvent[] = [];
    store.subscribe((e) => events.push(e));
    const size = store.size;
    await expectError(
      await call('POST', '/loadbalancers', ''),
      400,
      'Bad Request, empty body: a JSON object is required',
    );
    await expectError(
      await call('POST', '/loadbalancers', '{"loadbalancer": '),
      400,
      'Bad Request, invalid JSON in body: Unexpected end of JSON input',
    );
    await expectError(
      await call('POST', '/loadbalancers', '[1]'),
      400,
      'Bad Request, body must be a JSON object',
    );
    await expectError(
      await call('POST', '/loadbalancers', { project: {} }),
      400,
      'Bad Request, no loadbalancer in POST body',
    );
    await expectError(
      await call('POST', '/loadbalancers', { loadbalancer: {} }),
      400,
      'Bad Request, no fq_name in POST body',
    );
    await expectError(
      await call('POST', '/loadbalancers', { loadbalancer: { fq_name: [...PROJECT, 'x'], uuid: 'abc' } }),
      400,
      'Invalid UUID format: abc',
    );
    await expectError(
      await call('POST', '/loadbalancers', { loadbalancer: { fq_name: ['default-domain', 'nope', 'x'] } }),
      400,
      "Parent ['default-domain', 'nope'] type project does not exist",
    );
    await expectError(
      await call('POST', '/loadbalancers', {
        loadbalancer: { fq_name: [...PROJECT, 'x'], parent_type: 'nope' },
      }),
      404,
      "Resource type 'nope' not found",
    );
    expect(store.size).toBe(size);
    expect(events).toEqual([]);
  });

  it('accepts a body without a JSON content type (curl -d)', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/loadbalancers',
      headers: { host: 'api.test:8082', 'content-type': 'application/x-www-form-urlencoded' },
      payload: JSON.stringify({ loadbalancer: { fq_name: [...PROJECT, 'curl'], parent_type: 'project' } }),
    });
    expect(res.statusCode).toBe(200);
  });

  it('answers 409 for a taken fq_name or uuid', async () => {
    const uuid = await createLb('lb1');
    await expectError(
      await call('POST', '/loadbalancers', {
        loadbalancer: { fq_name: [...PROJECT, 'lb1'], parent_type: 'project' },
      }),
      409,
      `['default-domain', 'default-project', 'lb1'] already exists with uuid: ${uuid}`,
    );
    await expectError(
      await call('POST', '/loadbalancers', {
        loadbalancer: { fq_name: [...PROJECT, 'lb2'], parent_type: 'project', uuid },
      }),
      409,
      `${uuid} already exists with fq_name: ['default-domain', 'default-project', 'lb1']`,
    );
  });

  it('answers 413 with a plain-text body above 1,024,000 bytes and accepts exactly that many', async () => {
    const overhead = paddedCreate(0).length;
    const exact = paddedCreate(MAX_REQUEST_BYTES - overhead + 0);
    expect(exact.length).toBe(MAX_REQUEST_BYTES);
    expect((await call('POST', '/loadbalancers', exact)).statusCode).toBe(200);
    const over = paddedCreate(MAX_REQUEST_BYTES - overhead + 1);
    const size = store.size;
    await expectError(
      await call('POST', '/loadbalancers', over),
      413,
      'Request entity too large: the body exceeds 1024000 bytes',
    );
    expect(store.size).toBe(size);
  });
});

describe('GET /<type>/<uuid>', () => {
  it('renders the envelope, every property, exact uuid longs and sorted annotations', async () => {
    const uuid = 'ffffffff-ffff-ffff-ffff-ffffffffffff';
    await createLb('lb1', {
      uuid,
      loadbalancer_provider: 'native',
      loadbalancer_properties: { vip_address: '10.105.53.64', provisioning_status: 'ACTIVE' },
      annotations: {
        key_value_pair: [
          { key: 'owner', value: 'k8s' },
          { key: 'cluster', value: 'k8s' },
        ],
      },
    });
    const res = await call('GET', `/loadbalancer/${uuid}`);
    expect(res.headers['content-type']).toBe(JSON_TYPE);
    expect(res.body).toContain(
      '"uuid":{"uuid_mslong":18446744073709551615,"uuid_lslong":18446744073709551615}',
    );
    const obj = res.json().loadbalancer;
    expect(Object.keys(obj)).toEqual([
      'uuid',
      'name',
      'fq_name',
      'parent_type',
      'parent_uuid',
      'display_name',
      'id_perms',
      'perms2',
      'annotations',
      'loadbalancer_properties',
      'loadbalancer_provider',
      'href',
      'parent_href',
    ]);
    expect(obj.display_name).toBe('lb1');
    expect(obj.annotations.key_value_pair.map((p: { key: string }) => p.key)).toEqual(['cluster', 'owner']);
    expect(obj.loadbalancer_properties).toEqual({
      status: null,
      provisioning_status: 'ACTIVE',
      operating_status: null,
      vip_subnet_id: null,
      vip_address: '10.105.53.64',
      admin_state: true,
    });
    expect(obj.id_perms).toMatchObject({
      enable: true,
      created: '2026-01-01T00:00:00.000003',
      last_modified: '2026-01-01T00:00:00.000003',
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
    });
    expect(obj.perms2).toEqual({
      owner: projectUuid.replace(/-/g, ''),
      owner_access: 7,
      global_access: 0,
      share: [],
    });
    expect(res.headers.etag).toBe('"2026-01-01T00:00:00.000003"');
  });

  it('renders refs, computed back-refs and children with hrefs, and honours the exclude flags and fields', async () => {
    const lbUuid = await createLb('lb1', { loadbalancer_provider: 'native' });
    const listener = (
      await call('POST', '/loadbalancer-listeners', {
        'loadbalancer-listener': {
          fq_name: [...PROJECT, 'l1'],
          parent_type: 'project',
          loadbalancer_refs: [{ to: [...PROJECT, 'lb1'] }],
          loadbalancer_listener_properties: { protocol: 'TCP', protocol_port: 8888 },
        },
      })
    ).json()['loadbalancer-listener'].uuid;
    const lbObj = (await call('GET', `/loadbalancer/${lbUuid}`)).json().loadbalancer;
    expect(lbObj.loadbalancer_listener_back_refs).toEqual([
      { to: [...PROJECT, 'l1'], attr: null, uuid: listener, href: `${H}/loadbalancer-listener/${listener}` },
    ]);
    const l = (await call('GET', `/loadbalancer-listener/${listener}`)).json()['loadbalancer-listener'];
    expect(l.loadbalancer_refs).toEqual([
      { to: [...PROJECT, 'lb1'], attr: null, uuid: lbUuid, href: `${H}/loadbalancer/${lbUuid}` },
    ]);
    expect(l.loadbalancer_listener_properties.sni_containers).toEqual([]);
    const project = (await call('GET', `/project/${projectUuid}`)).json().project;
    expect(project.loadbalancers).toEqual([
      { to: [...PROJECT, 'lb1'], uuid: lbUuid, href: `${H}/loadbalancer/${lbUuid}` },
    ]);
    expect(project.loadbalancer_listeners.map((c: { uuid: string }) => c.uuid)).toEqual([listener]);
    const bare = (await call('GET', `/project/${projectUuid}?exclude_children&exclude_hrefs`)).json().project;
    expect(bare).not.toHaveProperty('loadbalancers');
    expect(bare).not.toHaveProperty('href');
    expect(bare).not.toHaveProperty('parent_href');
    const noBack = (await call('GET', `/loadbalancer/${lbUuid}?exclude_back_refs=false`)).json().loadbalancer;
    expect(noBack).not.toHaveProperty('loadbalancer_listener_back_refs');
    const some = (
      await call('GET', `/loadbalancer/${lbUuid}?fields=loadbalancer_provider,loadbalancer_properties`)
    ).json().loadbalancer;
    expect(Object.keys(some)).toEqual([
      'uuid',
      'name',
      'fq_name',
      'parent_type',
      'parent_uuid',
      'id_perms',
      'perms2',
      'loadbalancer_provider',
      'href',
      'parent_href',
    ]);
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const uuid = await createLb('lb1');
    const etag = (await call('GET', `/loadbalancer/${uuid}`)).headers.etag as string;
    const res = await call('GET', `/loadbalancer/${uuid}`, undefined, { 'if-none-match': etag });
    expect(res.statusCode).toBe(304);
    expect(res.body).toBe('');
    expect(
      (await call('GET', `/loadbalancer/${uuid}`, undefined, { 'if-none-match': '"old"' })).statusCode,
    ).toBe(200);
  });

  it('answers unknown ids, wrong types and unknown routes like contrail-api', async () => {
    await expectError(
      await call('GET', '/loadbalancer/5f1c0000-0000-4000-8000-000000000000'),
      404,
      'Unknown id: 5f1c0000-0000-4000-8000-000000000000',
    );
    await expectError(await call('GET', '/loadbalancer/foo'), 404, 'Unknown id: foo');
    await expectError(
      await call('GET', `/loadbalancer/${projectUuid}`),
      404,
      `No loadbalancer object found for id ${projectUuid}`,
    );
    await expectError(await call('GET', '/foo-bars'), 404, "Not found: '/foo-bars'");
    await expectError(
      await call('GET', `/loadbalancer_listener/${projectUuid}`),
      404,
      `Not found: '/loadbalancer_listener/${projectUuid}'`,
    );
    const wrong = await call('DELETE', '/loadbalancers');
    await expectError(wrong, 405, 'Method not allowed.');
    expect(wrong.headers.allow).toBe('GET,POST');
    expect((await call('GET', '/ref-update')).headers.allow).toBe('POST');
  });
});

describe('PUT /<type>/<uuid>', () => {
  it('updates and answers uuid and href with the new ETag; If-Match mismatch is 412 and changes nothing', async () => {
    const uuid = await createLb('lb1');
    const before = store.get(uuid)!;
    clock.advance(1000);
    await expectError(
      await call(
        'PUT',
        `/loadbalancer/${uuid}`,
        { loadbalancer: { display_name: 'x' } },
        { 'if-match': '"stale"' },
      ),
      412,
      `Precondition failed: If-Match "stale" does not match the current ETag ${store.etag(before)} of loadbalancer ${uuid}`,
    );
    expect(store.get(uuid)).toBe(before);
    const res = await call(
      'PUT',
      `/loadbalancer/${uuid}`,
      { loadbalancer: { display_name: 'x' } },
      { 'if-match': store.etag(before) },
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(JSON_TYPE);
    expect(res.json()).toEqual({ loadbalancer: { uuid, href: `${H}/loadbalancer/${uuid}` } });
    expect(res.headers.etag).toBe('"2026-01-01T00:00:01.000000"');
    expect(store.get(uuid)!.displayName).toBe('x');
  });

  it('answers unknown and wrong-typed ids with Unknown id, and bad bodies with 400', async () => {
    const uuid = await createLb('lb1');
    await expectError(
      await call('PUT', '/loadbalancer/nope', { loadbalancer: { display_name: 'x' } }),
      404,
      'Unknown id: nope',
    );
    await expectError(
      await call('PUT', `/loadbalancer/${projectUuid}`, { loadbalancer: { display_name: 'x' } }),
      404,
      `Unknown id: ${projectUuid}`,
    );
    await expectError(
      await call('PUT', `/loadbalancer/${uuid}`, 'nope'),
      400,
      `Bad Request, invalid JSON in body: Unexpected token 'o', "nope" is not valid JSON`,
    );
    await expectError(
      await call('PUT', `/loadbalancer/${uuid}`, { project: {} }),
      400,
      'Bad Request, no loadbalancer in PUT body',
    );
    await expectError(
      await call('PUT', `/loadbalancer/${uuid}`, {
        loadbalancer: { display_name: 'ok', loadbalancer_refs: [] },
      }),
      400,
      'Bad reference in http_put: loadbalancer has no reference field loadbalancer_refs',
    );
    expect(store.get(uuid)!.displayName).toBe('lb1');
  });
});

describe('DELETE /<type>/<uuid>', () => {
  it('answers 200 with an empty body, and 409 with full hrefs while dependents remain', async () => {
    const lbUuid = await createLb('lb1');
    await expectError(
      await call('DELETE', `/project/${projectUuid}`),
      409,
      `Delete when children still present: ['${H}/loadbalancer/${lbUuid}']`,
    );
    const l = await call('POST', '/loadbalancer-listeners', {
      'loadbalancer-listener': {
        fq_name: [...PROJECT, 'l1'],
        parent_type: 'project',
        loadbalancer_refs: [{ uuid: lbUuid }],
      },
    });
    const lUuid = l.json()['loadbalancer-listener'].uuid;
    await expectError(
      await call('DELETE', `/loadbalancer/${lbUuid}`),
      409,
      `Delete when resource still referred: ['${H}/loadbalancer-listener/${lUuid}']`,
    );
    await expectError(
      await call('DELETE', `/loadbalancer/${lbUuid}`, undefined, { 'if-match': '"x"' }),
      412,
      `Precondition failed: If-Match "x" does not match the current ETag ${store.etag(store.get(lbUuid)!)} of loadbalancer ${lbUuid}`,
    );
    const ok = await call('DELETE', `/loadbalancer-listener/${lUuid}`);
    expect({ status: ok.statusCode, body: ok.body, length: ok.headers['content-length'] }).toEqual({
      status: 200,
      body: '',
      length: '0',
    });
    await expectError(await call('DELETE', `/loadbalancer-listener/${lUuid}`), 404, `Unknown id: ${lUuid}`);
    await expectError(
      await call('DELETE', `/loadbalancer/${projectUuid}`),
      404,
      `No loadbalancer object found for id ${projectUuid}`,
    );
  });
});

describe('POST /fqname-to-id and /id-to-fqname', () => {
  it('translates both ways and answers misses with 404 texts', async () => {
    const uuid = await createLb('lb1');
    const to = await call('POST', '/fqname-to-id', { type: 'loadbalancer', fq_name: [...PROJECT, 'lb1'] });
    expect(to.json()).toEqual({ uuid });
    expect(
      (await call('POST', '/fqname-to-id', { type: 'loadbalancer_listener', fq_name: [...PROJECT, 'lb1'] }))
        .statusCode,
    ).toBe(404);
    const back = await call('POST', '/id-to-fqname', { uuid });
    expect(back.json()).toEqual({ fq_name: [...PROJECT, 'lb1'], type: 'loadbalancer' });
    await expectError(
      await call('POST', '/fqname-to-id', { type: 'loadbalancer', fq_name: ['default-domain', 'nope'] }),
      404,
      "Name ['default-domain', 'nope'] not found",
    );
    await expectError(
      await call('POST', '/fqname-to-id', { fq_name: [] }),
      404,
      "Resource type 'None' not found",
    );
    await expectError(
      await call('POST', '/fqname-to-id', { type: 'loadbalancer' }),
      400,
      'Bad Request, fq_name must be a list of strings',
    );
    await expectError(await call('POST', '/id-to-fqname', { uuid: 'nope' }), 404, 'UUID nope not found');
    await expectError(await call('POST', '/id-to-fqname', {}), 400, 'Bad Request, uuid must be a string');
  });
});

describe('POST /ref-update', () => {
  it('adds (any operation case) and deletes a ref, answering {"uuid"}', async () => {
    const vn = store.create('virtual-network', { fq_name: [...PROJECT, 'vn'], parent_type: 'project' });
    const ipam = store.create('network-ipam', { fq_name: [...PROJECT, 'ipam'], parent_type: 'project' });
    const add = await call('POST', '/ref-update', {
      type: 'virtual-network',
      uuid: vn.uuid,
      'ref-type': 'network_ipam',
      'ref-fq-name': ipam.fqName,
      operation: 'add',
      attr: { ipam_subnets: [] },
    });
    expect(add.headers['content-type']).toBe(JSON_TYPE);
    expect(add.json()).toEqual({ uuid: vn.uuid });
    const got = (await call('GET', `/virtual-network/${vn.uuid}`)).json()['virtual-network'];
    // A typed link attribute (VnSubnetsType) comes back with every field, as vnc_api writes it.
    expect(got.network_ipam_refs).toEqual([
      {
        to: ipam.fqName,
        attr: { ipam_subnets: [], host_routes: null },
        uuid: ipam.uuid,
        href: `${H}/network-ipam/${ipam.uuid}`,
      },
    ]);
    await call('POST', '/ref-update', {
      type: 'virtual-network',
      uuid: vn.uuid,
      'ref-type': 'network-ipam',
      'ref-uuid': ipam.uuid,
      operation: 'DELETE',
    });
    expect(store.get(vn.uuid)!.refs.get('network-ipam')).toBeUndefined();
    const noop = await call('POST', '/ref-update', {
      type: 'virtual-network',
      uuid: vn.uuid,
      'ref-type': 'network-ipam',
      'ref-uuid': 'gone',
      operation: 'DELETE',
    });
    expect(noop.statusCode).toBe(200);
  });

  it('answers bad requests with contrail-api texts', async () => {
    const vn = store.create('virtual-network', { fq_name: [...PROJECT, 'vn'], parent_type: 'project' });
    const base = {
      type: 'virtual-network',
      uuid: vn.uuid,
      'ref-type': 'network-ipam',
      'ref-uuid': 'x',
      operation: 'ADD',
    };
    await expectError(
      await call('POST', '/ref-update', { ...base, type: undefined }),
      404,
      "Resource type 'None' not found",
    );
    await expectError(
      await call('POST', '/ref-update', { ...base, uuid: null }),
      400,
      'Bad Request: type/uuid/ref-type/operation is null: virtual-network, None, network-ipam, ADD.',
    );
    await expectError(
      await call('POST', '/ref-update', { ...base, 'ref-type': 'nope' }),
      404,
      "Resource type 'nope' not found",
    );
    await expectError(
      await call('POST', '/ref-update', { ...base, operation: 'foo' }),
      400,
      'Bad Request: operation should be add or delete: FOO',
    );
    await expectError(
      await call('POST', '/ref-update', { ...base, 'ref-uuid': undefined }),
      400,
      'Bad Request: ref-uuid or ref-fq-name must be specified',
    );
    await expectError(
      await call('POST', '/ref-update', {
        ...base,
        'ref-uuid': undefined,
        'ref-fq-name': ['default-domain', 'x'],
      }),
      404,
      "Name ['default-domain', 'x'] not found",
    );
    await expectError(await call('POST', '/ref-update', base), 404, 'Unknown id: x');
    await expectError(
      await call('POST', '/ref-update', { ...base, uuid: projectUuid }),
      404,
      `Unknown id: ${projectUuid}`,
    );
  });
});

describe('GET /<type>s', () => {
  let a: string;
  let b: string;
  beforeEach(async () => {
    a = await createLb('a', {
      loadbalancer_provider: 'native',
      uuid: '00000000-0000-4000-8000-0000000000bb',
    });
    b = await createLb('b', {
      loadbalancer_provider: 'opencontrail',
      uuid: '00000000-0000-4000-8000-0000000000aa',
    });
  });

  it('lists uuid, fq_name and href in fq_name order', async () => {
    const res = await call('GET', '/loadbalancers');
    expect(res.headers['content-type']).toBe(JSON_TYPE);
    expect(res.json()).toEqual({
      loadbalancers: [
        { uuid: a, fq_name: [...PROJECT, 'a'], href: `${H}/loadbalancer/${a}` },
        { uuid: b, fq_name: [...PROJECT, 'b'], href: `${H}/loadbalancer/${b}` },
      ],
    });
    expect((await call('GET', '/loadbalancers?exclude_hrefs')).json().loadbalancers[0]).toEqual({
      uuid: a,
      fq_name: [...PROJECT, 'a'],
    });
  });

  it('renders detail items with props and refs (no ref hrefs), href and name last', async () => {
    await call('POST', '/loadbalancer-listeners', {
      'loadbalancer-listener': {
        fq_name: [...PROJECT, 'l'],
        parent_type: 'project',
        loadbalancer_refs: [{ uuid: a }],
      },
    });
    const lbs = (await call('GET', '/loadbalancers?detail=True')).json().loadbalancers;
    const first = lbs[0].loadbalancer;
    expect(Object.keys(first).slice(-2)).toEqual(['href', 'name']);
    expect(first).not.toHaveProperty('loadbalancer_listener_back_refs');
    expect(first.loadbalancer_provider).toBe('native');
    const listeners = (await call('GET', '/loadbalancer-listeners?detail=true')).json()[
      'loadbalancer-listeners'
    ];
    expect(listeners[0]['loadbalancer-listener'].loadbalancer_refs).toEqual([
      { to: [...PROJECT, 'a'], attr: null, uuid: a },
    ]);
    const withBack = (
      await call('GET', '/loadbalancers?detail=true&fields=loadbalancer_listener_back_refs')
    ).json();
    expect(withBack.loadbalancers[0].loadbalancer.loadbalancer_listener_back_refs).toHaveLength(1);
    // `detail=1` is not "true" to contrail-api.
    expect((await call('GET', '/loadbalancers?detail=1')).json().loadbalancers[0]).not.toHaveProperty(
      'loadbalancer',
    );
  });

  it('adds named fields to plain items', async () => {
    const items = (await call('GET', '/loadbalancers?fields=loadbalancer_provider,display_name')).json()
      .loadbalancers;
    expect(items[0]).toEqual({
      uuid: a,
      fq_name: [...PROJECT, 'a'],
      parent_type: 'project',
      parent_uuid: projectUuid,
      display_name: 'a',
      loadbalancer_provider: 'native',
      href: `${H}/loadbalancer/${a}`,
    });
  });

  it('counts, anchors and filters', async () => {
    expect((await call('GET', '/loadbalancers?count=true')).json()).toEqual({ loadbalancers: { count: 2 } });
    const ids = async (query: string) =>
      (await call('GET', `/loadbalancers?${query}`))
        .json()
        .loadbalancers.map((o: { uuid: string }) => o.uuid);
    expect(await ids(`parent_id=${projectUuid}`)).toEqual([a, b]);
    expect(await ids('parent_fq_name_str=default-domain:default-project&parent_type=project')).toEqual([
      a,
      b,
    ]);
    expect(await ids('parent_fq_name_str=default-domain:nope')).toEqual([]);
    expect(await ids(`obj_uuids=${b},${a}`)).toEqual([b, a]);
    expect(await ids('fq_names=default-domain:default-project:b')).toEqual([b]);
    expect(await ids('filters=loadbalancer_provider==native')).toEqual([a]);
    expect(await ids('filters=loadbalancer_provider==native,loadbalancer_provider=="opencontrail"')).toEqual([
      a,
      b,
    ]);
    expect(
      (await call('GET', '/loadbalancers?count=true&filters=loadbalancer_provider==native')).json(),
    ).toEqual({
      loadbalancers: { count: 1 },
    });
    await expectError(await call('GET', '/loadbalancers?filters=foo'), 400, 'Invalid filter foo');
    await expectError(
      await call('GET', '/loadbalancers?filters=a=={"x":1}'),
      400,
      'Invalid filter a=={"x":1}',
    );
  });

  it('lists by back_ref_id', async () => {
    const l = await call('POST', '/loadbalancer-listeners', {
      'loadbalancer-listener': {
        fq_name: [...PROJECT, 'l'],
        parent_type: 'project',
        loadbalancer_refs: [{ uuid: a }],
      },
    });
    const res = await call('GET', `/loadbalancer-listeners?back_ref_id=${a}`);
    expect(res.json()['loadbalancer-listeners'].map((o: { uuid: string }) => o.uuid)).toEqual([
      l.json()['loadbalancer-listener'].uuid,
    ]);
    expect((await call('GET', `/loadbalancer-listeners?back_ref_id=${b}`)).json()).toEqual({
      'loadbalancer-listeners': [],
    });
  });

  it('pages only when page_marker is present, with fq-name markers and a null marker at the end', async () => {
    await createLb('c', { uuid: '00000000-0000-4000-8000-0000000000cc' });
    expect((await call('GET', '/loadbalancers?page_limit=1')).json()).not.toHaveProperty('marker');
    const p1 = (await call('GET', '/loadbalancers?page_limit=2&page_marker=None')).json();
    expect(p1.loadbalancers.map((o: { uuid: string }) => o.uuid)).toEqual([a, b]);
    expect(p1.marker).toBe(`default-domain:default-project:b:${b}`);
    const p2 = (
      await call('GET', `/loadbalancers?page_limit=2&page_marker=${encodeURIComponent(p1.marker)}`)
    ).json();
    expect(p2).toEqual({
      loadbalancers: [
        {
          uuid: '00000000-0000-4000-8000-0000000000cc',
          fq_name: [...PROJECT, 'c'],
          href: `${H}/loadbalancer/00000000-0000-4000-8000-0000000000cc`,
        },
      ],
      marker: null,
    });
    const anchored = (
      await call('GET', `/loadbalancers?parent_id=${projectUuid}&page_limit=1&page_marker=`)
    ).json();
    expect(anchored).toEqual({ loadbalancers: [expect.objectContaining({ uuid: b })], marker: b });
    expect((await call('GET', '/loadbalancers?count=true&page_marker=')).json()).toEqual({
      loadbalancers: { count: 3 },
    });
    await expectError(
      await call('GET', '/loadbalancers?page_limit=abc&page_marker='),
      400,
      "Invalid page_limit abc: invalid literal for int() with base 10: 'abc'",
    );
    await expectError(
      await call('GET', '/loadbalancers?page_limit=0&page_marker='),
      400,
      'Invalid page_limit 0: page_limit has to be greater than zero',
    );
    await expectError(
      await call('GET', '/loadbalancers?page_marker=foo'),
      400,
      'Invalid page_marker foo: badly formed hexadecimal UUID string',
    );
  });
});

describe('a list longer than one slice of rendering', () => {
  const COUNT = 2_500; // three slices of 1000
  const names = Array.from({ length: COUNT }, (_, i) => `lb-${String(i).padStart(5, '0')}`);
  beforeEach(() => {
    for (const name of names)
      store.create('loadbalancer', {
        fq_name: [...PROJECT, name],
        parent_type: 'project',
        display_name: `équipe ${name}`,
      });
  });

  it('is one well-formed answer, in order, ASCII-escaped as contrail-api sends it', async () => {
    const res = await call('GET', '/loadbalancers?fields=display_name');
    const body = res.json() as { loadbalancers: { fq_name: string[]; display_name: string }[] };
    expect(body.loadbalancers.map((e) => e.fq_name.at(-1))).toEqual(names);
    expect(body.loadbalancers[COUNT - 1]!.display_name).toBe(`équipe ${names.at(-1)}`);
    // No U64 in these fields: the text is exactly what toVncJson makes of the whole answer.
    expect(res.body).toBe(JSON.stringify(body).replace(/é/g, '\\u00e9'));
  });

  it('pages across a slice with its marker, by GET and by list-bulk-collection', async () => {
    const page = (await call('GET', '/loadbalancers?page_marker=&page_limit=1500&exclude_hrefs')).json();
    expect(page.loadbalancers).toHaveLength(1500);
    expect(page.marker).toEqual(expect.any(String));
    const bulk = await call('POST', '/list-bulk-collection', {
      type: 'loadbalancer',
      fields: 'display_name',
    });
    expect(bulk.statusCode).toBe(200);
    expect(bulk.body).toBe((await call('GET', '/loadbalancers?fields=display_name')).body);
  });

  it('frees the event loop between slices, before the answer is sent', async () => {
    const order: string[] = [];
    app.addHook('onSend', async (req) => {
      order.push(`sent ${req.url}`);
    });
    // Queued once the list's query has run, that is when its rendering starts.
    const query = store.query.bind(store);
    store.query = (...args) => {
      setImmediate(() => order.push('event loop'));
      return query(...args);
    };
    await call('GET', '/loadbalancers?detail=true');
    expect(order).toEqual(['event loop', 'sent /loadbalancers?detail=true']);
  });
});
