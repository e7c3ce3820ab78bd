// The controller around the pure core: watches Kubernetes through list + watch (a ClusterView of
// informers over any KubeClient: the embedded API over loopback, or a real cluster read-only),
// marks what a change affects, and on each drain diffs only those units against the store and
// applies the result. Can be paused (watches kept, nothing applied) to let drift build up.

import type { ObjectType } from '@model/contrail/schema.ts';
import type { ConfigStore, StoredObject } from '@server/config-api/store.ts';
import { IpPool } from '@server/ip-pool.ts';
import { internalIp, isComputeNode } from '@model/kubernetes/nodes.ts';
import type { KubeObject, Pod } from '@model/kubernetes/types.ts';
import { ClusterView } from './cluster-view.ts';
import type { ChangeType, InformerOptions, InformerStats } from './informer.ts';
import type { KubeClient } from './kube-client.ts';
import { applyPlan, type ApplyError, type ApplyResult } from './applier.ts';
import {
  desiredNamespaceObjects,
  desiredNodeObjects,
  desiredPodObjects,
  desiredServiceObjects,
  desiredStartupObjects,
  isLoadBalanced,
  projectFq,
  publicPoolUuid,
  type DesiredContext,
  type DesiredObject,
} from './desired.ts';
import { diffObjects, emptyPlan, mergeInto, type Plan } from './diff.ts';
import {
  DEFAULT_CONFIG,
  GLOBAL_SYSTEM_CONFIG,
  StableUuidCache,
  uuidKey,
  type KubeManagerConfig,
} from './names.ts';
import { LB_DEVICE_OWNER } from '@model/contrail/names.ts';
import { noMetrics, type HistogramMetric, type Metrics } from '@server/metrics.ts';

export interface KubeManagerOptions {
  config?: Partial<KubeManagerConfig>;
  /** How a drain is scheduled after a change; the default runs it as a microtask. */
  schedule?: (drain: () => void) => void;
  /** Full resync period (kube-manager's audit timer); 0 turns it off. */
  resyncIntervalMs?: number;
  /** Backoff, idle timeout and timers of the informers. */
  informer?: InformerOptions;
  /** Where the queue depth and reconcile latency are reported (nowhere by default). */
  metrics?: Metrics;
  /**
   * How long reconcile work may hold the event loop: slices of about `sliceMs` (5) of drains, each
   * taking units until its plan costs `batchCost` (120: one per write, three per unit planned).
   * What is written never depends on them.
   */
  slices?: { sliceMs?: number; batchCost?: number };
}

export interface KubeManagerStats {
  drains: number;
  created: number;
  updated: number;
  deleted: number;
  /** The last drain's failed writes; their units are retried by the next resync. */
  lastErrors: ApplyError[];
  /** The last list or watch failure of an informer (they retry with backoff). */
  lastWatchError?: string;
}

/** What planning one unit costs in a drain's budget, in writes (a diff even when nothing changed). */
const UNIT_COST = 3;

const splitKey = (key: string): [string, string] => {
  const at = key.indexOf('/');
  return [key.slice(0, at), key.slice(at + 1)];
};

export class KubeManager {
  readonly config: KubeManagerConfig;
  private readonly ctx: DesiredContext;
  private readonly schedule: (drain: () => void) => void;
  private readonly resyncIntervalMs: number;
  private readonly sliceMs: number;
  private readonly batchCost: number;
  private readonly publicIps: IpPool;
  private readonly uuids: StableUuidCache;
  private readonly view: ClusterView;
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private running = false;
  private isPaused = false;
  private scheduled = false;
  private draining = false;

