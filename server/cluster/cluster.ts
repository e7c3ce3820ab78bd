// The embedded Kubernetes cluster: the public operations (apply, create, replace, status, scale,
// delete with propagation, dry runs) over the typed object store, with the controllers settled
// after each write. Validation rules are in manifest.ts, controllers in workloads.ts and
// controllers.ts, allocation in allocators.ts. No HTTP and no Contrail knowledge here.

import { systemClock, type Clock } from '@server/clock.ts';
import { randomIds, type IdSource } from '@server/ids.ts';
import { isPodReady } from '@model/kubernetes/pods.ts';
import { NAMESPACED, type Kind, type KubeObject, type ObjectOf, type Pod } from '@model/kubernetes/types.ts';
import { Allocators, DEFAULT_POD_CIDR, DEFAULT_SERVICE_CIDR } from './allocators.ts';
import { buildObject, checkObject } from './apply.ts';
import { sameJson, type ClusterContext } from './context.ts';
import { Controllers } from './controllers.ts';
import { AlreadyExists, Conflict, InvalidObject, InvalidRequest, ObjectNotFound } from './errors.ts';
import { EventRecorder } from './events.ts';
import { ClusterIndexes, controllerUid } from './indexes.ts';
import {
  describeDocument,
  ManifestError,
  parseManifest,
  validateDocument,
  type ManifestDocument,
  type ManifestObject,
} from './manifest.ts';
import { ObjectStore, keyOfObject, type StoreSnapshot, type WatchEvent } from './object-store.ts';
import { invalidBody } from './validation.ts';
import { createPodObject, deletePodObject, ownedPods } from './workloads.ts';

export type { WatchEvent, StoreSnapshot };

export interface ClusterOptions {
  clock?: Clock;
  ids?: IdSource;
  /** Contrail's default pod subnet; pod IPs come from its top downwards. */
  podCidr?: string;
  serviceCidr?: string;
  /** Changes kept for resuming watches (older resourceVersions get 410 Gone). */
  historyLimit?: number;
  /** A saved state to start from instead of an empty cluster with the `default` namespace. */
  snapshot?: StoreSnapshot;
}

export interface AppliedObject {
  kind: Kind;
  namespace?: string;
  name: string;
  action: 'created' | 'configured' | 'unchanged';
}

export interface WriteOptions {
  /** `dryRun=All`: validate and answer with the result, store nothing. */
  dryRun?: boolean;
}

export type PropagationPolicy = 'Orphan' | 'Background' | 'Foreground';

export interface DeleteOptions extends WriteOptions {
  propagationPolicy?: PropagationPolicy;
  preconditions?: { uid?: string; resourceVersion?: string };
}

type ScalableKind = 'Deployment' | 'ReplicaSet';

const nameOf = (namespace: string | undefined, name: string) =>
  namespace === undefined ? name : `${namespace}/${name}`;

export class Cluster {
  private readonly store: ObjectStore;
  private readonly ctx: ClusterContext;
  private readonly controllers: Controllers;
  private readonly events: EventRecorder;

  constructor(opts: ClusterOptions = {}) {
    const clock = opts.clock ?? systemClock;
    const ids = opts.ids ?? randomIds;
    this.store = opts.snapshot
      ? ObjectStore.restore(opts.snapshot, { historyLimit: opts.historyLimit ?? 50_000 })
      : new ObjectStore({ historyLimit: opts.historyLimit ?? 50_000 });
    const allocators = new Allocators(
      opts.podCidr ?? DEFAULT_POD_CIDR,
      opts.serviceCidr ?? DEFAULT_SERVICE_CIDR,
    );
    allocators.rebuild(this.store.values('Pod'), this.store.values('Service'));
    const indexes = new ClusterIndexes(this.store);
    this.events = new EventRecorder(this.store, clock);
    this.ctx = { store: this.store, indexes, allocators, clock, ids, events: this.events };
    this.controllers = new Controllers(this.ctx);
    if (!opts.snapshot)
      this.applyDocuments([
        validateDocument({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }, 0),
      ]);
  }

