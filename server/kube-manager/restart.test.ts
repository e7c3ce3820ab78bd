import { describe, expect, it } from 'vitest';
import { KubeManager } from './kube-manager.ts';
import { inProcessClient } from '@server/kube-api/in-process.ts';
import { makeHarness } from './testing/harness.ts';

describe('restart', () => {
  it('a second controller on the same store creates, updates and deletes nothing', async () => {
    const h = await makeHarness();
    const before = h.store.size;
    h.km.stop();
    const second = new KubeManager(h.store, inProcessClient(h.cluster), {
      resyncIntervalMs: 0,
      schedule: () => undefined,
    });
    const result = await second.start();
    expect([result.created.length, result.updated.length, result.deleted.length]).toEqual([0, 0, 0]);
    expect(result.errors).toEqual([]);
    expect(h.store.size).toBe(before);
  });

  it('cleans up what changed while it was down, and only what this cluster owns (K8)', async () => {
    const h = await makeHarness();
    h.km.stop();
    // A loadbalancer of another cluster in the same project must survive.
    const project = h.store.byFqName('project', ['default-domain', 'k8s-ns-user-1'])!;
    const foreign = h.store.create('loadbalancer', {
      fq_name: [...project.fqName, 'other-svc__x'],
      parent_type: 'project',
      annotations: {
        key_value_pair: [
          { key: 'owner', value: 'k8s' },
          { key: 'cluster', value: 'other' },
          { key: 'kind', value: 'Service' },
          { key: 'namespace', value: 'ns-user-1' },
          { key: 'name', value: 'service-web-lb' },
        ],
      },
    });
    const removed = h.cluster.get('Service', 'ns-user-1', 'service-web-lb')!.metadata.uid;
    h.cluster.delete('Service', 'ns-user-1', 'service-web-lb');
    h.cluster.scaleDeployment('ns-user-1', 'webserver', 1);
    const second = new KubeManager(h.store, inProcessClient(h.cluster), {
      resyncIntervalMs: 0,
      schedule: () => undefined,
    });
    const result = await second.start();
    expect(result.errors).toEqual([]);
    expect(h.store.get(removed)).toBeUndefined();
    expect(h.store.get(foreign.uuid)).toBeDefined();
    expect(h.store.count('virtual-machine')).toBe(2);
    expect(h.store.count('loadbalancer')).toBe(3); // two of ours + the foreign one
    expect(result.created).toEqual([]);
  });

  it('finishes a create interrupted before the loadbalancer without duplicating (K1/K2)', async () => {
    const h = await makeHarness();
    h.km.stop();
    const service = h.cluster.get('Service', 'ns-user-1', 'service-web-clusterip')!;
    const lb = h.store.get(service.metadata.uid)!;
    const listeners = h.store.backRefs(lb.uuid, 'loadbalancer-listener').map((b) => b.object);
    const pools = listeners.flatMap((l) =>
      h.store.backRefs(l.uuid, 'loadbalancer-pool').map((b) => b.object),
    );
    for (const pool of pools)
      for (const m of h.store.children(pool.uuid, 'loadbalancer-member')) h.store.delete(m.type, m.uuid);
    for (const pool of pools) h.store.delete(pool.type, pool.uuid);
    for (const l of listeners) h.store.delete(l.type, l.uuid);
    h.store.delete('loadbalancer', lb.uuid);
    const vmiCount = h.store.count('virtual-machine-interface');
    const iipCount = h.store.count('instance-ip');
    const second = new KubeManager(h.store, inProcessClient(h.cluster), {
      resyncIntervalMs: 0,
      schedule: () => undefined,
    });
    const result = await second.start();
    expect(result.errors).toEqual([]);
    expect(result.created.map((o) => o.type).sort()).toEqual(
      [
        'loadbalancer',
        'loadbalancer-listener',
        'loadbalancer-member',
        'loadbalancer-member',
        'loadbalancer-pool',
      ].sort(),
    );
    expect(h.store.count('virtual-machine-interface')).toBe(vmiCount);
    expect(h.store.count('instance-ip')).toBe(iipCount);
  });
});