  private dirtyStartup = false;
  /** When the queue last went from empty to not empty (`performance.now()`), while it is not empty. */
  private pendingSince: number | undefined;
  private readonly latency: HistogramMetric;
  private readonly dirtyServices = new Set<string>();
  private readonly dirtyPods = new Set<string>();
  private readonly dirtyNodes = new Set<string>();
  private readonly dirtyNamespaces = new Set<string>();
  /**
   * Units whose writes must share one plan with others, set aside until everything else is
   * reconciled: namespaces whose plan deletes (the project goes after everything in it); pods
   * whose plan deletes (a gone pod's VMI is still referred to by Service floating-ips and the
   * virtual-router until those are rewritten; a pod recreated under the same name must delete the
   * old one before creating), and the nodes and Services that refer to them. The applier orders
   * one plan's writes (updates drop refs before deletes, late creates after).
   */
  private readonly deferredNamespaces = new Set<string>();
  private readonly deferredPods = new Set<string>();
  private readonly deferredNodes = new Set<string>();
  private readonly deferredServices = new Set<string>();

  /** Service key (`ns/name`) → uuids of loadbalancers this cluster owns for it. */
  private readonly lbsByService = new Map<string, Set<string>>();
  /** Pod uid → Services whose Endpoints name it, and the reverse. */
  private readonly servicesByPod = new Map<string, Set<string>>();
  private readonly podsByService = new Map<string, Set<string>>();
  /** Pod uid → where the pod was last seen scheduled, to notice binding changes. */
  private readonly podPlacement = new Map<string, string>();

  readonly stats: KubeManagerStats = { drains: 0, created: 0, updated: 0, deleted: 0, lastErrors: [] };
  /** Listeners told after each drain (tests wait on convergence with it, never with sleeps). */
  private readonly drainListeners = new Set<() => void>();

  constructor(
    private readonly store: ConfigStore,
    private readonly client: KubeClient,
    opts: KubeManagerOptions = {},
  ) {
    this.view = new ClusterView(client, (type, obj) => this.onClusterEvent(type, obj), {
      ...opts.informer,
      onError: (error) => {
        this.stats.lastWatchError = error.message;
        opts.informer?.onError?.(error);
      },
    });
    this.config = { ...DEFAULT_CONFIG, ...opts.config };
    this.schedule = opts.schedule ?? ((drain) => setImmediate(drain));
    this.resyncIntervalMs = opts.resyncIntervalMs ?? 60_000;
    this.sliceMs = opts.slices?.sliceMs ?? 5;
    this.batchCost = opts.slices?.batchCost ?? 120;
    this.publicIps = new IpPool(this.config.publicSubnet, 'up', 2);
    this.uuids = new StableUuidCache(this.config);
    this.ctx = {
      config: this.config,
      resolve: (type, fqName, fallbackKey) => this.store.uuidOf(type, fqName) ?? this.uuids.get(fallbackKey),
      uuid: (key) => this.uuids.get(key),
    };
    const metrics = opts.metrics ?? noMetrics;
    // client-go's workqueue reports depth and queue latency the same way (workqueue_depth,
    // workqueue_queue_duration_seconds); kube-manager's own queue is the dirty sets.
    metrics.gauge(
      {
        name: 'kube_manager_queue_depth',
        help: 'Kubernetes objects changed and not yet reconciled into Contrail objects, by kind.',
        labelNames: ['kind'],
      },
      () => [
        { labels: { kind: 'Namespace' }, value: this.dirtyNamespaces.size },
        { labels: { kind: 'Pod' }, value: this.dirtyPods.size },
        { labels: { kind: 'Node' }, value: this.dirtyNodes.size },
        { labels: { kind: 'Service' }, value: this.dirtyServices.size },
      ],
    );
    this.latency = metrics.histogram({
      name: 'kube_manager_reconcile_latency_seconds',
      help: 'From a change reaching kube-manager (or a resync) until every change queued with it is written to the config store.',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    });
  }

  /**
   * Lists every kind, then reconciles everything once before resolving, so no event is acted on
   * before the store has been read (K3: kube-manager once acted on events before its sync finished).
   */
  async start(): Promise<ApplyResult> {
    if (this.running) throw new Error('kube-manager already started');
    this.running = true;
    this.view.start();
    await this.view.synced();
    this.started = true;
    const result = await this.resyncInSlices();
    if (this.resyncIntervalMs > 0) {
      this.timer = setInterval(() => void this.resyncInSlices(), this.resyncIntervalMs);
      this.timer.unref();
    }
    return result;
  }

  stop(): void {
    this.view.stop();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.started = false;
    this.running = false;
  }