  /** The objects and the resourceVersion counter: everything needed to rebuild this cluster. */
  snapshot(): StoreSnapshot {
    return this.store.snapshot();
  }

  // ---- change feed -------------------------------------------------------------------------------

  /** Every change, with the object as it was before (undefined for ADDED). */
  subscribe(listener: (event: WatchEvent, previous: KubeObject | undefined) => void): () => void {
    return this.store.subscribe(listener);
  }

  /** The oldest resourceVersion a watch can resume from. */
  get oldestResourceVersion(): number {
    return this.store.oldestResourceVersion;
  }

  get resourceVersion(): number {
    return this.store.resourceVersion;
  }

  /** Changes after `since`, or undefined when they are older than the history window (410). */
  eventsSince(since: number): WatchEvent[] | undefined {
    return this.store.eventsSince(since);
  }

  // ---- reads -------------------------------------------------------------------------------------

  get<K extends Kind>(kind: K, namespace: string | undefined, name: string): ObjectOf<K> | undefined {
    return this.store.get(kind, NAMESPACED[kind] ? (namespace ?? 'default') : undefined, name);
  }

  /** Every object of a kind (optionally in one namespace), sorted by namespace and name. */
  list<K extends Kind>(kind: K, namespace?: string): ObjectOf<K>[] {
    const out: ObjectOf<K>[] = [];
    for (const o of this.store.values(kind))
      if (namespace === undefined || o.metadata.namespace === namespace) out.push(o);
    const keys = new Map(out.map((o) => [o, keyOfObject(o)]));
    return out.sort((a, b) => (keys.get(a)! < keys.get(b)! ? -1 : keys.get(a)! > keys.get(b)! ? 1 : 0));
  }

  /** Objects of a kind in insertion order, without copying or sorting. */
  values<K extends Kind>(kind: K): IterableIterator<ObjectOf<K>> {
    return this.store.values(kind);
  }

  count(kind: Kind): number {
    return this.store.count(kind);
  }

  podByUid(uid: string): Pod | undefined {
    return this.ctx.indexes.podsByUid.get(uid);
  }

  /** Pods scheduled to a node, in no particular order. */
  podsOnNode(nodeName: string): Pod[] {
    const out: Pod[] = [];
    for (const key of this.ctx.indexes.podsByNode.get(nodeName) ?? []) {
      const pod = this.store.getByKey('Pod', key);
      if (pod) out.push(pod);
    }
    return out;
  }

  private require<K extends Kind>(kind: K, namespace: string | undefined, name: string): ObjectOf<K> {
    const obj = this.get(kind, namespace, name);
    if (!obj) throw new ObjectNotFound(kind, name);
    return obj;
  }

  // ---- apply: create or replace, all or nothing ------------------------------------------------------

  /** Parses and applies a manifest; all-or-nothing. */
  applyManifest(text: string): AppliedObject[] {
    return this.applyDocuments(parseManifest(text));
  }

  /** Creates or replaces each document. Every document is checked first, so a bad one changes nothing. */
  applyDocuments(docs: readonly ManifestDocument[]): AppliedObject[] {
    this.checkDocuments(docs);
    // Controllers settle after each document, so a manifest's pods get addresses in its order.
    return docs.map((doc) => {
      const applied = this.applyOne(doc.object);
      this.controllers.settle();
      return applied;
    });
  }

  /**
   * applyDocuments for big manifests: checked all at once, then written in slices of about
   * `sliceMs` with `yieldNow` between them, so a 10k-object apply never holds the event loop long.
   */
  async applyDocumentsInSlices(
    docs: readonly ManifestDocument[],
    yieldNow: () => Promise<void>,
    sliceMs = 5,
  ): Promise<AppliedObject[]> {
    this.checkDocuments(docs);
    const out: AppliedObject[] = [];
    let sliceStart = performance.now();
    for (const doc of docs) {
      out.push(this.applyOne(doc.object));
      this.controllers.settle();
      if (performance.now() - sliceStart >= sliceMs) {
        await yieldNow();
        sliceStart = performance.now();
      }
    }
    return out;
  }

