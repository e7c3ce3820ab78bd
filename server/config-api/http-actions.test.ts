// The action routes, driven with the request bodies the official client (tf-api-client
// api-lib/vnc_api/vnc_api.py) sends: `json.dumps` of the dicts it builds, in its key order.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { ManualClock } from '@server/clock.ts';
import { sequentialIds } from '@server/ids.ts';
import { createDefaultObjects } from './bootstrap.ts';
import { buildConfigApi } from './http.ts';
import { ConfigStore, type ChangeEvent } from './store.ts';
import { UserAgentKv } from './useragent-kv.ts';

const H = 'http://api.test:8082';
const PROJECT = ['default-domain', 'default-project'];
const TENANT = '0ed5ea23-7b6f-4c8e-9f4e-2b1d3c4a5e6f';

let store: ConfigStore;
let kv: UserAgentKv;
let app: FastifyInstance;
let events: ChangeEvent[];

beforeEach(() => {
  store = new ConfigStore(new ManualClock(Date.UTC(2026, 0, 1)), sequentialIds());
  createDefaultObjects(store);
  kv = new UserAgentKv();
  app = buildConfigApi({ store, kv });
  events = [];
  store.subscribe((e) => events.push(e));
});
afterEach(() => app.close());

async function call(method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) {
  return app.inject({
    method,
    url,
    headers: { host: 'api.test:8082', 'content-type': 'application/json' },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
}

async function expectError(res: Awaited<ReturnType<typeof call>>, status: number, text: string) {
  expect({ status: res.statusCode, body: res.body }).toEqual({ status, body: text });
  expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
}

const subnet = (prefix: string) => ({ subnet: { ip_prefix: prefix, ip_prefix_len: 24 } });
const kvPost = (body: unknown) => call('POST', '/useragent-kv', body);

function lb(name: string, extra: Record<string, unknown> = {}) {
  return store.create('loadbalancer', { fq_name: [...PROJECT, name], parent_type: 'project', ...extra });
}

describe('POST /list-bulk-collection', () => {
  it('answers what GET /<type>s answers, for the ids vnc_api sends past 25 obj_uuids', async () => {
    const uuids = Array.from({ length: 30 }, (_, i) => lb(`lb-${String(i).padStart(2, '0')}`).uuid);
    // resource_list(obj_uuids=[30 uuids]): query_params + 'type', json.dumps'd.
    const body = {
      obj_uuids: uuids.join(','),
      detail: false,
      count: false,
      shared: false,
      type: 'loadbalancer',
    };
    const bulk = await call('POST', '/list-bulk-collection', body);
    expect(bulk.statusCode).toBe(200);
    expect(bulk.headers['content-type']).toBe('application/json');
    const get = await call('GET', `/loadbalancers?obj_uuids=${uuids.join(',')}&detail=False&count=False`);
    expect(bulk.body).toBe(get.body);
    expect(bulk.json().loadbalancers).toHaveLength(30);
    expect(bulk.json().loadbalancers[0]).toEqual({
      uuid: uuids[0],
      fq_name: [...PROJECT, 'lb-00'],
      href: `${H}/loadbalancer/${uuids[0]}`,
    });

    const detail = await call('POST', '/list-bulk-collection', {
      ...body,
      detail: true,
      exclude_hrefs: true,
    });
    const first = detail.json().loadbalancers[0].loadbalancer;
    expect(first.uuid).toBe(uuids[0]);
    expect(first).not.toHaveProperty('href');
    const count = await call('POST', '/list-bulk-collection', { ...body, count: true });
    expect(count.json()).toEqual({ loadbalancers: { count: 30 } });
  });

  it('anchors by back_ref_id and parent_id, filters and pages like the GET', async () => {
    const lbs = Array.from({ length: 27 }, (_, i) =>
      lb(`x${i}`, { loadbalancer_provider: i % 2 ? 'native' : 'other' }),
    );
    const listener = store.create('loadbalancer-listener', {
      fq_name: [...PROJECT, 'l'],
      parent_type: 'project',
      loadbalancer_refs: lbs.map((o) => ({ uuid: o.uuid })),
    });
    const byBackRef = await call('POST', '/list-bulk-collection', {
      back_ref_id: lbs.map((o) => o.uuid).join(','),
      detail: false,
      count: false,
      shared: false,
      type: 'loadbalancer-listener',
    });
    expect(byBackRef.json()['loadbalancer-listeners'].map((l: { uuid: string }) => l.uuid)).toEqual([
      listener.uuid,
    ]);
    const project = store.byFqName('project', PROJECT)!;
    const filtered = await call('POST', '/list-bulk-collection', {
      parent_id: project.uuid,
      detail: false,
      count: true,
      shared: false,
      filters: 'loadbalancer_provider=="native"',
      type: 'loadbalancer',
    });
    expect(filtered.json()).toEqual({ loadbalancers: { count: 13 } });
    const paged = await call('POST', '/list-bulk-collection', {
      obj_uuids: lbs.map((o) => o.uuid).join(','),
      page_limit: 10,
      page_marker: null,
      type: 'loadbalancer',
    });
    expect(paged.json().loadbalancers).toHaveLength(10);
    expect(typeof paged.json().marker).toBe('string');
  });

  it('answers bad requests like contrail-api', async () => {
    await expectError(
      await call('POST', '/list-bulk-collection', { type: 'frob' }),
      404,
      "Resource type 'frob' not found",
    );
    await expectError(
      await call('POST', '/list-bulk-collection', { type: 'loadbalancer', page_limit: 0 }),
      400,
      'Invalid page_limit 0: page_limit has to be greater than zero',
    );
    await expectError(
      await call('POST', '/list-bulk-collection', { type: 'loadbalancer', obj_uuids: ['a', 'b'] }),
      400,
      'Bad Request, obj_uuids must be a comma-separated string',
    );
  });
});

describe('POST /prop-collection-update and GET /prop-collection-get', () => {
  it('sets and deletes annotations element by element, as add_annotations and del_annotations send it', async () => {
    const obj = lb('lb', { annotations: { key_value_pair: [{ key: 'b', value: '2' }] } });
    const etag = store.etag(obj);
    events.length = 0;
    const set = await call('POST', '/prop-collection-update', {
      uuid: obj.uuid,
      updates: [
        { field: 'annotations', operation: 'set', value: { key: 'a', value: '1' }, position: 'a' },
        { field: 'annotations', operation: 'set', value: { key: 'b', value: '3' }, position: 'b' },
      ],
    });
    expect(set.statusCode).toBe(200);
    expect(set.body).toBe('');
    const got = (await call('GET', `/loadbalancer/${obj.uuid}`)).json().loadbalancer;
    expect(got.annotations).toEqual({
      key_value_pair: [
        { key: 'a', value: '1' },
        { key: 'b', value: '3' },
      ],
    });
    expect(store.etag(store.get(obj.uuid)!)).not.toBe(etag);
    expect(events.map((e) => e.kind)).toEqual(['update']);

    const read = await call('GET', `/prop-collection-get?uuid=${obj.uuid}&fields=annotations`);
    expect(read.json()).toEqual({
      annotations: [
        [{ key: 'a', value: '1' }, 'a'],
        [{ key: 'b', value: '3' }, 'b'],
      ],
    });
    const one = await call('GET', `/prop-collection-get?uuid=${obj.uuid}&fields=annotations&position=b`);
    expect(one.json()).toEqual({ annotations: [[{ key: 'b', value: '3' }, 'b']] });

    await call('POST', '/prop-collection-update', {
      uuid: obj.uuid,
      updates: [
        { field: 'annotations', operation: 'delete', value: null, position: 'a' },
        { field: 'annotations', operation: 'delete', value: null, position: 'b' },
      ],
    });
    expect((await call('GET', `/loadbalancer/${obj.uuid}`)).json().loadbalancer).not.toHaveProperty(
      'annotations',
    );
  });

  it('adds, modifies and deletes list elements by position (prop_list_*), in Cassandra column order', async () => {
    const ipam = store.create('network-ipam', { fq_name: [...PROJECT, 'ipam'], parent_type: 'project' });
    const post = (updates: unknown[]) =>
      call('POST', '/prop-collection-update', { uuid: ipam.uuid, updates });
    // prop_list_add_element(uuid, field, value, position): the position is sent only when given.
    expect(
      (await post([{ field: 'ipam_subnets', operation: 'add', value: subnet('10.2.0.0'), position: '2' }]))
        .statusCode,
    ).toBe(200);
    await post([{ field: 'ipam_subnets', operation: 'add', value: subnet('10.1.0.0'), position: '1' }]);
    await post([{ field: 'ipam_subnets', operation: 'modify', value: subnet('10.3.0.0'), position: '2' }]);
    const read = (await call('GET', `/prop-collection-get?uuid=${ipam.uuid}&fields=ipam_subnets`)).json();
    expect(
      read.ipam_subnets.map(([v, p]: [{ subnet: { ip_prefix: string } }, string]) => [v.subnet.ip_prefix, p]),
    ).toEqual([
      ['10.1.0.0', '1'],
      ['10.3.0.0', '2'],
    ]);
    const rendered = (await call('GET', `/network-ipam/${ipam.uuid}`)).json()['network-ipam'];
    expect(
      rendered.ipam_subnets.subnets.map((s: { subnet: { ip_prefix: string } }) => s.subnet.ip_prefix),
    ).toEqual(['10.1.0.0', '10.3.0.0']);
    await post([{ field: 'ipam_subnets', operation: 'add', value: subnet('10.9.0.0') }]);
    const positions = async () =>
      (await call('GET', `/prop-collection-get?uuid=${ipam.uuid}&fields=ipam_subnets`))
        .json()
        .ipam_subnets.map(([, p]: [unknown, string]) => p) as string[];
    // Without a position, vnc_cassandra gives the element a uuid4 one; columns read back sorted.
    const three = await positions();
    expect(three).toHaveLength(3);
    expect(three.filter((p) => /^[0-9a-f]{8}-[0-9a-f-]{27}$/.test(p))).toHaveLength(1);
    expect(three).toEqual([...three].sort());
    await post([{ field: 'ipam_subnets', operation: 'delete', value: null, position: '1' }]);
    expect(await positions()).toEqual(three.filter((p) => p !== '1'));
  });

  it('answers bad requests with contrail-api texts and changes nothing', async () => {
    const obj = lb('lb');
    events.length = 0;
    const post = (body: unknown) => call('POST', '/prop-collection-update', body);
    await expectError(await post({ updates: [] }), 400, 'Error: prop_collection_update needs obj_uuid');
    await expectError(await post({ uuid: 'nope', updates: [] }), 404, 'Object Not Found: nope');
    await expectError(
      await post({ uuid: obj.uuid, updates: [{ field: 'display_name', operation: 'set', value: 'x' }] }),
      400,
      'display_name neither "ListProperty" nor "MapProperty"',
    );
    await expectError(
      await post({ uuid: obj.uuid, updates: [{ field: 'annotations', operation: 'frob', value: null }] }),
      400,
      'Unsupported operation frob in request {"field": "annotations", "operation": "frob", "value": null}',
    );
    await expectError(
      await post({
        uuid: obj.uuid,
        updates: [{ field: 'annotations', operation: 'set', value: { key: 'k', value: 5 } }],
      }),
      400,
      'Bad property in prop-collection-update: loadbalancer.annotations.value must be a string, not a number',
    );
    await expectError(
      await call('GET', `/prop-collection-get?uuid=${obj.uuid}`),
      400,
      'Object fields needed for property collection get',
    );
    await expectError(
      await call('GET', '/prop-collection-get?fields=annotations'),
      400,
      'Object uuid needed for property collection get',
    );
    await expectError(
      await call('GET', '/prop-collection-get?uuid=nope&fields=annotations'),
      404,
      'Object Not Found: nope',
    );
    await expectError(
      await call('GET', `/prop-collection-get?uuid=${obj.uuid}&fields=loadbalancer_properties`),
      400,
      'loadbalancer_properties neither "ListProperty" nor "MapProperty"',
    );
    expect(events).toEqual([]);
  });
});

describe('perms2, POST /chown and POST /chmod', () => {
  it('stores and renders perms2 in full from a create and a PUT', async () => {
    const share = [{ tenant: `tenant:${TENANT}`, tenant_access: 5 }];
    const created = await call('POST', '/loadbalancers', {
      loadbalancer: {
        fq_name: [...PROJECT, 'p'],
        parent_type: 'project',
        perms2: { owner: 'me', global_access: 5, share },
      },
    });
    const uuid = created.json().loadbalancer.uuid;
    const read = async () => (await call('GET', `/loadbalancer/${uuid}`)).json().loadbalancer.perms2;
    expect(await read()).toEqual({ owner: 'me', owner_access: 7, global_access: 5, share });
    await call('PUT', `/loadbalancer/${uuid}`, {
      loadbalancer: { perms2: { owner: 'me', owner_access: 6, share: [] } },
    });
    expect(await read()).toEqual({ owner: 'me', owner_access: 6, global_access: 5, share: [] });
  });

  it('chown sets the owner (vnc_api.chown) and chmod the rest (vnc_api.chmod)', async () => {
    const obj = lb('lb');
    const chown = await call('POST', '/chown', { uuid: obj.uuid, owner: TENANT });
    expect({ status: chown.statusCode, body: chown.json() }).toEqual({ status: 200, body: {} });
    expect(store.get(obj.uuid)!.perms2.owner).toBe(TENANT);
    const chmod = await call('POST', '/chmod', {
      uuid: obj.uuid,
      owner: TENANT,
      owner_access: 5,
      share: [{ tenant: TENANT, tenant_access: 4 }],
      global_access: 1,
    });
    expect(chmod.json()).toEqual({});
    expect((await call('GET', `/loadbalancer/${obj.uuid}`)).json().loadbalancer.perms2).toEqual({
      owner: TENANT.replace(/-/g, ''),
      owner_access: 5,
      global_access: 1,
      share: [{ tenant: TENANT, tenant_access: 4 }],
    });
    const vn = store.create('virtual-network', { fq_name: [...PROJECT, 'vn'], parent_type: 'project' });
    await call('POST', '/chmod', { uuid: vn.uuid, global_access: 7 });
    expect(store.get(vn.uuid)!.props.is_shared).toBe(true);
  });

  it('answers bad chown and chmod requests like contrail-api and changes nothing', async () => {
    const obj = lb('lb');
    const before = store.get(obj.uuid);
    const other = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
    await expectError(
      await call('POST', '/chown', { owner: TENANT }),
      400,
      'Bad Request, no resource UUID provided to chown',
    );
    await expectError(
      await call('POST', '/chown', { uuid: obj.uuid }),
      400,
      'Bad Request, no owner UUID provided to chown',
    );
    await expectError(
      await call('POST', '/chown', { uuid: 'x', owner: TENANT }),
      400,
      'Bad Request, invalid resource UUID',
    );
    await expectError(
      await call('POST', '/chown', { uuid: obj.uuid, owner: 'me' }),
      400,
      'Bad Request, invalid owner UUID',
    );
    await expectError(
      await call('POST', '/chown', { uuid: other, owner: TENANT }),
      404,
      `Unknown id: ${other}`,
    );
    await expectError(await call('POST', '/chmod', {}), 400, "'uuid'");
    await expectError(await call('POST', '/chmod', { uuid: 'x' }), 400, 'Bad Request, invalid object id');
    await expectError(
      await call('POST', '/chmod', { uuid: obj.uuid, owner: 'me' }),
      400,
      'Bad Request, invalid owner',
    );
    await expectError(
      await call('POST', '/chmod', { uuid: obj.uuid, owner_access: 8 }),
      400,
      'Bad Request, invalid owner_access value',
    );
    await expectError(
      await call('POST', '/chmod', { uuid: obj.uuid, global_access: true }),
      400,
      'Bad Request, invalid global_access value',
    );
    await expectError(
      await call('POST', '/chmod', {
        uuid: obj.uuid,
        share: [{ tenant: `project:${TENANT}`, tenant_access: 4 }],
      }),
      400,
      'Bad Request, invalid share list',
    );
    expect(store.get(obj.uuid)).toBe(before);
  });
});

describe('POST /useragent-kv', () => {
  it('stores, retrieves and deletes as kv_store, kv_retrieve and kv_delete send it', async () => {
    const post = kvPost;
    const stored = await post({ operation: 'STORE', key: 'neutron:port:1', value: '{"id": 1}' });
    expect({ status: stored.statusCode, body: stored.body }).toEqual({ status: 200, body: '' });
    await post({ operation: 'STORE', key: 'a', value: 'x' });
    expect((await post({ operation: 'RETRIEVE', key: 'neutron:port:1' })).json()).toEqual({
      value: '{"id": 1}',
    });
    expect((await post({ operation: 'RETRIEVE', key: null })).json()).toEqual({
      value: [
        { key: 'a', value: 'x' },
        { key: 'neutron:port:1', value: '{"id": 1}' },
      ],
    });
    expect((await post({ operation: 'RETRIEVE', key: ['a', 'missing'] })).json()).toEqual({ value: ['x'] });
    expect((await post({ operation: 'DELETE', key: 'a' })).statusCode).toBe(200);
    await expectError(await post({ operation: 'RETRIEVE', key: 'a' }), 404, 'Unknown User-Agent key a');
    await expectError(
      await post({ key: 'a' }),
      400,
      "Error: Key/value store API needs 'operation' parameter",
    );
    await expectError(
      await post({ operation: 'STORE' }),
      400,
      "Error: Key/value store API needs 'key' parameter",
    );
    await expectError(await post({ operation: 'FROB', key: 'a' }), 404, 'Invalid Operation FROB');
    expect([...kv.entries()]).toEqual([['neutron:port:1', '{"id": 1}']]);
  });
});