  /** Where kube-manager reads Kubernetes from. */
  get source(): string {
    return this.client.description;
  }

  get paused(): boolean {
    return this.isPaused;
  }

  /**
   * A stuck controller, on purpose: paused, it keeps its watches and caches current but writes
   * nothing; resumed, it reconciles everything and converges.
   */
  async setPaused(paused: boolean): Promise<void> {
    if (this.isPaused === paused) return;
    this.isPaused = paused;
    if (!paused && this.started) await this.resyncInSlices();
  }

  /** Counters of the informers (lists, watches, 410 relists, errors) by kind. */
  informerStats(): Record<string, InformerStats> {
    const out: Record<string, InformerStats> = {};
    for (const kind of ['Namespace', 'Node', 'Pod', 'Service', 'Endpoints'] as const)
      out[kind] = this.view.stats(kind);
    return out;
  }

  /** The object as kube-manager last saw it through its watches (undefined: gone or never seen). */
  observed(
    kind: 'Namespace' | 'Node' | 'Pod' | 'Service' | 'Endpoints',
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    return this.view.get(kind, namespace, name);
  }

  /** Called after every drain that ran; returns the unsubscribe function. */
  onDrain(listener: () => void): () => void {
    this.drainListeners.add(listener);
    return () => this.drainListeners.delete(listener);
  }

  /** Marks every unit dirty (including owned objects whose Kubernetes object is gone) and drains. */
  resync(): ApplyResult {
    if (this.isPaused) return { created: [], updated: [], deleted: [], errors: [] };
    this.markAll();
    return this.flush();
  }

  /** resync() in slices that yield to the event loop (start, the audit timer, resume). */
  async resyncInSlices(): Promise<ApplyResult> {
    if (this.isPaused) return { created: [], updated: [], deleted: [], errors: [] };
    this.markAll();
    return this.flushInSlices();
  }

  private markAll(): void {
    this.pendingSince ??= performance.now();
    this.rebuildIndexes();
    this.dirtyStartup = true;
    for (const ns of this.view.values('Namespace')) this.dirtyNamespaces.add(ns.metadata.name);
    for (const node of this.view.values('Node')) this.dirtyNodes.add(node.metadata.name);
    for (const pod of this.view.values('Pod')) this.dirtyPods.add(pod.metadata.uid);
    for (const svc of this.view.values('Service'))
      this.dirtyServices.add(`${svc.metadata.namespace}/${svc.metadata.name}`);
    for (const key of this.lbsByService.keys()) this.dirtyServices.add(key);
    // Owned objects whose Kubernetes object disappeared while we were not watching.
    for (const vm of this.store.all('virtual-machine'))
      if (this.isOwned(vm, 'Pod') && !this.view.podByUid(vm.uuid)) this.dirtyPods.add(vm.uuid);
    for (const vr of this.store.all('virtual-router'))
      if (this.isOwned(vr, 'Node')) this.dirtyNodes.add(vr.fqName[1]!);
    for (const project of this.store.all('project'))
      if (this.isOwned(project, 'Namespace')) {
        const ns = project.annotations?.find((a) => a.key === 'name')?.value;
        if (ns) this.dirtyNamespaces.add(ns);
      }
  }

  /** Runs a drain now (tests and the benchmark call this instead of waiting for the microtask). */
  flush(): ApplyResult {
    const total: ApplyResult = { created: [], updated: [], deleted: [], errors: [] };
    // A drain can make more work (a status patch on a Service); loop until quiet.
    for (let round = 0; round < 10 && this.hasWork(); round++) {
      const result = this.drain();
      for (const obj of result.created) total.created.push(obj);
      for (const obj of result.updated) total.updated.push(obj);
      for (const obj of result.deleted) total.deleted.push(obj);
      for (const err of result.errors) total.errors.push(err);
    }
    return total;
  }

  // ---- events ---------------------------------------------------------------------------------