  private applyOne(input: ManifestObject): AppliedObject {
    const namespace = NAMESPACED[input.kind] ? (input.metadata.namespace ?? 'default') : undefined;
    const existing = this.store.get(input.kind, namespace, input.metadata.name);
    const next = buildObject(this.ctx, input, existing, false);
    const base = {
      kind: input.kind,
      ...(namespace !== undefined ? { namespace } : {}),
      name: input.metadata.name,
    };
    if (existing && sameObject(existing, next)) return { ...base, action: 'unchanged' };
    this.commit(next, existing);
    return { ...base, action: existing ? 'configured' : 'created' };
  }

  private checkDocuments(docs: readonly ManifestDocument[]): void {
    const namespaces = new Set<string>();
    const nodes = new Set<string>();
    for (const { object } of docs) {
      if (object.kind === 'Namespace') namespaces.add(object.metadata.name);
      if (object.kind === 'Node') nodes.add(object.metadata.name);
    }
    const seen = new Set<string>();
    const claimedIps = new Map<string, string>();
    for (const { index, object } of docs) {
      const namespace = NAMESPACED[object.kind] ? (object.metadata.namespace ?? 'default') : undefined;
      const where = describeDocument(index, object.kind, namespace, object.metadata.name);
      const id = `${object.kind}:${nameOf(namespace, object.metadata.name)}`;
      if (seen.has(id))
        throw new ManifestError(`${where}: metadata.name: the same object appears twice in this manifest`);
      seen.add(id);
      try {
        checkObject(this.ctx, object, { namespaces, nodes, claimedIps, id });
      } catch (err) {
        if (err instanceof InvalidObject)
          throw new ManifestError(
            `${where}: ${err.causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`,
          );
        if (err instanceof ObjectNotFound || err instanceof InvalidRequest)
          throw new ManifestError(`${where}: ${err.message}`);
        throw err;
      }
    }
  }

  // ---- the API's verbs -----------------------------------------------------------------------------

  /** POST: a new object; AlreadyExists when the name is taken. */
  create(input: ManifestObject, opts: WriteOptions = {}): KubeObject {
    const namespace = NAMESPACED[input.kind] ? (input.metadata.namespace ?? 'default') : undefined;
    if (this.store.get(input.kind, namespace, input.metadata.name))
      throw new AlreadyExists(input.kind, input.metadata.name);
    checkObject(this.ctx, input, {});
    const next = buildObject(this.ctx, input, undefined, opts.dryRun ?? false);
    if (opts.dryRun) return next;
    const stored = this.commit(next, undefined);
    this.controllers.settle();
    return this.store.get(stored.kind, stored.metadata.namespace, stored.metadata.name) ?? stored;
  }

  /**
   * PUT: replaces spec and metadata (status is the status subresource's). A resourceVersion in
   * the body must be the current one (409 Conflict otherwise); an empty one means "whatever".
   */
  replace(input: ManifestObject, opts: WriteOptions = {}): KubeObject {
    const namespace = NAMESPACED[input.kind] ? (input.metadata.namespace ?? 'default') : undefined;
    const existing = this.require(input.kind, namespace, input.metadata.name);
    this.checkResourceVersion(existing, (input.metadata as { resourceVersion?: unknown }).resourceVersion);
    checkObject(this.ctx, input, {});
    const next = buildObject(this.ctx, input, existing, opts.dryRun ?? false);
    if (sameObject(existing, next)) return existing;
    if (opts.dryRun) return next;
    const stored = this.commit(next, existing);
    this.controllers.settle();
    return this.store.get(stored.kind, stored.metadata.namespace, stored.metadata.name) ?? stored;
  }

  private checkResourceVersion(existing: KubeObject, given: unknown): void {
    if (given === undefined || given === '' || given === null) return;
    if (String(given) !== existing.metadata.resourceVersion)
      throw new Conflict(existing.kind, existing.metadata.name);
  }

