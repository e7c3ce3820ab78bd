// The controller loop: the store's change feed marks keys dirty (a pod's ReplicaSet and the
// Services that select it, a Service's Endpoints, an Endpoints' slices, …) and `settle()` runs
// each controller on its dirty keys until nothing is left, level-triggered like
// kube-controller-manager. The endpoints controller and the slice mirroring live here.

import type { Endpoints, KubeObject, Pod, Service } from '@model/kubernetes/types.ts';
import { uuidV5 } from '@server/ids.ts';
import { DERIVED_UID_NAMESPACE, sameJson, timestamp, type ClusterContext } from './context.ts';
import { computeEndpointSubsets } from './endpoints.ts';
import { SERVICE_NAME_LABEL, slicesFor } from './endpoint-slices.ts';
import { controllerUid, hasSelector, labelKey } from './indexes.ts';
import { matchesLabelSelector } from './manifest.ts';
import { keyOfObject, objectKey, type WatchEvent } from './object-store.ts';
import { bindPod } from './scheduler.ts';
import { syncDeployment, syncReplicaSet, updateDeploymentStatus } from './workloads.ts';

const ENDPOINTS_CONTROLLER = 'endpointslice-controller.k8s.io';
const MIRRORING_CONTROLLER = 'endpointslicemirroring-controller.k8s.io';
const MAX_ROUNDS = 50;

export class Controllers {
  private readonly deployments = new Set<string>();
  private readonly replicaSets = new Set<string>();
  private readonly deploymentStatus = new Set<string>();
  private readonly services = new Set<string>();
  private readonly slices = new Set<string>();
  private pendingPods = false;
  /** Endpoints written by the endpoints controller (the rest were applied by a user). */
  private readonly managedEndpoints = new Set<string>();
  /** `namespace/service` → names of the slices mirrored for it. */
  private readonly slicesByService = new Map<string, Set<string>>();

  constructor(private readonly ctx: ClusterContext) {
    for (const slice of ctx.store.values('EndpointSlice')) {
      const service = slice.metadata.labels?.[SERVICE_NAME_LABEL];
      if (service !== undefined)
        this.sliceNames(objectKey(slice.metadata.namespace, service)).add(slice.metadata.name);
    }
    for (const ep of ctx.store.values('Endpoints')) {
      const svc = ctx.store.getByKey('Service', keyOfObject(ep));
      if (svc && hasSelector(svc)) this.managedEndpoints.add(keyOfObject(ep));
    }
    ctx.store.subscribe((event, previous) => this.onChange(event, previous));
  }

  private onChange(event: WatchEvent, previous: KubeObject | undefined): void {
    const o = event.object;
    switch (o.kind) {
      case 'Pod':
        return this.onPod(o, previous?.kind === 'Pod' ? previous : undefined, event.type === 'DELETED');
      case 'ReplicaSet': {
        this.replicaSets.add(keyOfObject(o));
        const owner = controllerUid(o);
        const deployment = owner ? this.ctx.indexes.workloadsByUid.get(owner) : undefined;
        if (deployment?.kind === 'Deployment') this.deploymentStatus.add(deployment.key);
        return;
      }
      case 'Deployment':
        if (event.type !== 'DELETED') this.deployments.add(keyOfObject(o));
        return;
      case 'Service':
        this.services.add(keyOfObject(o));
        return;
      case 'Endpoints':
        this.slices.add(keyOfObject(o));
        return;
      case 'Node':
        if (event.type !== 'DELETED') this.pendingPods = true;
        return;
      default:
        return;
    }
  }

  private onPod(pod: Pod, previous: Pod | undefined, deleted: boolean): void {
    const owner = controllerUid(pod);
    const rs = owner ? this.ctx.indexes.workloadsByUid.get(owner) : undefined;
    if (rs?.kind === 'ReplicaSet') this.replicaSets.add(rs.key);
    if (!deleted && !pod.spec.nodeName) this.pendingPods = true;
    const namespace = pod.metadata.namespace!;
    for (const p of previous ? [previous, pod] : [pod])
      for (const key of this.ctx.indexes.servicesForLabels(namespace, p.metadata.labels))
        this.services.add(key);
  }

  /** Marks a deployment for a full sync (after a user write that may not change its object). */
  touchDeployment(key: string): void {
    this.deployments.add(key);
  }

  private hasWork(): boolean {
    return (
      this.pendingPods ||
      this.deployments.size +
        this.replicaSets.size +
        this.deploymentStatus.size +
        this.services.size +
        this.slices.size >
        0
    );
  }

  /** Runs the controllers until no key is dirty. */
  settle(): void {
    for (let round = 0; round < MAX_ROUNDS && this.hasWork(); round++) {
      for (const key of drain(this.deployments)) syncDeployment(this.ctx, key);
      for (const key of drain(this.replicaSets)) syncReplicaSet(this.ctx, key);
      if (this.pendingPods) {
        this.pendingPods = false;
        this.schedulePending();
      }
      for (const key of drain(this.deploymentStatus)) updateDeploymentStatus(this.ctx, key);
      for (const key of drain(this.services)) this.syncEndpoints(key);
      for (const key of drain(this.slices)) this.syncSlices(key);
    }
  }

