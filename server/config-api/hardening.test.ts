// Input that cannot poison reads: body limits, typed attrs, names that are Object.prototype's,
// write semantics (no-op PUT, strict ref-update), one logged error path, and a seeded fuzz run of
// 10,000 random bodies against every write route after which every read route still answers.

import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import {
  CHILD_TYPES,
  OBJECT_TYPES,
  SCHEMA,
  collectionName,
  collectionsOf,
  refField,
  type ObjectType,
} from '@model/contrail/schema.ts';
import { ManualClock } from '@server/clock.ts';
import { sequentialIds } from '@server/ids.ts';
import { createDefaultObjects } from './bootstrap.ts';
import { buildConfigApi } from './http.ts';
import { ConfigStore, type ChangeEvent } from './store.ts';

const PROJECT = ['default-domain', 'default-project'];

let store: ConfigStore;
let app: FastifyInstance;
let clock: ManualClock;
let events: ChangeEvent[];

beforeEach(() => {
  clock = new ManualClock(Date.UTC(2026, 0, 1));
  store = new ConfigStore(clock, sequentialIds());
  createDefaultObjects(store);
  app = buildConfigApi({ store });
  events = [];
  store.subscribe((e) => events.push(e));
});
afterEach(() => app.close());

async function call(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  return app.inject({
    method,
    url,
    headers: { host: 'api.test:8082', ...headers },
    ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
}

function lb(name: string, extra: Record<string, unknown> = {}) {
  return store.create('loadbalancer', { fq_name: [...PROJECT, name], parent_type: 'project', ...extra });
}

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('bodies that could poison reads', () => {
  it('refuses deep nesting anywhere in a body before storing anything, and reads stay whole', async () => {
    const vmi = store.create('virtual-machine-interface', {
      fq_name: [...PROJECT, 'vmi'],
      parent_type: 'project',
    });
    const size = store.size;
    const deepAttr = `{"loadbalancer":{"fq_name":["default-domain","default-project","lb"],"parent_type":"project","virtual_machine_interface_refs":[{"uuid":"${vmi.uuid}","attr":${nested(10_000)}}]}}`;
    for (const [method, url, body] of [
      ['POST', '/loadbalancers', deepAttr],
      [
        'POST',
        '/ref-update',
        `{"type":"loadbalancer","uuid":"x","ref-type":"vmi","operation":"ADD","attr":${nested(40)}}`,
      ],
      ['POST', '/useragent-kv', `{"operation":"STORE","key":"k","value":${nested(33)}}`],
    ] as const) {
      const res = await call(method, url, body);
      expect({ status: res.statusCode, body: res.body }).toEqual({
        status: 400,
        body: 'Bad Request, body nests deeper than 32 levels',
      });
    }
    expect(store.size).toBe(size);
    expect((await call('GET', `/virtual-machine-interface/${vmi.uuid}`)).statusCode).toBe(200);
    expect((await call('GET', '/loadbalancers?detail=true')).statusCode).toBe(200);
  });

  it('types every ref attr: a link without an attribute type takes only null, a typed one its type', async () => {
    const vmi = store.create('virtual-machine-interface', {
      fq_name: [...PROJECT, 'vmi'],
      parent_type: 'project',
    });
    const res = await call('POST', '/loadbalancers', {
      loadbalancer: {
        fq_name: [...PROJECT, 'lb'],
        parent_type: 'project',
        virtual_machine_interface_refs: [{ uuid: vmi.uuid, attr: { a: [[[1]]] } }],
      },
    });
    expect(res.body).toBe(
      'Bad reference in create: loadbalancer.virtual_machine_interface_refs[0].attr must be null, not an object',
    );
    const vn = store.create('virtual-network', { fq_name: [...PROJECT, 'vn'], parent_type: 'project' });
    const ipam = store.create('network-ipam', { fq_name: [...PROJECT, 'ipam'], parent_type: 'project' });
    const bad = await call('POST', '/ref-update', {
      type: 'virtual-network',
      uuid: vn.uuid,
      'ref-type': 'network-ipam',
      'ref-uuid': ipam.uuid,
      operation: 'ADD',
      attr: { ipam_subnets: [{ subnet: { ip_prefix: '10.0.0.0', ip_prefix_len: 40 } }] },
    });
    expect({ status: bad.statusCode, body: bad.body }).toEqual({
      status: 400,
      body: "Bad reference in ref-update: virtual-network.network_ipam_refs[0].attr.ipam_subnets[0].subnet: Subnet type '10.0.0.0/40' is invalid",
    });
    const untyped = await call('POST', '/security-groups', {
      'security-group': {
        fq_name: [...PROJECT, 'sg'],
        parent_type: 'project',
        security_group_entries: { policy_rule: [{ action_list: JSON.parse(nested(20)) }] },
      },
    });
    expect(untyped.body).toBe(
      'Bad property in create: security-group.security_group_entries.policy_rule[0].action_list nests deeper than 16 levels',
    );
  });

  it('checks every property against its xsd type: enums, ranges, integers given as text', async () => {
    const post = (props: Record<string, unknown>) =>
      call('POST', '/loadbalancer-listeners', {
        'loadbalancer-listener': {
          fq_name: [...PROJECT, `l${Math.random()}`],
          parent_type: 'project',
          ...props,
        },
      });
    expect((await post({ loadbalancer_listener_properties: { protocol: 'SCTP' } })).body).toBe(
      "Bad property in create: loadbalancer-listener.loadbalancer_listener_properties.protocol: value must be one of ['HTTP', 'HTTPS', 'TCP', 'UDP', 'TERMINATED_HTTPS']",
    );
    expect((await post({ loadbalancer_listener_properties: { protocol_port: 1.5 } })).body).toBe(
      'Bad property in create: loadbalancer-listener.loadbalancer_listener_properties.protocol_port must be an integer, not a number',
    );
    const ok = await post({ loadbalancer_listener_properties: { protocol: 'TCP', protocol_port: '8080' } });
    const uuid = ok.json()['loadbalancer-listener'].uuid;
    expect(store.get(uuid)!.props.loadbalancer_listener_properties).toEqual({
      protocol: 'TCP',
      protocol_port: 8080,
    });
    const sg = await call('POST', '/security-groups', {
      'security-group': {
        fq_name: [...PROJECT, 'sg'],
        parent_type: 'project',
        configured_security_group_id: 8_000_000,
      },
    });
    expect(sg.body).toBe(
      'Bad property in create: security-group.configured_security_group_id: value must be between 0 and 7999999',
    );
  });
});

describe('names that are Object.prototype keys', () => {
  const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty'];

  it('are unknown types, fields and filter keys, never prototype lookups', async () => {
    const a = lb('a', { loadbalancer_provider: 'native' });
    for (const name of names) {
      expect((await call('GET', `/${name}s`)).statusCode).toBe(404);
      expect((await call('GET', `/${name}/${a.uuid}`)).statusCode).toBe(404);
      expect((await call('POST', '/fqname-to-id', { type: name, fq_name: ['x'] })).body).toBe(
        `Resource type '${name}' not found`,
      );
      expect((await call('POST', '/list-bulk-collection', { type: name })).statusCode).toBe(404);
      const field = await call('POST', '/loadbalancers', {
        loadbalancer: { fq_name: [...PROJECT, `f-${name}`], parent_type: 'project', [name]: 1 },
      });
      expect(field.statusCode).toBe(400);
      const inStruct = await call('POST', '/loadbalancers', {
        loadbalancer: {
          fq_name: [...PROJECT, `s-${name}`],
          parent_type: 'project',
          loadbalancer_properties: { [name]: 1 },
        },
      });
      expect(inStruct.statusCode).toBe(400);
      // A filter on a non-property alone is ignored; next to a property it excludes everything.
      expect((await call('GET', `/loadbalancers?filters=${name}==1`)).json().loadbalancers).toHaveLength(1);
      expect(
        (await call('GET', `/loadbalancers?filters=${name}==1,loadbalancer_provider=="native"`)).json()
          .loadbalancers,
      ).toEqual([]);
      const collection = await call('POST', '/prop-collection-update', {
        uuid: a.uuid,
        updates: [{ field: name, operation: 'set', value: { key: 'k', value: 'v' } }],
      });
      expect(collection.body).toBe(`${name} neither "ListProperty" nor "MapProperty"`);
      expect(
        (await call('POST', '/useragent-kv', { operation: 'STORE', key: name, value: 'v' })).statusCode,
      ).toBe(200);
      expect((await call('POST', '/useragent-kv', { operation: 'RETRIEVE', key: name })).json()).toEqual({
        value: 'v',
      });
    }
    // As annotation keys they are only data.
    const annotated = lb('annotated', {
      annotations: { key_value_pair: names.map((key) => ({ key, value: key })) },
    });
    expect(store.get(annotated.uuid)!.annotations!.map((p) => p.key)).toEqual([...names].sort());
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a __proto__ key anywhere in a body, so nothing can reach a prototype', async () => {
    const res = await call(
      'POST',
      '/loadbalancers',
      '{"loadbalancer":{"fq_name":["default-domain","default-project","p"],"parent_type":"project","__proto__":{"polluted":1}}}',
    );
    expect({ status: res.statusCode, body: res.body }).toEqual({
      status: 400,
      body: 'Bad Request, "__proto__" is not a valid key',
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('write semantics', () => {
  it('a PUT that changes nothing keeps last_modified, the ETag and the feed', async () => {
    const obj = lb('a', {
      loadbalancer_provider: 'native',
      loadbalancer_properties: { vip_address: '10.0.0.1' },
    });
    events.length = 0;
    clock.advance(5000);
    const same = await call('PUT', `/loadbalancer/${obj.uuid}`, {
      loadbalancer: {
        loadbalancer_provider: 'native',
        loadbalancer_properties: { vip_address: '10.0.0.1' },
        display_name: 'a',
      },
    });
    expect(same.statusCode).toBe(200);
    expect(same.headers.etag).toBe(store.etag(obj));
    expect(store.get(obj.uuid)).toBe(obj);
    expect(events).toEqual([]);
    const changed = await call('PUT', `/loadbalancer/${obj.uuid}`, {
      loadbalancer: { loadbalancer_provider: 'other' },
    });
    expect(changed.headers.etag).not.toBe(store.etag(obj));
    expect(events.map((e) => e.kind)).toEqual(['update']);
  });

  it('ref-update takes only the strings ADD and DELETE as operation', async () => {
    const listener = store.create('loadbalancer-listener', {
      fq_name: [...PROJECT, 'l'],
      parent_type: 'project',
    });
    const target = lb('t');
    const base = {
      type: 'loadbalancer-listener',
      uuid: listener.uuid,
      'ref-type': 'loadbalancer',
      'ref-uuid': target.uuid,
    };
    for (const [operation, shown] of [
      [['ADD'], "['ADD']"],
      [{ op: 'ADD' }, "{'op': 'ADD'}"],
      [1, '1'],
      [true, 'True'],
    ] as const) {
      const res = await call('POST', '/ref-update', { ...base, operation });
      expect({ status: res.statusCode, body: res.body }).toEqual({
        status: 400,
        body: `Bad Request: operation should be add or delete: ${shown}`,
      });
    }
    expect(store.get(listener.uuid)!.refs.size).toBe(0);
    expect((await call('POST', '/ref-update', { ...base, operation: 'add' })).statusCode).toBe(200);
  });
});

describe('the error path', () => {
  it('logs any 5xx with its request id as JSON and answers a generic body', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const failing = buildConfigApi({
      store,
      durable: () => Promise.reject(new Error('disk is full at /var/secret')),
      logLevel: 'info',
      logStream: sink,
    });
    const res = await failing.inject({
      method: 'POST',
      url: '/loadbalancers',
      headers: { 'x-request-id': 'req-42' },
      payload: JSON.stringify({ loadbalancer: { fq_name: [...PROJECT, 'x'], parent_type: 'project' } }),
    });
    expect({ status: res.statusCode, body: res.body, id: res.headers['x-request-id'] }).toEqual({
      status: 500,
      body: 'Internal Server Error',
      id: 'req-42',
    });
    const logged = lines.map(
      (l) => JSON.parse(l) as { level: number; reqId: string; err?: { message: string } },
    );
    const error = logged.find((l) => l.level === 50)!;
    expect(error.reqId).toBe('req-42');
    expect(error.err!.message).toBe('disk is full at /var/secret');
    expect(logged.some((l) => l.level === 30 && l.reqId === 'req-42')).toBe(true);
    await failing.close();
  });
});

// ---- fuzz ---------------------------------------------------------------------------------------

/** Every stored uuid, and one that names nothing. */
const uuids = () => [...OBJECT_TYPES.flatMap((t) => [...store.all(t)].map((o) => o.uuid)), 'not-a-uuid'];

/** mulberry32: a tiny seeded PRNG, so a failing run can be replayed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('fuzz', () => {
  it('10,000 random bodies against every write route leave every read route answering 2xx/4xx', async () => {
    const random = prng(20260101);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const int = (n: number) => Math.floor(random() * n);
    const scalars = () => [
      null,
      true,
      false,
      0,
      -1,
      1.5,
      2 ** 53,
      '',
      'x',
      'TCP',
      '10.0.0.1',
      '010.0.0.1',
      '::1',
      'constructor',
      pick(uuids()),
    ];
    const fieldNames = OBJECT_TYPES.flatMap((t) => [
      ...Object.keys(SCHEMA[t].props),
      ...Object.keys(SCHEMA[t].refs).map((r) => refField(r as ObjectType)),
    ]);
    const keys = [
      ...fieldNames,
      'uuid',
      'fq_name',
      'parent_type',
      'display_name',
      'annotations',
      'perms2',
      'id_perms',
      'key_value_pair',
      'attr',
      'to',
      'subnet',
      'ip_prefix',
      'constructor',
      'toString',
    ];
    const value = (depth: number): unknown => {
      const r = random();
      if (depth > 34 || r < 0.45) return pick(scalars());
      if (r < 0.65) return Array.from({ length: int(4) }, () => value(depth + 1));
      if (r < 0.7) return JSON.parse(nested(1 + int(40)));
      return Object.fromEntries(Array.from({ length: int(5) }, () => [pick(keys), value(depth + 1)]));
    };
    const objectBody = (type: ObjectType) => {
      const body: Record<string, unknown> = {
        fq_name: [...(random() < 0.8 ? PROJECT : ['x']), `f${int(50)}`],
      };
      if (SCHEMA[type].parents.length === 0) body.fq_name = [`f${int(50)}`];
      else body.parent_type = pick(SCHEMA[type].parents);
      for (let i = int(5); i > 0; i--) {
        const r = random();
        if (r < 0.5) body[pick(Object.keys(SCHEMA[type].props).concat(['display_name']))] = value(1);
        else if (r < 0.8) {
          const targets = Object.keys(SCHEMA[type].refs) as ObjectType[];
          if (targets.length > 0) body[refField(pick(targets))] = [{ uuid: pick(uuids()), attr: value(3) }];
        } else body[pick(keys)] = value(1);
      }
      return body;
    };
    const writes: (() => Promise<number>)[] = [
      async () => {
        const type = pick(OBJECT_TYPES);
        return (
          await call(
            'POST',
            `/${collectionName(type)}`,
            random() < 0.9 ? { [type]: objectBody(type) } : value(0),
          )
        ).statusCode;
      },
      async () => {
        const type = pick(OBJECT_TYPES);
        const body = objectBody(type);
        delete body.fq_name;
        return (await call('PUT', `/${type}/${pick(uuids())}`, { [type]: body })).statusCode;
      },
      async () =>
        (
          await call('POST', '/ref-update', {
            type: pick(OBJECT_TYPES),
            uuid: pick(uuids()),
            'ref-type': pick(OBJECT_TYPES),
            'ref-uuid': pick(uuids()),
            operation: pick(['ADD', 'DELETE', 'add', ['ADD'], null]),
            attr: value(2),
          })
        ).statusCode,
      async () =>
        (
          await call('POST', '/prop-collection-update', {
            uuid: pick(uuids()),
            updates: [
              {
                field: pick([
                  'annotations',
                  'ipam_subnets',
                  'virtual_machine_interface_bindings',
                  'floating_ip_port_mappings',
                  'x',
                ]),
                operation: pick(['add', 'set', 'modify', 'delete', 'x']),
                value: value(2),
                position: pick(scalars()),
              },
            ],
          })
        ).statusCode,
      async () => (await call('POST', '/chown', { uuid: pick(uuids()), owner: pick(scalars()) })).statusCode,
      async () =>
        (
          await call('POST', '/chmod', {
            uuid: pick(uuids()),
            owner_access: pick(scalars()),
            global_access: pick(scalars()),
            share: value(2),
          })
        ).statusCode,
      async () =>
        (
          await call('POST', '/useragent-kv', {
            operation: pick(['STORE', 'RETRIEVE', 'DELETE']),
            key: pick(scalars()),
            value: value(2),
          })
        ).statusCode,
      async () =>
        (
          await call('POST', '/list-bulk-collection', {
            type: pick(OBJECT_TYPES),
            obj_uuids: pick(scalars()),
            detail: value(1),
            fields: pick(keys),
            filters: pick(['a==1', 'display_name=="x"', '']),
          })
        ).statusCode,
      async () => (await call('DELETE', `/${pick(OBJECT_TYPES)}/${pick(uuids())}`)).statusCode,
    ];
    const statuses = new Map<number, number>();
    for (let i = 0; i < 10_000; i++) {
      const status = await pick(writes)();
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      expect(status, `write ${i}`).toBeLessThan(500);
    }
    // Some writes got through, or the run proves nothing.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(100);

    const reads: string[] = ['/', '/prop-collection-get?uuid=x&fields=annotations'];
    for (const type of OBJECT_TYPES) {
      const all = [
        ...Object.keys(SCHEMA[type].props),
        ...CHILD_TYPES[type].map((c) => `${c.replace(/-/g, '_')}s`),
      ].join(',');
      reads.push(
        `/${collectionName(type)}`,
        `/${collectionName(type)}?detail=true`,
        `/${collectionName(type)}?fields=${all}`,
        `/${collectionName(type)}?count=true`,
      );
      for (const obj of store.all(type)) {
        reads.push(`/${type}/${obj.uuid}`, `/${type}/${obj.uuid}?fields=${all}`);
        for (const field of Object.keys(collectionsOf(type)))
          reads.push(`/prop-collection-get?uuid=${obj.uuid}&fields=${field}`);
      }
    }
    for (const url of reads) {
      const res = await call('GET', url);
      expect(res.statusCode, url).toBeLessThan(500);
      if (res.statusCode === 200) expect(() => JSON.parse(res.body), url).not.toThrow();
    }
    const bulk = await call('POST', '/list-bulk-collection', { type: 'loadbalancer', detail: true });
    expect(bulk.statusCode).toBe(200);
    expect((await call('POST', '/useragent-kv', { operation: 'RETRIEVE', key: null })).statusCode).toBe(200);
  }, 300_000);
});
