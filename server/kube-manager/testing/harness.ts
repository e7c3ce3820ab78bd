// Test fixtures for kube-manager: a store, an embedded cluster and a controller on manual drains
// that reads the cluster through the in-process KubeClient (list + watch, as over HTTP), with
// deterministic clocks, ids and timers. Used by tests only.

import { ManualClock } from '@server/clock.ts';
import { Cluster } from '@server/cluster/cluster.ts';
import { loadScenario } from '@server/cluster/scenario.ts';
import { createDefaultObjects } from '@server/config-api/bootstrap.ts';
import { ConfigStore, type StoredObject } from '@server/config-api/store.ts';
import { sequentialIds } from '@server/ids.ts';
import type { ObjectType } from '@model/contrail/schema.ts';
import { inProcessClient } from '@server/kube-api/in-process.ts';
import { KubeManager } from '../kube-manager.ts';
import type { Timers } from '../informer.ts';

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

export async function makeHarness(
  opts: { seed?: boolean; store?: ConfigStore; cluster?: Cluster } = {},
): Promise<Harness> {
  const clock = new ManualClock();
  const store = opts.store ?? new ConfigStore(clock, sequentialIds('00000000-0000-4000-8000-'));
  if (!opts.store) createDefaultObjects(store);
  const cluster = opts.cluster ?? new Cluster({ clock, ids: sequentialIds('aaaaaaaa-0000-4000-8000-') });
  if (!opts.cluster && opts.seed !== false) loadScenario(cluster);
  const km = new KubeManager(store, inProcessClient(cluster), {
    resyncIntervalMs: 0,
    schedule: () => undefined,
    informer: { timers: new ManualTimers(), idleTimeoutMs: 0 },
  });
  await km.start();
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

/** Timers that fire only when a test says so (`fireAll`), so backoff and idle timeouts never wait. */
export class ManualTimers implements Timers {
  private next = 1;
  private readonly pending = new Map<number, { fn: () => void; ms: number }>();

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { fn, ms });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  get size(): number {
    return this.pending.size;
  }

  /** The delays of the timers now pending, in the order they were set. */
  pendingDelays(): number[] {
    return [...this.pending.values()].map((t) => t.ms);
  }

  /** Runs every timer now pending whose delay is at least `minMs` (new ones wait for the next call). */
  fireAll(minMs = 0): number {
    const due = [...this.pending].filter(([, t]) => t.ms >= minMs);
    for (const [id] of due) this.pending.delete(id);
    for (const [, t] of due) t.fn();
    return due.length;
  }
}
