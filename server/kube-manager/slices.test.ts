// Reconciling in time-bounded slices writes exactly what one unbounded drain writes: the same
// objects, uuids, properties and refs after a cold start, scale up and down, a pod recreated under
// its name, Services added and removed, readiness flips, and a restart after changes made while
// kube-manager was down — with every slice cut down to one unit, so each unit is its own drain.

import { describe, expect, it } from 'vitest';
import { OBJECT_TYPES } from '@model/contrail/schema.ts';
import { ManualClock } from '@server/clock.ts';
import { Cluster } from '@server/cluster/cluster.ts';
import { loadScenario } from '@server/cluster/scenario.ts';
import { createDefaultObjects } from '@server/config-api/bootstrap.ts';
import { ConfigStore } from '@server/config-api/store.ts';
import { sequentialIds } from '@server/ids.ts';
import { inProcessClient } from '@server/kube-api/in-process.ts';
import { KubeManager, type KubeManagerOptions } from './kube-manager.ts';
import type { ApplyResult } from './applier.ts';
import { ManualTimers } from './testing/harness.ts';

const NS = 'ns-user-1';
const ONE_UNIT_PER_SLICE = { sliceMs: 0, batchCost: 0 };
const ONE_DRAIN = { sliceMs: Infinity, batchCost: Infinity };

interface Side {
  store: ConfigStore;
  cluster: Cluster;
  km: KubeManager;
  slices: NonNullable<KubeManagerOptions['slices']>;
}

function controller(store: ConfigStore, cluster: Cluster, slices: Side['slices']): KubeManager {
  return new KubeManager(store, inProcessClient(cluster), {
    resyncIntervalMs: 0,
    schedule: () => undefined,
    informer: { timers: new ManualTimers(), idleTimeoutMs: 0 },
    slices,
  });
}

async function side(slices: Side['slices']): Promise<Side & { cold: ApplyResult }> {
  const clock = new ManualClock();
  const store = new ConfigStore(clock, sequentialIds('00000000-0000-4000-8000-'));
  createDefaultObjects(store);
  const cluster = new Cluster({ clock, ids: sequentialIds('aaaaaaaa-0000-4000-8000-') });
  loadScenario(cluster);
  const km = controller(store, cluster, slices);
  const cold = await km.start();
  return { store, cluster, km, slices, cold };
}

/** Everything kube-manager decides about an object; timestamps left out. */
function contents(store: ConfigStore) {
  return OBJECT_TYPES.flatMap((type) =>
    [...store.all(type)]
      .map((o) => ({
        type,
        uuid: o.uuid,
        fqName: o.fqName,
        parent: o.parent,
        displayName: o.displayName,
        props: o.props,
        refs: Object.fromEntries(o.refs),
        annotations: o.annotations,
      }))
      .sort((a, b) => (a.uuid < b.uuid ? -1 : 1)),
  );
}

/** The same change on both sides, reconciled by each its own way; both must write without error. */
async function both(sides: Side[], change: (s: Side) => void): Promise<void> {
  for (const s of sides) {
    change(s);
    const result = await s.km.flushInSlices();
    expect(result.errors).toEqual([]);
  }
  expect(contents(sides[0]!.store)).toEqual(contents(sides[1]!.store));
}

describe('reconciling in slices', () => {
  it('writes what one drain writes, whatever the order the units are cut in', async () => {
    const sliced = await side(ONE_UNIT_PER_SLICE);
    const whole = await side(ONE_DRAIN);
    expect(sliced.cold.errors).toEqual([]);
    expect(whole.cold.errors).toEqual([]);
    expect(sliced.store.count('loadbalancer')).toBe(3);
    expect(contents(sliced.store)).toEqual(contents(whole.store));
    const sides = [sliced, whole];

    await both(sides, (s) => s.cluster.scaleDeployment(NS, 'webserver', 5));
    expect(sliced.store.count('virtual-machine')).toBe(6);
    await both(sides, (s) => s.cluster.scaleDeployment(NS, 'webserver', 1));
    expect(sliced.store.count('virtual-machine')).toBe(2);
    await both(sides, (s) => {
      s.cluster.delete('Pod', NS, 'client');
      s.cluster.applyManifest(`apiVersion: v1
kind: Pod
metadata: {name: client, namespace: ${NS}, labels: {app: client}}
spec: {containers: [{name: client}]}
`);
    });
    await both(sides, (s) => {
      s.cluster.delete('Service', NS, 'service-web-clusterip');
      s.cluster.applyManifest(`apiVersion: v1
kind: Service
metadata: {name: added, namespace: ${NS}}
spec: {type: LoadBalancer, selector: {app: webserver}, ports: [{port: 80, targetPort: 80}]}
`);
      s.cluster.scaleDeployment(NS, 'webserver', 3);
    });
    const pod = sliced.cluster.list('Pod', NS).find((p) => p.metadata.labels?.app === 'webserver')!;
    await both(sides, (s) => s.cluster.setPodReadiness(NS, pod.metadata.name, false));

    // Down while the cluster changes; a new controller on the same store cleans up and converges.
    const restarted: Side[] = [];
    for (const s of sides) {
      s.km.stop();
      s.cluster.delete('Service', NS, 'service-web-lb');
      s.cluster.scaleDeployment(NS, 'webserver', 1);
      const km = controller(s.store, s.cluster, s.slices);
      const result = await km.start();
      expect(result.errors).toEqual([]);
      restarted.push({ ...s, km });
    }
    expect(contents(sliced.store)).toEqual(contents(whole.store));
    expect(sliced.store.count('loadbalancer')).toBe(2);
    const sides2 = restarted;
    // The namespace goes with its pods and Services: the project is deleted last.
    await both(sides2, (s) => s.cluster.delete('Namespace', undefined, NS));
    expect(sliced.store.byFqName('project', ['default-domain', `k8s-${NS}`])).toBeUndefined();
    expect(sliced.store.count('loadbalancer')).toBe(0);
    // The sliced side really was cut into one unit per drain.
    expect(restarted[0]!.km.stats.drains).toBeGreaterThan(restarted[1]!.km.stats.drains + 10);
  });
});