  private schedulePending(): void {
    for (const pod of Array.from(this.ctx.store.values('Pod'))) {
      if (pod.spec.nodeName && pod.status.podIP) continue;
      const bound = bindPod(this.ctx, pod, true);
      if (bound.spec.nodeName) this.ctx.store.put<'Pod'>(bound);
    }
  }

  // ---- endpoints controller ---------------------------------------------------------------------

  private selectPods(service: Service): Pod[] {
    const namespace = service.metadata.namespace!;
    const selector = service.spec.selector!;
    let smallest: Set<string> | undefined;
    for (const [k, v] of Object.entries(selector)) {
      const set = this.ctx.indexes.podsByLabel.get(labelKey(namespace, k, v));
      if (!set) return [];
      if (!smallest || set.size < smallest.size) smallest = set;
    }
    const out: Pod[] = [];
    for (const key of smallest ?? []) {
      const pod = this.ctx.store.getByKey('Pod', key);
      if (pod && matchesLabelSelector(pod.metadata.labels, { matchLabels: selector })) out.push(pod);
    }
    return out;
  }

  /** An Endpoints object a user applied for a Service with a selector is the controller's from now on. */
  forgetManaged(key: string): void {
    this.managedEndpoints.delete(key);
  }

  isManaged(key: string): boolean {
    return this.managedEndpoints.has(key);
  }

  private syncEndpoints(key: string): void {
    const service = this.ctx.store.getByKey('Service', key);
    const existing = this.ctx.store.getByKey('Endpoints', key);
    if (!service || !hasSelector(service)) {
      if (existing && this.managedEndpoints.has(key)) {
        this.managedEndpoints.delete(key);
        this.ctx.store.remove('Endpoints', existing.metadata.namespace, existing.metadata.name);
      }
      return;
    }
    const subsets = computeEndpointSubsets(service, this.selectPods(service));
    this.managedEndpoints.add(key);
    if (existing && sameJson(existing.subsets, subsets)) return;
    const { namespace, name } = service.metadata;
    const endpoints: Endpoints = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: existing
        ? existing.metadata
        : {
            name,
            namespace: namespace!,
            uid: this.ctx.ids(),
            resourceVersion: '0',
            creationTimestamp: timestamp(this.ctx.clock),
            ...(service.metadata.labels ? { labels: { ...service.metadata.labels } } : {}),
          },
      subsets,
    };
    this.ctx.store.put<'Endpoints'>(endpoints);
  }

  // ---- EndpointSlice mirroring --------------------------------------------------------------------

  private sliceNames(key: string): Set<string> {
    let names = this.slicesByService.get(key);
    if (!names) this.slicesByService.set(key, (names = new Set()));
    return names;
  }

  private syncSlices(key: string): void {
    const endpoints = this.ctx.store.getByKey('Endpoints', key);
    const at = key.indexOf('/');
    const namespace = key.slice(0, at);
    const service = key.slice(at + 1);
    const wanted = endpoints
      ? slicesFor(endpoints, this.managedEndpoints.has(key) ? ENDPOINTS_CONTROLLER : MIRRORING_CONTROLLER)
      : [];
    const keep = new Set(wanted.map((s) => s.name));
    const names = this.sliceNames(key);
    for (const name of Array.from(names))
      if (!keep.has(name)) {
        names.delete(name);
        this.ctx.store.remove('EndpointSlice', namespace, name);
      }
    for (const name of keep) names.add(name);
    if (names.size === 0) this.slicesByService.delete(key);
    for (const want of wanted) {
      const existing = this.ctx.store.getByKey('EndpointSlice', objectKey(namespace, want.name));
      if (existing && sameJson(existing.endpoints, want.endpoints) && sameJson(existing.ports, want.ports))
        continue;
      this.ctx.store.put<'EndpointSlice'>({
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: existing
          ? existing.metadata
          : {
              name: want.name,
              namespace,
              uid: uuidV5(DERIVED_UID_NAMESPACE, `slice/${namespace}/${want.name}`),
              resourceVersion: '0',
              creationTimestamp: timestamp(this.ctx.clock),
              labels: want.labels,
              ...(endpoints
                ? {
                    ownerReferences: [
                      {
                        apiVersion: 'v1',
                        kind: 'Endpoints',
                        name: service,
                        uid: endpoints.metadata.uid,
                        controller: true,
                        blockOwnerDeletion: true,
                      },
                    ],
                  }
                : {}),
            },
        addressType: 'IPv4',
        endpoints: want.endpoints,
        ports: want.ports,
      });
    }
  }
}

function drain(set: Set<string>): string[] {
  const keys = [...set];
  set.clear();
  return keys;
}