  private onClusterEvent(type: ChangeType, obj: KubeObject): void {
    switch (obj.kind) {
      case 'Service':
      case 'Endpoints':
        this.dirtyServices.add(`${obj.metadata.namespace}/${obj.metadata.name}`);
        break;
      case 'Pod':
        this.onPodEvent(obj, type === 'DELETED');
        break;
      case 'Node':
        this.dirtyNodes.add(obj.metadata.name);
        break;
      case 'Namespace':
        this.dirtyNamespaces.add(obj.metadata.name);
        break;
      default:
        return;
    }
    this.pendingSince ??= performance.now();
    this.requestDrain();
  }

  private onPodEvent(pod: Pod, deleted: boolean): void {
    const uid = pod.metadata.uid;
    this.dirtyPods.add(uid);
    const placement = deleted || !pod.status.podIP ? '' : (pod.spec.nodeName ?? '');
    const previous = this.podPlacement.get(uid) ?? '';
    if (placement !== previous) {
      if (previous) this.dirtyNodes.add(previous);
      if (placement) this.dirtyNodes.add(placement);
      // Services whose Endpoints named this pod before it had an interface (or after it lost it).
      for (const svc of this.servicesByPod.get(uid) ?? []) this.dirtyServices.add(svc);
    }
    if (placement) this.podPlacement.set(uid, placement);
    else this.podPlacement.delete(uid);
  }