  /** PUT …/status: replaces the status only (the fields the simulation reads are checked). */
  replaceStatus(
    kind: Kind,
    namespace: string | undefined,
    name: string,
    status: unknown,
    opts: WriteOptions & { resourceVersion?: string } = {},
  ): KubeObject {
    const existing = this.require(kind, namespace, name);
    this.checkResourceVersion(existing, opts.resourceVersion);
    if (typeof status !== 'object' || status === null || Array.isArray(status))
      throw InvalidObject.of(kind, name, [
        { reason: 'FieldValueInvalid', field: 'status', message: invalidBody(status, 'must be an object') },
      ]);
    const next = this.withStatus(existing, status as Record<string, unknown>);
    if (sameJson(next, existing)) return existing;
    if (opts.dryRun) return next;
    const stored = this.store.put(next);
    this.controllers.settle();
    return stored;
  }

  private withStatus(existing: KubeObject, status: Record<string, unknown>): KubeObject {
    const fail = (field: string, value: unknown, detail: string): never => {
      throw InvalidObject.of(existing.kind, existing.metadata.name, [
        { reason: 'FieldValueInvalid', field, message: invalidBody(value, detail) },
      ]);
    };
    switch (existing.kind) {
      case 'Pod': {
        const given = status.conditions ?? existing.status.conditions;
        if (!Array.isArray(given)) return fail('status.conditions', given, 'must be a list');
        const conditions: Pod['status']['conditions'] = given.map((c: unknown, i) => {
          const cond = (c ?? {}) as { type?: unknown; status?: unknown };
          if (cond.type !== 'Ready' && cond.type !== 'PodScheduled' && typeof cond.type !== 'string')
            fail(`status.conditions[${i}].type`, cond.type, 'must be a string');
          if (cond.status !== 'True' && cond.status !== 'False')
            fail(`status.conditions[${i}].status`, cond.status, 'supported values: "False", "True"');
          return {
            ...(c as object),
            type: cond.type,
            status: cond.status,
          } as Pod['status']['conditions'][number];
        });
        const next: Pod = { ...existing, status: { ...existing.status, conditions } };
        if (!existing.status.podIP && isPodReady(next))
          throw new InvalidRequest(
            `Pod ${existing.metadata.namespace}/${existing.metadata.name} is not scheduled yet and cannot become ready`,
          );
        return next;
      }
      case 'Service': {
        const ingress = ((status.loadBalancer ?? {}) as { ingress?: unknown }).ingress;
        if (ingress === undefined || (Array.isArray(ingress) && ingress.length === 0))
          return { ...existing, status: { loadBalancer: {} } };
        if (!Array.isArray(ingress) || ingress.some((i) => typeof (i as { ip?: unknown })?.ip !== 'string'))
          return fail('status.loadBalancer.ingress', ingress, 'must be a list of {ip}');
        return {
          ...existing,
          status: { loadBalancer: { ingress: ingress.map((i: { ip: string }) => ({ ip: i.ip })) } },
        };
      }
      case 'EndpointSlice':
      case 'Endpoints':
      case 'Event':
        throw new InvalidRequest(`${existing.kind} has no status`);
      default:
        // Deployments and ReplicaSets have their status rewritten by their controllers.
        return { ...existing, status: { ...existing.status, ...status } } as KubeObject;
    }
  }

