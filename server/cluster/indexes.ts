// Secondary indexes over the object store, kept in step by its change feed: pods by uid, label,
// node and controlling owner; ReplicaSets by owning Deployment; Services by their first selector
// pair. Maps only (user-supplied names never reach Object.prototype). No writes to the store.

import type { KubeObject, Pod, Service } from '@model/kubernetes/types.ts';
import { keyOfObject, type ObjectStore, type WatchEvent } from './object-store.ts';

function addTo(index: Map<string, Set<string>>, key: string, value: string): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(value);
}

function removeFrom(index: Map<string, Set<string>>, key: string, value: string): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) index.delete(key);
}

export const labelKey = (namespace: string, key: string, value: string) =>
  `${namespace}\u0000${key}=${value}`;

/** The uid of the controller in ownerReferences, if any. */
export const controllerUid = (o: KubeObject) => o.metadata.ownerReferences?.find((r) => r.controller)?.uid;

/** Whether a Service's Endpoints are the endpoints controller's (it has a selector). */
export const hasSelector = (service: Service) =>
  service.spec.type !== 'ExternalName' && Object.keys(service.spec.selector ?? {}).length > 0;

function selectorIndexKey(service: Service): string {
  const [first] = Object.entries(service.spec.selector!).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return labelKey(service.metadata.namespace!, first![0], first![1]);
}

export class ClusterIndexes {
  readonly podsByUid = new Map<string, Pod>();
  /** namespace + label pair → pod keys. */
  readonly podsByLabel = new Map<string, Set<string>>();
  readonly podsByNode = new Map<string, Set<string>>();
  /** controller uid (a ReplicaSet's) → pod keys. */
  readonly podsByOwner = new Map<string, Set<string>>();
  /** controller uid (a Deployment's) → ReplicaSet keys. */
  readonly replicaSetsByOwner = new Map<string, Set<string>>();
  /** uid → key of Deployments and ReplicaSets, to find an owner from a reference. */
  readonly workloadsByUid = new Map<string, { kind: 'Deployment' | 'ReplicaSet'; key: string }>();
  /** namespace + first selector pair → keys of Services with a selector. */
  readonly servicesBySelector = new Map<string, Set<string>>();

  constructor(store: ObjectStore) {
    for (const pod of store.values('Pod')) this.add(pod);
    for (const rs of store.values('ReplicaSet')) this.add(rs);
    for (const d of store.values('Deployment')) this.add(d);
    for (const svc of store.values('Service')) this.add(svc);
    store.subscribe((event, previous) => this.onChange(event, previous));
  }

  private onChange(event: WatchEvent, previous: KubeObject | undefined): void {
    if (previous) this.remove(previous);
    if (event.type !== 'DELETED') this.add(event.object);
  }

  private add(o: KubeObject): void {
    const key = keyOfObject(o);
    switch (o.kind) {
      case 'Pod': {
        this.podsByUid.set(o.metadata.uid, o);
        for (const [k, v] of Object.entries(o.metadata.labels ?? {}))
          addTo(this.podsByLabel, labelKey(o.metadata.namespace!, k, v), key);
        if (o.spec.nodeName) addTo(this.podsByNode, o.spec.nodeName, key);
        const owner = controllerUid(o);
        if (owner) addTo(this.podsByOwner, owner, key);
        return;
      }
      case 'ReplicaSet': {
        this.workloadsByUid.set(o.metadata.uid, { kind: 'ReplicaSet', key });
        const owner = controllerUid(o);
        if (owner) addTo(this.replicaSetsByOwner, owner, key);
        return;
      }
      case 'Deployment':
        this.workloadsByUid.set(o.metadata.uid, { kind: 'Deployment', key });
        return;
      case 'Service':
        if (hasSelector(o)) addTo(this.servicesBySelector, selectorIndexKey(o), key);
        return;
      default:
        return;
    }
  }

  private remove(o: KubeObject): void {
    const key = keyOfObject(o);
    switch (o.kind) {
      case 'Pod': {
        this.podsByUid.delete(o.metadata.uid);
        for (const [k, v] of Object.entries(o.metadata.labels ?? {}))
          removeFrom(this.podsByLabel, labelKey(o.metadata.namespace!, k, v), key);
        if (o.spec.nodeName) removeFrom(this.podsByNode, o.spec.nodeName, key);
        const owner = controllerUid(o);
        if (owner) removeFrom(this.podsByOwner, owner, key);
        return;
      }
      case 'ReplicaSet': {
        this.workloadsByUid.delete(o.metadata.uid);
        const owner = controllerUid(o);
        if (owner) removeFrom(this.replicaSetsByOwner, owner, key);
        return;
      }
      case 'Deployment':
        this.workloadsByUid.delete(o.metadata.uid);
        return;
      case 'Service':
        if (hasSelector(o)) removeFrom(this.servicesBySelector, selectorIndexKey(o), key);
        return;
      default:
        return;
    }
  }

  /** Keys of Services whose selector may match a pod with these labels in this namespace. */
  servicesForLabels(namespace: string, labels: Readonly<Record<string, string>> | undefined): Set<string> {
    const out = new Set<string>();
    for (const [k, v] of Object.entries(labels ?? {}))
      for (const key of this.servicesBySelector.get(labelKey(namespace, k, v)) ?? []) out.add(key);
    return out;
  }
}