  private requestDrain(): void {
    if (!this.started || this.scheduled || this.isPaused) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      void this.flushInSlices();
    });
  }

  private hasWork(): boolean {
    return (
      this.dirtyStartup ||
      this.dirtyServices.size + this.dirtyPods.size + this.dirtyNodes.size + this.dirtyNamespaces.size > 0 ||
      this.deferredPods.size + this.deferredNamespaces.size > 0
    );
  }

  // ---- the drain ------------------------------------------------------------------------------

  /**
   * Diffs and applies dirty units in dependency order (startup objects, namespaces, pods, nodes,
   * Services) until the plan costs `maxCost` (a write costs 1, planning a unit 3: an unchanged
   * unit still costs its diff), then applies it; the rest stay dirty for the next drain. The cut
   * depends on the work only, never on the clock, so the order of writes (and the ids the vRouter
   * model hands out in that order) is the same on any machine. At least one unit is planned, so a
   * drain always makes progress.
   */
  private drain(maxCost = Infinity): ApplyResult {
    if (this.draining || this.isPaused) return { created: [], updated: [], deleted: [], errors: [] };
    this.draining = true;
    try {
      const plan = emptyPlan();
      const lbServices: string[] = [];
      let planned = 0;
      const inBudget = () =>
        planned === 0 ||
        plan.creates.length + plan.updates.length + plan.deletes.length + UNIT_COST * planned < maxCost;
      /** Takes the set's items one at a time while the budget lasts, removing each as it goes. */
      function* take<T>(set: Set<T>): Generator<T> {
        for (const item of set) {
          if (!inBudget()) return;
          set.delete(item);
          planned++;
          yield item;
        }
      }
      if (this.dirtyStartup) {
        this.dirtyStartup = false;
        planned++;
        mergeInto(plan, this.planEnsure(desiredStartupObjects(this.ctx)));
      }
      for (const ns of take(this.dirtyNamespaces)) {
        if (this.deferredNamespaces.has(ns)) continue;
        const nsPlan = this.planNamespace(ns);
        if (nsPlan.deletes.length > 0) this.deferredNamespaces.add(ns);
        else mergeInto(plan, nsPlan);
      }
      // A pod recreated under the same name plans the old one (gone, so deferred itself) with it.
      for (const uid of take(this.dirtyPods)) {
        if (this.deferredPods.has(uid)) continue;
        const podPlan = this.planPod(uid, new Set([uid]));
        if (podPlan.deletes.length > 0) this.deferredPods.add(uid);
        else mergeInto(plan, podPlan);
      }
      // A node's VM refs need its pods' VMs: nodes wait until no pod is left dirty.
      if (this.dirtyPods.size === 0)
        for (const node of take(this.dirtyNodes)) {
          if (this.deferredNodes.has(node)) continue;
          if (this.view.podsOnNode(node).some((pod) => this.deferredPods.has(pod.metadata.uid)))
            this.deferredNodes.add(node);
          else mergeInto(plan, this.planNode(node));
        }
      if (this.dirtyPods.size === 0)
        for (const key of take(this.dirtyServices)) {
          if (this.deferredServices.has(key)) continue;
          if (this.refersToDeferredPod(key)) this.deferredServices.add(key);
          else {
            mergeInto(plan, this.planService(key));
            lbServices.push(key);
          }
        }
      // Everything else is written (or in this plan): the set-aside units go in together.
      if (
        this.deferredPods.size + this.deferredNamespaces.size > 0 &&
        this.dirtyPods.size + this.dirtyNodes.size + this.dirtyServices.size + this.dirtyNamespaces.size === 0
      ) {
        for (const ns of this.deferredNamespaces) mergeInto(plan, this.planNamespace(ns));
        const pods = new Set(this.deferredPods);
        for (const uid of this.deferredPods) mergeInto(plan, this.planPod(uid, pods));
        for (const node of this.deferredNodes) mergeInto(plan, this.planNode(node));
        for (const key of this.deferredServices) {
          mergeInto(plan, this.planService(key));
          lbServices.push(key);
        }
        this.deferredNamespaces.clear();
        this.deferredPods.clear();
        this.deferredNodes.clear();
        this.deferredServices.clear();
      }

      const result = applyPlan(this.store, plan);
      this.afterApply(result, lbServices);
      this.stats.drains++;
      this.stats.created += result.created.length;
      this.stats.updated += result.updated.length;
      this.stats.deleted += result.deleted.length;
      this.stats.lastErrors = result.errors;
      if (this.pendingSince !== undefined && !this.hasWork()) {
        this.latency.observe((performance.now() - this.pendingSince) / 1000);
        this.pendingSince = undefined;
      }
      return result;
    } finally {
      this.draining = false;
      for (const listener of this.drainListeners) listener();
    }
  }

  /**
   * flush() for the running server: the same work in time-bounded slices that yield to the event
   * loop between them, so a cold reconcile of 10k Services never holds a request back for more
   * than about `sliceMs` (issue: long work never stalls the servers). A slice is a run of small
   * drains (each about `batchCost` of writes and diffs) while another fits in the slice's time: a
   * slice is one drain when drains are longer than the slice.
   */
  async flushInSlices(
    yieldNow: () => Promise<void> = () => new Promise((r) => setImmediate(r)),
  ): Promise<ApplyResult> {
    const { sliceMs, batchCost } = this;
    const total: ApplyResult = { created: [], updated: [], deleted: [], errors: [] };
    while (this.hasWork() && !this.isPaused) {
      if (this.draining) {
        await yieldNow();
        continue;
      }
      const sliceEnd = performance.now() + sliceMs;
      // Another drain only when one as long as the last still fits in the slice.
      let lastMs = 0;
      do {
        const started = performance.now();
        const result = this.drain(batchCost);
        lastMs = performance.now() - started;
        for (const obj of result.created) total.created.push(obj);
        for (const obj of result.updated) total.updated.push(obj);
        for (const obj of result.deleted) total.deleted.push(obj);
        for (const err of result.errors) total.errors.push(err);
      } while (this.hasWork() && !this.isPaused && !this.draining && performance.now() + lastMs <= sliceEnd);
      if (this.hasWork()) await yieldNow();
    }
    return total;
  }

  private afterApply(result: ApplyResult, services: readonly string[]): void {
    for (const obj of result.created)
      if (obj.type === 'loadbalancer' && this.isOwned(obj, 'Service')) this.indexLb(obj);
    for (const obj of result.deleted) {
      if (obj.type === 'loadbalancer') this.unindexLb(obj);
      if (obj.type === 'floating-ip' && obj.parent?.type === 'floating-ip-pool') {
        const address = obj.props.floating_ip_address;
        if (typeof address === 'string' && this.publicIps.contains(address)) this.publicIps.release(address);
      }
    }
    // kube-manager writes the allocated external address back to the Service (vnc_service.py
    // _update_service_external_ip). It patches spec.externalIPs; we set status.loadBalancer.ingress,
    // as Kubernetes' own LB controllers do, so a type change back to ClusterIP leaves no external IP.
    for (const key of services) {
      const [ns, name] = splitKey(key);
      const service = this.view.get('Service', ns, name);
      if (!service || service.spec.type !== 'LoadBalancer' || !isLoadBalanced(service)) continue;
      const lbRequest = service.spec.loadBalancerIP ?? null;
      const fip = this.store.get(this.externalFipUuid(service.metadata.uid, lbRequest));
      const address = fip?.props.floating_ip_address;
      const ips = typeof address === 'string' ? [address] : [];
      const current = (service.status.loadBalancer.ingress ?? []).map((i) => i.ip);
      if (current.length === ips.length && current.every((ip, i) => ip === ips[i])) continue;
      // A read-only client (a real cluster) has no status write: kube-manager never writes there.
      void Promise.resolve(this.client.setServiceIngress?.(ns, name, ips)).catch((err: Error) => {
        this.stats.lastErrors = [
          ...this.stats.lastErrors,
          {
            op: 'update',
            type: 'loadbalancer',
            uuid: service.metadata.uid,
            message: `status of Service ${ns}/${name}: ${err.message}`,
          },
        ];
      });
    }
  }

  // ---- ownership and indexes ------------------------------------------------------------------

  private annotation(obj: StoredObject, key: string): string | undefined {
    return obj.annotations?.find((a) => a.key === key)?.value;
  }

  /** Objects this cluster made carry `owner` and `cluster` annotations (K8: never touch others). */
  private isOwned(obj: StoredObject, kind: string): boolean {
    return (
      this.annotation(obj, 'owner') === this.config.owner &&
      this.annotation(obj, 'cluster') === this.config.clusterName &&
      this.annotation(obj, 'kind') === kind
    );
  }

  private indexLb(lb: StoredObject): void {
    const key = `${this.annotation(lb, 'namespace')}/${this.annotation(lb, 'name')}`;
    let set = this.lbsByService.get(key);
    if (!set) this.lbsByService.set(key, (set = new Set()));
    set.add(lb.uuid);
  }

  private unindexLb(lb: StoredObject): void {
    const key = `${this.annotation(lb, 'namespace')}/${this.annotation(lb, 'name')}`;
    this.lbsByService.get(key)?.delete(lb.uuid);
    if (this.lbsByService.get(key)?.size === 0) this.lbsByService.delete(key);
  }

  /** Startup and resync only: the one place that reads whole types from the store. */
  private rebuildIndexes(): void {
    this.lbsByService.clear();
    for (const lb of this.store.all('loadbalancer')) if (this.isOwned(lb, 'Service')) this.indexLb(lb);
    const poolUuid = publicPoolUuid(this.ctx);
    for (const fip of this.store.children(poolUuid, 'floating-ip')) {
      const address = fip.props.floating_ip_address;
      if (typeof address === 'string' && this.publicIps.contains(address)) this.publicIps.reserve(address);
    }
    this.podPlacement.clear();
    for (const pod of this.view.values('Pod'))
      if (pod.status.podIP && pod.spec.nodeName) this.podPlacement.set(pod.metadata.uid, pod.spec.nodeName);
  }

  private setServicePods(key: string, uids: ReadonlySet<string>): void {
    for (const uid of this.podsByService.get(key) ?? [])
      if (!uids.has(uid)) {
        const set = this.servicesByPod.get(uid);
        set?.delete(key);
        if (set?.size === 0) this.servicesByPod.delete(uid);
      }
    for (const uid of uids) {
      let set = this.servicesByPod.get(uid);
      if (!set) this.servicesByPod.set(uid, (set = new Set()));
      set.add(key);
    }
    if (uids.size > 0) this.podsByService.set(key, new Set(uids));
    else this.podsByService.delete(key);
  }

  // ---- planning per unit ----------------------------------------------------------------------

  /** Startup and namespace objects are made when missing and never rewritten (they may be shared). */
  private planEnsure(desired: readonly DesiredObject[]): Plan {
    const plan = emptyPlan();
    for (const d of desired) if (!this.store.uuidOf(d.type, d.fqName)) plan.creates.push(d);
    return plan;
  }

  private planNamespace(ns: string): Plan {
    const namespace = this.view.get('Namespace', undefined, ns);
    if (namespace) return this.planEnsure(desiredNamespaceObjects(this.ctx, namespace));
    const plan = emptyPlan();
    if (ns === 'default') return plan;
    const fq = projectFq(this.ctx, ns);
    const project = this.store.byFqName('project', fq);
    if (!project || !this.isOwned(project, 'Namespace')) return plan;
    for (const sg of this.store.children(project.uuid, 'security-group'))
      if (this.isOwned(sg, 'Namespace')) plan.deletes.push(sg);
    plan.deletes.push(project);
    return plan;
  }

  private ownedByUuid(uuid: string, type: ObjectType): StoredObject | undefined {
    const obj = this.store.get(uuid);
    return obj && obj.type === type ? obj : undefined;
  }

  private planPod(uid: string, batch: Set<string>): Plan {
    const pod = this.view.podByUid(uid);
    const desired = pod ? desiredPodObjects(this.ctx, pod) : [];
    const current: StoredObject[] = [];
    const vm = this.ownedByUuid(uid, 'virtual-machine');
    if (vm && this.isOwned(vm, 'Pod')) current.push(vm);
    if (vm || pod) {
      const vmi = this.ownedByUuid(this.uuids.get(uuidKey.podVmi(uid)), 'virtual-machine-interface');
      const iip = this.ownedByUuid(this.uuids.get(uuidKey.podInstanceIp(uid)), 'instance-ip');
      if (vmi) current.push(vmi);
      if (iip) current.push(iip);
    }
    // Contrail's _check_pod_uuid_change: a pod recreated under the same name finds the old VM
    // still holding the name; tear the old one down in this same drain.
    const wantedVm = desired.find((d) => d.type === 'virtual-machine');
    if (wantedVm) {
      const holder = this.store.byFqName('virtual-machine', wantedVm.fqName);
      if (holder && holder.uuid !== uid && this.isOwned(holder, 'Pod') && !batch.has(holder.uuid)) {
        batch.add(holder.uuid);
        const stale = this.planPod(holder.uuid, batch);
        const plan = diffObjects(desired, current);
        mergeInto(plan, stale);
        return plan;
      }
    }
    return diffObjects(desired, current);
  }

  private planNode(name: string): Plan {
    const node = this.view.get('Node', undefined, name);
    const vmUuids: string[] = [];
    if (node)
      for (const pod of this.view.podsOnNode(name)) if (pod.status.podIP) vmUuids.push(pod.metadata.uid);
    const desired = node ? desiredNodeObjects(this.ctx, node, isComputeNode(node), vmUuids) : [];
    if (node && desired.length === 0 && !internalIp(node)) return emptyPlan();
    const existing = this.store.byFqName('virtual-router', [GLOBAL_SYSTEM_CONFIG, name]);
    if (!existing || this.isOwned(existing, 'Node')) return diffObjects(desired, existing ? [existing] : []);
    // A virtual-router provisioned by someone else: only our VM refs are ours to change.
    const foreign = (existing.refs.get('virtual-machine') ?? []).filter((ref) => {
      const target = this.store.get(ref.uuid);
      return !target || !this.isOwned(target, 'Pod');
    });
    const ours = desired[0]?.refs['virtual-machine'] ?? [];
    const shared: DesiredObject = {
      type: 'virtual-router',
      uuid: existing.uuid,
      fqName: existing.fqName,
      parentType: 'global-system-config',
      displayName: existing.displayName,
      props: {},
      refs: { 'virtual-machine': [...foreign.map((r) => ({ uuid: r.uuid })), ...ours] },
      annotations: null,
    };
    return diffObjects([shared], [existing]);
  }

  private externalFipUuid(serviceUid: string, requested: string | null): string {
    return this.uuids.get(uuidKey.externalFloatingIp(serviceUid, requested));
  }

  /** Whether the Service's Endpoints name a pod set aside for the last plan. */
  private refersToDeferredPod(key: string): boolean {
    if (this.deferredPods.size === 0) return false;
    const [ns, name] = splitKey(key);
    for (const subset of this.view.get('Endpoints', ns, name)?.subsets ?? [])
      for (const list of [subset.addresses, subset.notReadyAddresses])
        for (const address of list ?? [])
          if (address.targetRef?.uid && this.deferredPods.has(address.targetRef.uid)) return true;
    return false;
  }

  private planService(key: string): Plan {
    const [ns, name] = splitKey(key);
    const service = this.view.get('Service', ns, name);
    const endpoints = this.view.get('Endpoints', ns, name);
    const uids = new Set(this.lbsByService.get(key) ?? []);
    if (service) uids.add(service.metadata.uid);

    const referenced = new Set<string>();
    for (const subset of endpoints?.subsets ?? [])
      for (const list of [subset.addresses, subset.notReadyAddresses])
        for (const address of list ?? []) if (address.targetRef?.uid) referenced.add(address.targetRef.uid);
    this.setServicePods(key, referenced);

    let desired: DesiredObject[] = [];
    if (service && isLoadBalanced(service)) {
      const uid = service.metadata.uid;
      desired = desiredServiceObjects(this.ctx, {
        service,
        endpoints,
        hasPodInterface: (podUid) => {
          const pod = this.view.podByUid(podUid);
          return !!pod && !!pod.status.podIP && !!pod.spec.nodeName;
        },
        externalAddress: (requested) => {
          if (requested !== null) {
            if (this.publicIps.contains(requested)) this.publicIps.reserve(requested);
            return requested;
          }
          const existing = this.store.get(this.externalFipUuid(uid, null))?.props.floating_ip_address;
          if (typeof existing === 'string') return existing;
          try {
            return this.publicIps.allocate();
          } catch {
            return undefined;
          }
        },
      });
    }
    const current = new Map<string, StoredObject>();
    for (const uid of uids) this.collectServiceObjects(uid, current);
    return diffObjects(desired, current.values());
  }

  /**
   * The objects this cluster owns for one Service uid: the owned loadbalancer and what hangs off
   * it, plus anything under the stable uuids (a create interrupted before the loadbalancer).
   */
  private collectServiceObjects(uid: string, out: Map<string, StoredObject>): void {
    const add = (obj: StoredObject | undefined) => {
      if (obj) out.set(obj.uuid, obj);
    };
    const lb = this.ownedByUuid(uid, 'loadbalancer');
    const vmis = new Set<string>([this.uuids.get(uuidKey.lbVmi(uid))]);
    if (lb && this.isOwned(lb, 'Service')) {
      add(lb);
      for (const ref of lb.refs.get('virtual-machine-interface') ?? []) vmis.add(ref.uuid);
      const prefix = `${lb.fqName[lb.fqName.length - 1]}-`;
      for (const { object: listener } of this.store.backRefs(uid, 'loadbalancer-listener')) {
        if (!listener.fqName[listener.fqName.length - 1]!.startsWith(prefix)) continue;
        add(listener);
        for (const { object: pool } of this.store.backRefs(listener.uuid, 'loadbalancer-pool')) {
          add(pool);
          for (const member of this.store.children(pool.uuid, 'loadbalancer-member')) add(member);
        }
      }
    }
    for (const vmiUuid of vmis) {
      const vmi = this.ownedByUuid(vmiUuid, 'virtual-machine-interface');
      if (!vmi || vmi.props.virtual_machine_interface_device_owner !== LB_DEVICE_OWNER) continue;
      add(vmi);
      for (const { object: iip } of this.store.backRefs(vmiUuid, 'instance-ip')) {
        add(iip);
        for (const fip of this.store.children(iip.uuid, 'floating-ip')) add(fip);
      }
      for (const { object: fip } of this.store.backRefs(vmiUuid, 'floating-ip')) add(fip);
    }
    const vipIip = this.ownedByUuid(this.uuids.get(uuidKey.vipInstanceIp(uid)), 'instance-ip');
    if (vipIip) {
      add(vipIip);
      for (const fip of this.store.children(vipIip.uuid, 'floating-ip')) add(fip);
    }
  }
}