  /** DELETE, with Kubernetes' propagation (dependents deleted, or orphaned with `Orphan`). */
  delete(kind: Kind, namespace: string | undefined, name: string, opts: DeleteOptions = {}): KubeObject {
    const obj = this.require(kind, namespace, name);
    const pre = opts.preconditions;
    if (pre?.uid !== undefined && pre.uid !== obj.metadata.uid)
      throw new Conflict(
        kind,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid}`,
      );
    if (pre?.resourceVersion !== undefined && pre.resourceVersion !== obj.metadata.resourceVersion)
      throw new Conflict(
        kind,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion}`,
      );
    if (opts.dryRun) return obj;
    const orphan = opts.propagationPolicy === 'Orphan';
    switch (obj.kind) {
      case 'Namespace':
        this.deleteNamespace(obj.metadata.name);
        break;
      case 'Node':
        this.store.remove('Node', undefined, name);
        // Pods on a removed node are gone; their ReplicaSets make replacements elsewhere.
        for (const pod of this.podsOnNode(name)) deletePodObject(this.ctx, pod);
        break;
      case 'Pod':
        deletePodObject(this.ctx, obj);
        break;
      case 'Deployment':
      case 'ReplicaSet':
        this.deleteWorkload(obj.kind, obj.metadata.namespace!, obj.metadata.name, orphan);
        break;
      case 'Service':
        this.releaseService(obj);
        this.store.remove('Service', obj.metadata.namespace, name);
        break;
      case 'Endpoints':
        this.controllers.forgetManaged(keyOfObject(obj));
        this.store.remove('Endpoints', obj.metadata.namespace, name);
        // A Service with a selector gets its Endpoints back, as the controller would do.
        this.touchService(obj.metadata.namespace!, name);
        break;
      default:
        this.store.remove(obj.kind, obj.metadata.namespace, name);
    }
    this.controllers.settle();
    return obj;
  }

  private touchService(namespace: string, name: string): void {
    const svc = this.store.get('Service', namespace, name);
    if (svc) this.store.put<'Service'>(svc);
  }

  private deleteWorkload(
    kind: 'Deployment' | 'ReplicaSet',
    namespace: string,
    name: string,
    orphan: boolean,
  ): void {
    const obj = this.store.get(kind, namespace, name)!;
    const dependents: KubeObject[] =
      kind === 'Deployment'
        ? [...(this.ctx.indexes.replicaSetsByOwner.get(obj.metadata.uid) ?? [])].flatMap(
            (k) => this.store.getByKey('ReplicaSet', k) ?? [],
          )
        : ownedPods(this.ctx, obj);
    this.store.remove(kind, namespace, name);
    for (const dep of dependents) {
      if (orphan) {
        const refs = dep.metadata.ownerReferences?.filter((r) => r.uid !== obj.metadata.uid) ?? [];
        const { ownerReferences: _dropped, ...rest } = dep.metadata;
        this.store.put({
          ...dep,
          metadata: refs.length > 0 ? { ...rest, ownerReferences: refs } : rest,
        } as KubeObject);
      } else if (dep.kind === 'ReplicaSet')
        this.deleteWorkload('ReplicaSet', namespace, dep.metadata.name, false);
      else if (dep.kind === 'Pod') deletePodObject(this.ctx, dep);
    }
  }

  private releaseService(service: ObjectOf<'Service'>): void {
    if (service.spec.clusterIP && service.spec.clusterIP !== 'None')
      this.ctx.allocators.clusterIps.release(service.spec.clusterIP);
    for (const port of service.spec.ports)
      if (port.nodePort !== undefined) this.ctx.allocators.nodePorts.release(port.nodePort);
  }

  private deleteNamespace(name: string): void {
    for (const d of this.list('Deployment', name))
      this.deleteWorkload('Deployment', name, d.metadata.name, false);
    for (const rs of this.list('ReplicaSet', name))
      this.deleteWorkload('ReplicaSet', name, rs.metadata.name, false);
    for (const p of this.list('Pod', name)) deletePodObject(this.ctx, p);
    for (const s of this.list('Service', name)) {
      this.releaseService(s);
      this.store.remove('Service', name, s.metadata.name);
    }
    this.controllers.settle();
    for (const kind of ['Endpoints', 'EndpointSlice', 'Event'] as const)
      for (const o of this.list(kind, name)) {
        if (kind === 'Endpoints') this.controllers.forgetManaged(keyOfObject(o));
        this.store.remove(kind, name, o.metadata.name);
      }
    this.events.forget(name);
    this.store.remove('Namespace', undefined, name);
  }

  // ---- scale and simulation controls ----------------------------------------------------------------

  /** The scale subresource: sets `spec.replicas` (Scale.autoscaling validation on the value). */
  scale(
    kind: ScalableKind,
    namespace: string,
    name: string,
    replicas: unknown,
    opts: WriteOptions & { resourceVersion?: string } = {},
  ): ObjectOf<'Deployment'> | ObjectOf<'ReplicaSet'> {
    const workload = this.require(kind, namespace, name);
    this.checkResourceVersion(workload, opts.resourceVersion);
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0)
      throw new InvalidObject('Scale.autoscaling', name, [
        {
          reason: 'FieldValueInvalid',
          field: 'spec.replicas',
          message: invalidBody(replicas, 'must be greater than or equal to 0'),
        },
      ]);
    if (workload.spec.replicas === replicas) return workload;
    const generation = (workload.metadata.generation ?? 1) + 1;
    const next =
      workload.kind === 'Deployment'
        ? {
            ...workload,
            metadata: { ...workload.metadata, generation },
            spec: { ...workload.spec, replicas },
          }
        : {
            ...workload,
            metadata: { ...workload.metadata, generation },
            spec: { ...workload.spec, replicas },
          };
    if (opts.dryRun) return next;
    this.store.put(next);
    this.controllers.settle();
    return this.require(kind, namespace, name);
  }

  scaleDeployment(namespace: string, name: string, replicas: number): ObjectOf<'Deployment'> {
    this.scale('Deployment', namespace, name, replicas);
    return this.require('Deployment', namespace, name);
  }

  /** Flips a pod's Ready condition, as its readiness probe would. */
  setPodReadiness(namespace: string, name: string, ready: boolean): Pod {
    if (typeof ready !== 'boolean')
      throw new InvalidRequest(`ready must be true or false, not ${JSON.stringify(ready)}`);
    const pod = this.require('Pod', namespace, name);
    if (!pod.status.podIP && ready)
      throw new InvalidRequest(`Pod ${namespace}/${name} is not scheduled yet and cannot become ready`);
    if (isPodReady(pod) === ready) return pod;
    const conditions = pod.status.conditions.map((c) =>
      c.type === 'Ready' ? { ...c, status: ready ? ('True' as const) : ('False' as const) } : c,
    );
    this.replaceStatus('Pod', namespace, name, { ...pod.status, conditions });
    return this.require('Pod', namespace, name);
  }

  /** The status write a load-balancer controller makes; nothing when unchanged. */
  setServiceLoadBalancerIngress(namespace: string, name: string, ips: readonly string[]): void {
    if (!this.get('Service', namespace, name)) return;
    this.replaceStatus('Service', namespace, name, {
      loadBalancer: ips.length > 0 ? { ingress: ips.map((ip) => ({ ip })) } : {},
    });
  }

  /** Stores a built object (binding a new pod to a node) and tells the controllers what changed. */
  private commit(next: KubeObject, existing: KubeObject | undefined): KubeObject {
    if (next.kind === 'Pod' && !existing) return createPodObject(this.ctx, next, isPodReady(next));
    if (next.kind === 'Endpoints') this.controllers.forgetManaged(keyOfObject(next));
    if (next.kind === 'Service' && existing?.kind === 'Service') {
      // Ports or addresses given up by this change go back to their pools.
      if (
        existing.spec.clusterIP &&
        existing.spec.clusterIP !== 'None' &&
        existing.spec.clusterIP !== next.spec.clusterIP
      )
        this.ctx.allocators.clusterIps.release(existing.spec.clusterIP);
      const kept = new Set(next.spec.ports.map((p) => p.nodePort));
      for (const p of existing.spec.ports)
        if (p.nodePort !== undefined && !kept.has(p.nodePort))
          this.ctx.allocators.nodePorts.release(p.nodePort);
    }
    const stored = this.store.put(next);
    if ((stored.kind === 'Deployment' || stored.kind === 'ReplicaSet') && existing)
      this.controllers.touchDeployment(keyOfObject(stored));
    return stored;
  }

  /** Whether a pod is owned (through a ReplicaSet) by a Deployment; for callers that show owners. */
  ownerOf(obj: KubeObject): string | undefined {
    const uid = controllerUid(obj);
    return uid ? this.ctx.indexes.workloadsByUid.get(uid)?.key : undefined;
  }
}

/** Equal apart from the resourceVersion (a write that would change nothing). */
function sameObject(a: KubeObject, b: KubeObject): boolean {
  return sameJson(
    { ...a, metadata: { ...a.metadata, resourceVersion: '' } },
    { ...b, metadata: { ...b.metadata, resourceVersion: '' } },
  );
}
