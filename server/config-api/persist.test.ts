import { describe, expect, it } from 'vitest';
import { SCHEMA, type ObjectType } from '@model/contrail/schema.ts';
import { ManualClock } from '@server/clock.ts';
import { sequentialIds } from '@server/ids.ts';
import { createDefaultObjects } from './bootstrap.ts';
import { attachJournal, type RecordJournal } from './persist.ts';
import { renderObject } from './render.ts';
import { ConfigStore, type StoredObject } from './store.ts';
import { UserAgentKv } from './useragent-kv.ts';

const PROJECT = ['default-domain', 'default-project'];

/** An ordered in-memory journal, as the state directory keeps one. */
class MemoryJournal implements RecordJournal {
  readonly records = new Map<string, unknown>();
  entries() {
    return [...this.records].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
  put(key: string, value: unknown) {
    // What the database returns is a copy, never the live object.
    this.records.set(key, structuredClone(value));
  }
  remove(key: string) {
    this.records.delete(key);
  }
}

function started(
  journal: MemoryJournal,
  clock = new ManualClock(Date.UTC(2026, 0, 1)),
  prefix = 'aaaaaaaa-0000-4000-8000-',
) {
  const store = new ConfigStore(clock, sequentialIds(prefix));
  const kv = new UserAgentKv();
  attachJournal(store, kv, journal);
  createDefaultObjects(store);
  return { store, kv, clock };
}

const render = (store: ConfigStore, obj: StoredObject) => renderObject(store, obj, { baseUrl: 'http://h' });

describe('attachJournal', () => {
  it('restores every object as it was: uuids, timestamps, ETags, refs, back-refs and children order', () => {
    const journal = new MemoryJournal();
    const { store, kv, clock } = started(journal);
    const ipam = store.create('network-ipam', {
      fq_name: [...PROJECT, 'ipam'],
      parent_type: 'project',
      ipam_subnet_method: 'flat-subnet',
      ipam_subnets: { subnets: [{ subnet: { ip_prefix: '10.8.0.0', ip_prefix_len: 24 } }] },
    });
    const vn = store.create('virtual-network', {
      fq_name: [...PROJECT, 'vn'],
      parent_type: 'project',
      network_ipam_refs: [{ uuid: ipam.uuid, attr: { ipam_subnets: [] } }],
    });
    const lbs = ['zeta', 'alpha', 'mid'].map((n) => {
      clock.advance(1000);
      return store.create('loadbalancer', { fq_name: [...PROJECT, n], parent_type: 'project' });
    });
    store.update('loadbalancer', lbs[0]!.uuid, {
      display_name: 'renamed',
      annotations: { key_value_pair: [{ key: 'k', value: 'v' }] },
    });
    store.delete('loadbalancer', lbs[2]!.uuid);
    const vmi = store.create('virtual-machine-interface', {
      fq_name: [...PROJECT, 'vmi'],
      parent_type: 'project',
      virtual_network_refs: [{ uuid: vn.uuid }],
    });
    const iip = store.create('instance-ip', {
      fq_name: ['iip'],
      virtual_network_refs: [{ uuid: vn.uuid }],
      virtual_machine_interface_refs: [{ uuid: vmi.uuid }],
    });
    store.chmod(lbs[1]!.uuid, {
      global_access: 5,
      share: [{ tenant: 'tenant:' + vn.uuid, tenant_access: 4 }],
    });
    kv.store('neutron:port', '{"a":1}');
    const before = [...store.all('loadbalancer'), vn, ipam, vmi, iip].map((o) => store.get(o.uuid)!);

    const { store: again, kv: kvAgain } = started(
      journal,
      new ManualClock(Date.UTC(2026, 0, 1)),
      'bbbbbbbb-0000-4000-8000-',
    );
    expect(again.size).toBe(store.size);
    // The same stored objects, field for field (the restore shares strings, never changes them).
    for (const type of Object.keys(SCHEMA) as ObjectType[])
      expect([...again.all(type)]).toEqual([...store.all(type)]);
    for (const obj of before) {
      const restored = again.get(obj.uuid)!;
      expect(render(again, restored)).toEqual(render(store, obj));
      expect(again.etag(restored)).toBe(store.etag(obj));
    }
    const project = again.byFqName('project', PROJECT)!;
    expect(again.children(project.uuid, 'loadbalancer').map((o) => o.fqName[2])).toEqual(['zeta', 'alpha']);
    expect(again.backRefs(vn.uuid, 'virtual-machine-interface').map((b) => b.object.uuid)).toEqual([
      vmi.uuid,
    ]);
    expect(kvAgain.get('neutron:port')).toBe('{"a":1}');
    // Allocated from the end (addr_from_start unset): last-1 and last-2 are the gateway and DNS.
    expect(iip.props.instance_ip_address).toBe('10.8.0.252');
  });

  it('carries on after a restore: later timestamps, creation order, allocators and the journal', () => {
    const journal = new MemoryJournal();
    // The first run's clock is ahead of the second's: ETags must still never go backwards.
    const { store } = started(journal, new ManualClock(Date.UTC(2026, 5, 1)));
    const ipam = store.create('network-ipam', {
      fq_name: [...PROJECT, 'ipam'],
      parent_type: 'project',
      ipam_subnet_method: 'flat-subnet',
      ipam_subnets: { subnets: [{ subnet: { ip_prefix: '10.8.0.0', ip_prefix_len: 24 } }] },
    });
    const vn = store.create('virtual-network', {
      fq_name: [...PROJECT, 'vn'],
      parent_type: 'project',
      network_ipam_refs: [{ uuid: ipam.uuid, attr: { ipam_subnets: [] } }],
    });
    const first = store.create('instance-ip', { fq_name: ['a'], virtual_network_refs: [{ uuid: vn.uuid }] });
    const latest = store.get(first.uuid)!.lastModified;

    const { store: again } = started(
      journal,
      new ManualClock(Date.UTC(2026, 0, 1)),
      'cccccccc-0000-4000-8000-',
    );
    const second = again.create('instance-ip', { fq_name: ['b'], virtual_network_refs: [{ uuid: vn.uuid }] });
    expect(second.props.instance_ip_address).toBe('10.8.0.251');
    expect(second.created > latest).toBe(true);
    expect(second.seq).toBeGreaterThan(first.seq);
    const vn2 = again.create('virtual-network', { fq_name: [...PROJECT, 'vn2'], parent_type: 'project' });
    expect(vn2.props.virtual_network_network_id).toBe(2);

    const { store: third } = started(
      journal,
      new ManualClock(Date.UTC(2026, 0, 1)),
      'dddddddd-0000-4000-8000-',
    );
    expect(third.get(second.uuid)?.props.instance_ip_address).toBe('10.8.0.251');
    expect(third.children(vn2.uuid, 'routing-instance')).toHaveLength(1);
  });

  it('refuses a record of a type the schema does not have, naming it', () => {
    const journal = new MemoryJournal();
    const { store } = started(journal);
    const [key, record] = [...journal.records].find(
      ([, r]) => (r as unknown[])[2] === store.all('domain').next().value!.uuid,
    )!;
    journal.put(key, [
      ...(record as unknown[]).slice(0, 1),
      'constructor',
      ...(record as unknown[]).slice(2),
    ]);
    expect(() => started(journal)).toThrow(/^config record \S+ has an unknown type constructor$/);
  });
});
