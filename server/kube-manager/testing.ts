// Test fixtures for kube-manager: a store, a cluster and a controller on manual drains, with
// deterministic clocks and ids. Used by tests only.

import { ManualClock } from '@server/clock.ts';
import { Cluster } from '@server/cluster/cluster.ts';
import { loadScenario } from '@server/cluster/scenario.ts';
import { createDefaultObjects } from '@server/config-api/bootstrap.ts';
import { ConfigStore, type StoredObject } from '@server/config-api/store.ts';
import { sequentialIds } from '@server/ids.ts';
import type { ObjectType } from '@model/contrail/schema.ts';
import { KubeManager } from './kube-manager.ts';

export interface Harness {
  store: ConfigStore;
  cluster: Cluster;
  km: KubeManager;
  /** Applies YAML to the cluster and drains the controller. */
  apply(yaml: string): void;
  objects(type: ObjectType): StoredObject[];
  annotations(obj: StoredObject): Record<string, string>;
  refUuids(obj: StoredObject, type: ObjectType): string[];
}

export function makeHarness(opts: { seed?: boolean; store?: ConfigStore; cluster?: Cluster } = {}): Harness {
  const clock = new ManualClock();
  const store = opts.store ?? new ConfigStore(clock, sequentialIds('00000000-0000-4000-8000-'));
  if (!opts.store) createDefaultObjects(store);
  const cluster = opts.cluster ?? new Cluster({ clock, ids: sequentialIds('aaaaaaaa-0000-4000-8000-') });
  if (!opts.cluster && opts.seed !== false) loadScenario(cluster);
  const km = new KubeManager(store, cluster, { resyncIntervalMs: 0, schedule: () => undefined });
  km.start();
  return {
    store,
    cluster,
    km,
    apply(yaml) {
      cluster.applyManifest(yaml);
      km.flush();
    },
    objects: (type) => [...store.all(type)],
    annotations: (obj) => Object.fromEntries((obj.annotations ?? []).map((a) => [a.key, a.value])),
    refUuids: (obj, type) => (obj.refs.get(type) ?? []).map((r) => r.uuid),
  };
}

export const NAMESPACE_YAML = `apiVersion: v1
kind: Namespace
metadata: {name: ns-user-1}
`;
