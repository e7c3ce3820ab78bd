import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '@server/clock.ts';
import { sequentialIds } from '@server/ids.ts';
import { createDefaultObjects } from './bootstrap.ts';
import { Conflict, DependentsExist, Invalid, NotFound, PreconditionFailed } from './errors.ts';
import { ConfigStore, type ChangeEvent, type StoredObject } from './store.ts';

const PROJECT = ['default-domain', 'default-project'];

function newStore() {
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 0));
  const store = new ConfigStore(clock, sequentialIds());
  createDefaultObjects(store);
  const events: ChangeEvent[] = [];
  store.subscribe((e) => events.push(e));
  return { store, clock, events };
}

function lb(store: ConfigStore, name: string, extra: Record<string, unknown> = {}): StoredObject {
  return store.create('loadbalancer', { fq_name: [...PROJECT, name], parent_type: 'project', ...extra });
}

function ids(list: readonly StoredObject[]) {
  return list.map((o) => o.fqName.at(-1));
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

describe('ConfigStore create', () => {
  let store: ConfigStore;
  let events: ChangeEvent[];
  beforeEach(() => ({ store, events } = newStore()));

  it('links the parent, defaults display_name and derives perms2 owner', () => {
    const obj = lb(store, 'lb1', { uuid: 'ffffffff-ffff-ffff-ffff-ffffffffffff' });
    const project = store.byFqName('project', PROJECT)!;
    expect(obj.parent).toEqual({ type: 'project', uuid: project.uuid });
    expect(obj.displayName).toBe('lb1');
    expect(obj.perms2.owner).toBe(project.uuid.replace(/-/g, ''));
    expect(obj.created).toBe('2026-01-01T12:00:00.000003');
    expect(store.children(project.uuid, 'loadbalancer').map((o) => o.uuid)).toEqual([obj.uuid]);
    expect(events.map((e) => [e.kind, e.object.type])).toEqual([['create', 'loadbalancer']]);
  });

  it('keeps config-root objects without a parent', () => {
    const iip = store.create('instance-ip', { fq_name: ['vip1'], instance_ip_address: '10.0.0.1' });
    expect(iip.parent).toBeNull();
    expect(iip.perms2.owner).toBe('cloud-admin');
  });

  it('sorts annotations by key and refs by target uuid', () => {
    const vmiA = store.create('virtual-machine-interface', {
      uuid: 'bbbbbbbb-0000-4000-8000-000000000000',
      fq_name: [...PROJECT, 'a'],
      parent_type: 'project',
    });
    const vmiB = store.create('virtual-machine-interface', {
      uuid: 'aaaaaaaa-0000-4000-8000-000000000000',
      fq_name: [...PROJECT, 'b'],
      parent_type: 'project',
    });
    const obj = lb(store, 'lb1', {
      annotations: {
        key_value_pair: [
          { key: 'owner', value: 'k8s' },
          { key: 'cluster', value: 'k8s' },
        ],
      },
      virtual_machine_interface_refs: [{ to: vmiA.fqName }, { uuid: vmiB.uuid, attr: null }],
    });
    expect(obj.annotations).toEqual([
      { key: 'cluster', value: 'k8s' },
      { key: 'owner', value: 'k8s' },
    ]);
    expect(obj.refs.get('virtual-machine-interface')!.map((r) => r.uuid)).toEqual([vmiB.uuid, vmiA.uuid]);
    expect(store.backRefs(vmiA.uuid, 'loadbalancer').map((b) => b.object.uuid)).toEqual([obj.uuid]);
    expect(store.backRefs(vmiB.uuid, 'loadbalancer').map((b) => b.object.uuid)).toEqual([obj.uuid]);
  });

  it('refuses bad creates with contrail-api texts and changes nothing', () => {
    lb(store, 'lb1', { uuid: '11111111-1111-4111-8111-111111111111' });
    const before = store.size;
    events.length = 0;
    const cases: [() => unknown, new (m: string) => Error, string][] = [
      [() => store.create('loadbalancer', {}), Invalid, 'Bad Request, no fq_name in POST body'],
      [() => lb(store, 'a:b'), Invalid, "Bad Request, name has one of invalid chars {':'}"],
      [() => lb(store, 'a\u0001'), Invalid, 'Bad Request, name has illegal xml characters'],
      [
        () => lb(store, 'lb1'),
        Conflict,
        "['default-domain', 'default-project', 'lb1'] already exists with uuid: 11111111-1111-4111-8111-111111111111",
      ],
      [
        () => lb(store, 'lb2', { uuid: '11111111-1111-4111-8111-111111111111' }),
        Conflict,
        "11111111-1111-4111-8111-111111111111 already exists with fq_name: ['default-domain', 'default-project', 'lb1']",
      ],
      [() => lb(store, 'lb2', { uuid: 'not-a-uuid' }), Invalid, 'Invalid UUID format: not-a-uuid'],
      [
        () => lb(store, 'lb2', { uuid: 'ABCDEF01-2345-4678-9ABC-DEF012345678' }),
        Invalid,
        'Invalid UUID format: ABCDEF01-2345-4678-9ABC-DEF012345678',
      ],
      [
        () =>
          store.create('loadbalancer', { fq_name: ['default-domain', 'nope', 'x'], parent_type: 'project' }),
        Invalid,
        "Parent ['default-domain', 'nope'] type project does not exist",
      ],
      [
        () => store.create('loadbalancer', { fq_name: ['default-domain', 'x'], parent_type: 'domain' }),
        Invalid,
        "Invalid parent type: domain. Allowed types: ['project']",
      ],
      [
        () => store.create('loadbalancer', { fq_name: ['x'], parent_type: 'frob' }),
        NotFound,
        "Resource type 'frob' not found",
      ],
      [
        () => store.create('virtual-machine-interface', { fq_name: [...PROJECT, 'v'] }),
        Invalid,
        "Missing parent type: None. Allowed types: ['project', 'virtual-machine', 'virtual-router']",
      ],
      [
        () => store.create('instance-ip', { fq_name: ['a', 'b'] }),
        Invalid,
        "Invalid fq-name of an object with no parent: ['a', 'b']",
      ],
      [
        () => store.create('loadbalancer', { fq_name: ['x'] }),
        Invalid,
        "Invalid fq-name for object with parent_type project: ['x']",
      ],
      [
        () => lb(store, 'lb2', { loadbalancer_properties: { admin_state: 'yes' } }),
        Invalid,
        'Bad property in create: loadbalancer.loadbalancer_properties.admin_state must be a boolean, not a string',
      ],
      [
        () => lb(store, 'lb2', { frobs: 1 }),
        Invalid,
        'Bad property in create: loadbalancer has no field frobs',
      ],
      [
        () => lb(store, 'lb2', { project_refs: [] }),
        Invalid,
        'Bad reference in create: loadbalancer has no reference field project_refs',
      ],
      [
        () => lb(store, 'lb2', { virtual_machine_interface_refs: [{ to: [...PROJECT, 'gone'] }] }),
        Invalid,
        "Unknown reference in resource create: virtual-machine-interface ['default-domain', 'default-project', 'gone'] not found",
      ],
    ];
    for (const [fn, cls, message] of cases) {
      const err = errorOf(fn);
      expect(err, message).toBeInstanceOf(cls);
      expect(err.message).toBe(message);
    }
    expect(store.size).toBe(before);
    expect(events).toEqual([]);
    expect(store.list('loadbalancer').map((o) => o.fqName[2])).toEqual(['lb1']);
  });

  it('wraps long fq_names the way pprint.pformat does', () => {
    const name = 'service-web-clusterip__99fe8ce7-9e75-11e9-b485-0050569e6cfc';
    lb(store, name);
    expect(errorOf(() => lb(store, name)).message).toMatch(
      /^\['default-domain',\n 'default-project',\n 'service-web-clusterip__99fe8ce7-9e75-11e9-b485-0050569e6cfc'\] already exists with uuid: /,
    );
  });

  it('creates the default routing instance of a virtual network and deletes it with it', () => {
    const vn = store.create('virtual-network', { fq_name: [...PROJECT, 'vn1'], parent_type: 'project' });
    const ri = store.children(vn.uuid, 'routing-instance');
    expect(ri.map((r) => r.fqName)).toEqual([[...PROJECT, 'vn1', 'vn1']]);
    events.length = 0;
    store.delete('virtual-network', vn.uuid);
    expect(store.get(ri[0]!.uuid)).toBeUndefined();
    expect(events.map((e) => [e.kind, e.object.type])).toEqual([
      ['delete', 'routing-instance'],
      ['delete', 'virtual-network'],
    ]);
  });
});

describe('ConfigStore update, delete, ref-update', () => {
  let store: ConfigStore;
  let clock: ManualClock;
  let events: ChangeEvent[];
  beforeEach(() => ({ store, clock, events } = newStore()));

  it('replaces given props, unsets null ones, ignores envelope keys and bumps last_modified', () => {
    const obj = lb(store, 'lb1', {
      loadbalancer_provider: 'native',
      loadbalancer_properties: { vip_address: '1.1.1.1' },
    });
    clock.advance(1500);
    const next = store.update('loadbalancer', obj.uuid, {
      fq_name: ['x'],
      uuid: 'ignored',
      loadbalancer_provider: null,
      display_name: 'ns__svc',
    });
    expect(next.fqName).toEqual(obj.fqName);
    expect(next.props).toEqual({ loadbalancer_properties: { vip_address: '1.1.1.1' } });
    expect(next.displayName).toBe('ns__svc');
    expect(next.created).toBe(obj.created);
    expect(next.lastModified).toBe('2026-01-01T12:00:01.500000');
    expect(store.etag(next)).toBe('"2026-01-01T12:00:01.500000"');
    expect(events.at(-1)).toEqual({ kind: 'update', object: next, previous: obj });
  });

  it('answers PUT of unknown or wrong-typed ids with Unknown id, and checks If-Match', () => {
    const obj = lb(store, 'lb1');
    const project = store.byFqName('project', PROJECT)!;
    expect(errorOf(() => store.update('loadbalancer', project.uuid, {})).message).toBe(
      `Unknown id: ${project.uuid}`,
    );
    const err = errorOf(() => store.update('loadbalancer', obj.uuid, { display_name: 'x' }, '"stale"'));
    expect(err).toBeInstanceOf(PreconditionFailed);
    expect(store.get(obj.uuid)).toBe(obj);
    expect(store.update('loadbalancer', obj.uuid, { display_name: 'x' }, store.etag(obj)).displayName).toBe(
      'x',
    );
    expect(
      errorOf(() => store.update('loadbalancer', obj.uuid, { perms2: { owner_access: 7 } })).message,
    ).toBe('owner in perms2 must be present');
  });

  it('an empty update body changes nothing', () => {
    const obj = lb(store, 'lb1');
    events.length = 0;
    expect(store.update('loadbalancer', obj.uuid, {})).toBe(obj);
    expect(events).toEqual([]);
  });

  it('refuses deletes with children or back-refs (first field only, hrefs as paths) and changes nothing', () => {
    const pool = store.create('loadbalancer-pool', { fq_name: [...PROJECT, 'pool'], parent_type: 'project' });
    const m1 = store.create('loadbalancer-member', {
      fq_name: [...pool.fqName, 'm1'],
      parent_type: 'loadbalancer-pool',
    });
    const m2 = store.create('loadbalancer-member', {
      fq_name: [...pool.fqName, 'm2'],
      parent_type: 'loadbalancer-pool',
    });
    const err = errorOf(() => store.delete('loadbalancer-pool', pool.uuid));
    expect(err).toBeInstanceOf(DependentsExist);
    expect(err.message).toBe(
      `Delete when children still present: ['/loadbalancer-member/${m1.uuid}', '/loadbalancer-member/${m2.uuid}']`,
    );
    const listener = store.create('loadbalancer-listener', {
      fq_name: [...PROJECT, 'l'],
      parent_type: 'project',
    });
    store.updateRef('loadbalancer-pool', pool.uuid, 'loadbalancer-listener', listener.uuid, 'ADD', null);
    expect(errorOf(() => store.delete('loadbalancer-listener', listener.uuid)).message).toBe(
      `Delete when resource still referred: ['/loadbalancer-pool/${pool.uuid}']`,
    );
    expect(store.get(listener.uuid)).toBeDefined();
    expect(errorOf(() => store.delete('loadbalancer', pool.uuid)).message).toBe(
      `No loadbalancer object found for id ${pool.uuid}`,
    );
    expect(errorOf(() => store.delete('loadbalancer', 'nope')).message).toBe('Unknown id: nope');
    store.delete('loadbalancer-member', m1.uuid);
    store.delete('loadbalancer-member', m2.uuid);
    store.delete('loadbalancer-pool', pool.uuid);
    expect(store.backRefs(listener.uuid, 'loadbalancer-pool')).toEqual([]);
    store.delete('loadbalancer-listener', listener.uuid);
    expect(store.count('loadbalancer-listener')).toBe(0);
  });

  it('ref-update adds, re-attributes and removes a ref; deleting an absent ref is a no-op', () => {
    const vn = store.create('virtual-network', { fq_name: [...PROJECT, 'vn'], parent_type: 'project' });
    const ipam = store.create('network-ipam', { fq_name: [...PROJECT, 'ipam'], parent_type: 'project' });
    // The attr is a VnSubnetsType: checked against its schema type (api_server.py
    // `_validate_refs_in_request`), so it carries real subnets here.
    const a1 = {
      ipam_subnets: [{ subnet: { ip_prefix: '10.1.0.0', ip_prefix_len: 24 }, subnet_uuid: 's1' }],
    };
    const a2 = {
      ipam_subnets: [{ subnet: { ip_prefix: '10.2.0.0', ip_prefix_len: 24 }, subnet_uuid: 's2' }],
    };
    store.updateRef('virtual-network', vn.uuid, 'network-ipam', ipam.uuid, 'ADD', a1);
    store.updateRef('virtual-network', vn.uuid, 'network-ipam', ipam.uuid, 'ADD', a2);
    expect(store.get(vn.uuid)!.refs.get('network-ipam')).toEqual([{ uuid: ipam.uuid, attr: a2 }]);
    expect(store.backRefs(ipam.uuid, 'virtual-network')[0]!.attr).toEqual(a2);
    store.updateRef('virtual-network', vn.uuid, 'network-ipam', ipam.uuid, 'DELETE', null);
    const after = store.get(vn.uuid)!;
    expect(after.refs.get('network-ipam')).toBeUndefined();
    expect(store.updateRef('virtual-network', vn.uuid, 'network-ipam', ipam.uuid, 'DELETE', null)).toBe(
      after,
    );
    expect(
      errorOf(() => store.updateRef('virtual-network', vn.uuid, 'network-ipam', 'gone', 'ADD', null)).message,
    ).toBe('Unknown id: gone');
    expect(
      errorOf(() => store.updateRef('network-ipam', vn.uuid, 'network-ipam', ipam.uuid, 'ADD', null)).message,
    ).toBe(`Unknown id: ${vn.uuid}`);
  });
});

describe('ConfigStore change feed', () => {
  it('delivers writes made by a listener after the current event, to every listener in commit order', () => {
    const { store } = newStore();
    const seen: string[][] = [[], []];
    store.subscribe((e) => {
      seen[0]!.push(`${e.kind}:${e.object.fqName.at(-1)}`);
      if (e.kind === 'create' && e.object.type === 'loadbalancer')
        store.create('loadbalancer-listener', {
          fq_name: [...PROJECT, `${e.object.fqName[2]}-l`],
          parent_type: 'project',
        });
    });
    store.subscribe((e) => seen[1]!.push(`${e.kind}:${e.object.fqName.at(-1)}`));
    lb(store, 'lb1');
    expect(seen[0]).toEqual(['create:lb1', 'create:lb1-l']);
    expect(seen[1]).toEqual(['create:lb1', 'create:lb1-l']);
  });

  it('a failing listener neither undoes the write nor starves the others', () => {
    const { store } = newStore();
    const got: string[] = [];
    const original = console.error;
    console.error = () => undefined;
    try {
      store.subscribe(() => {
        throw new Error('consumer bug');
      });
      store.subscribe((e) => got.push(e.object.uuid));
      const obj = lb(store, 'lb1');
      expect(got).toEqual([obj.uuid]);
      expect(store.get(obj.uuid)).toBe(obj);
    } finally {
      console.error = original;
    }
  });
});

describe('ConfigStore list', () => {
  let store: ConfigStore;
  beforeEach(() => ({ store } = newStore()));

  it('orders the unanchored list by "<fq_name>:<uuid>" and keeps it current across writes', () => {
    lb(store, 'b');
    lb(store, 'a-x');
    lb(store, 'a');
    expect(ids(store.list('loadbalancer'))).toEqual(['a-x', 'a', 'b']);
    const c = lb(store, 'c');
    store.delete('loadbalancer', store.uuidOf('loadbalancer', [...PROJECT, 'a'])!);
    lb(store, '0');
    store.update('loadbalancer', c.uuid, { display_name: 'renamed' });
    const list = store.list('loadbalancer');
    expect(ids(list)).toEqual(['0', 'a-x', 'b', 'c']);
    expect(list[3]!.displayName).toBe('renamed');
    expect(store.listCount('loadbalancer')).toBe(4);
  });

  it('pages unanchored lists by fq-name marker and anchored lists by uuid', () => {
    for (const n of ['a', 'b', 'c', 'd', 'e']) lb(store, n);
    const first = store.query('loadbalancer', {}, { limit: 2, marker: undefined });
    expect(ids(first.objects)).toEqual(['a', 'b']);
    expect(first.marker).toBe(`default-domain:default-project:b:${first.objects[1]!.uuid}`);
    const last = store.query('loadbalancer', {}, { limit: 3, marker: first.marker! });
    expect(ids(last.objects)).toEqual(['c', 'd', 'e']);
    expect(last.marker).toBeNull();
    const project = store.byFqName('project', PROJECT)!;
    const anchored = store.query(
      'loadbalancer',
      { parentUuids: [project.uuid] },
      { limit: 4, marker: undefined },
    );
    const uuids = anchored.objects.map((o) => o.uuid);
    expect(uuids).toEqual([...uuids].sort());
    expect(anchored.marker).toBe(uuids[3]);
  });

  it('anchors by parent (creation order), back_ref (uuid order), obj_uuids (request order) and fq_names', () => {
    const project = store.byFqName('project', PROJECT)!;
    const z = lb(store, 'z', { uuid: '00000000-0000-4000-8000-0000000000ff' });
    const y = lb(store, 'y', { uuid: '00000000-0000-4000-8000-0000000000aa' });
    expect(ids(store.list('loadbalancer', { parentUuids: [project.uuid] }))).toEqual(['z', 'y']);
    expect(ids(store.list('loadbalancer', { parentFqName: { fqName: PROJECT } }))).toEqual(['z', 'y']);
    expect(store.list('loadbalancer', { parentFqName: { fqName: ['default-domain', 'nope'] } })).toEqual([]);
    expect(ids(store.list('loadbalancer', { objUuids: [z.uuid, y.uuid, z.uuid, project.uuid] }))).toEqual([
      'z',
      'y',
    ]);
    expect(
      ids(
        store.list('loadbalancer', {
          fqNames: [
            [...PROJECT, 'y'],
            [...PROJECT, 'none'],
          ],
        }),
      ),
    ).toEqual(['y']);
    expect(store.list('loadbalancer', { fqNames: [[...PROJECT, 'none']], objUuids: [z.uuid] })).toEqual([]);
    const l1 = store.create('loadbalancer-listener', {
      fq_name: [...PROJECT, 'l1'],
      parent_type: 'project',
      uuid: '00000000-0000-4000-8000-0000000000f1',
      loadbalancer_refs: [{ uuid: z.uuid }],
    });
    const l2 = store.create('loadbalancer-listener', {
      fq_name: [...PROJECT, 'l2'],
      parent_type: 'project',
      uuid: '00000000-0000-4000-8000-0000000000e1',
      loadbalancer_refs: [{ uuid: z.uuid }, { uuid: y.uuid }],
    });
    expect(store.list('loadbalancer-listener', { backRefUuids: [z.uuid] })).toEqual([l2, l1]);
    expect(store.list('loadbalancer-listener', { backRefUuids: [y.uuid, z.uuid] })).toEqual([l2, l1]);
    // Lower anchors filter a parent-anchored list.
    expect(
      store.list('loadbalancer-listener', { parentUuids: [project.uuid], backRefUuids: [y.uuid] }),
    ).toEqual([l2]);
    expect(store.list('loadbalancer-listener', { parentUuids: [project.uuid], objUuids: [l1.uuid] })).toEqual(
      [l1],
    );
  });

  it('filters like contrail-api: props only, OR within a key, AND across keys', () => {
    lb(store, 'a', { loadbalancer_provider: 'native', display_name: 'x' });
    lb(store, 'b', { loadbalancer_provider: 'opencontrail', display_name: 'x' });
    lb(store, 'c', { display_name: 'y' });
    const f = (filters: [string, unknown][]) => ids(store.list('loadbalancer', { filters }));
    expect(f([['loadbalancer_provider', 'native']])).toEqual(['a']);
    expect(
      f([
        ['loadbalancer_provider', 'native'],
        ['loadbalancer_provider', 'opencontrail'],
      ]),
    ).toEqual(['a', 'b']);
    expect(
      f([
        ['loadbalancer_provider', 'opencontrail'],
        ['display_name', 'x'],
      ]),
    ).toEqual(['b']);
    expect(f([['display_name', 'y']])).toEqual(['c']);
    // No property key at all: the filter is ignored; a non-property key next to one excludes all.
    expect(f([['name', 'a']])).toEqual(['a', 'b', 'c']);
    expect(
      f([
        ['name', 'a'],
        ['display_name', 'x'],
      ]),
    ).toEqual([]);
    expect(store.listCount('loadbalancer', { filters: [['display_name', 'x']] })).toBe(2);
  });
});
