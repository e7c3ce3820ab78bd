// The embedded Kubernetes cluster: objects by kind and name, a scheduler, the deployment and
// endpoints controllers, IP allocation and a watch-like change feed. No Contrail knowledge here.

import { systemClock, type Clock } from '@server/clock.ts';
import { randomIds, uuidV5, type IdSource } from '@server/ids.ts';
import { isPodReady } from '@model/kubernetes/pods.ts';
import { computeEndpointSubsets, matchesSelector } from './endpoints.ts';
import { InvalidRequest, ObjectNotFound } from './errors.ts';
import { cidrContains, parseCidr, tryParseIpv4 } from '@model/net/ipv4.ts';
import { IpPool } from './ip-pool.ts';
import {
  describeDocument,
  ManifestError,
  parseManifest,
  type DeploymentInput,
  type EndpointsInput,
  type ManifestDocument,
  type ManifestObject,
  type NamespaceInput,
  type NodeInput,
  type PodInput,
  type ServiceInput,
} from './manifest.ts';
import {
  KINDS,
  NAMESPACED,
  type ClusterEvent,
  type ClusterListener,
  type Deployment,
  type Endpoints,
  type Kind,
  type KubeObject,
  type Namespace,
  type Node,
  type ObjectMeta,
  type Pod,
  type PodSpec,
  type Service,
} from '@model/kubernetes/types.ts';

export interface ClusterOptions {
  clock?: Clock;
  ids?: IdSource;
  /** Contrail's default pod subnet; pod IPs come from its top downwards. */
  podCidr?: string;
  serviceCidr?: string;
}

export interface AppliedObject {
  kind: Kind;
  namespace?: string;
  name: string;
  action: 'created' | 'configured' | 'unchanged';
}

type ObjectOf<K extends Kind> = Extract<KubeObject, { kind: K }>;

export const DEFAULT_POD_CIDR = '10.32.0.0/12';
export const DEFAULT_SERVICE_CIDR = '10.96.0.0/12';
/** Labels that mark a control-plane node, which the scheduler (and Contrail) skip. */
const CONTROL_PLANE_LABELS = ['node-role.kubernetes.io/master', 'node-role.kubernetes.io/control-plane'];
/** Kubernetes' name-suffix alphabet (no vowels, no confusable digits). */
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const UID_NAMESPACE = '6f1d3c55-2f4e-5b1e-9a57-5c0b6f7e1d21';

const keyOf = (namespace: string | undefined, name: string) =>
  namespace === undefined ? name : `${namespace}/${name}`;
const objectKey = (o: KubeObject) => keyOf(o.metadata.namespace, o.metadata.name);
const labelKey = (namespace: string, key: string, value: string) => `${namespace}\u0000${key}=${value}`;

export function isComputeNode(node: Node): boolean {
  return !CONTROL_PLANE_LABELS.some((label) => node.metadata.labels?.[label] !== undefined);
}

export function internalIp(node: Node): string | undefined {
  return node.status.addresses.find((a) => a.type === 'InternalIP')?.address;
}

function addToIndex(index: Map<string, Set<string>>, key: string, value: string): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(value);
}

function removeFromIndex(index: Map<string, Set<string>>, key: string, value: string): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) index.delete(key);
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

function encodeSuffix(value: number, length: number): string {
  let out = '';
  let v = value;
  for (let i = 0; i < length; i++) {
    out += SUFFIX_ALPHABET[v % SUFFIX_ALPHABET.length];
    v = Math.floor(v / SUFFIX_ALPHABET.length);
  }
  return out;
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export class Cluster {
  private readonly objects = new Map<Kind, Map<string, KubeObject>>(KINDS.map((k) => [k, new Map()]));
  private readonly listeners = new Set<ClusterListener>();
  private readonly clock: Clock;
  private readonly ids: IdSource;
  private readonly serviceCidr: string;
  private readonly podIps: IpPool;
  private readonly clusterIps: IpPool;
  private readonly nodePorts = new Set<number>();
  private nextNodePort = 30000;
  private resourceVersion = 0;
  private readonly podsByUid = new Map<string, Pod>();
  /** namespace + label pair → pod keys. */
  private readonly podsByLabel = new Map<string, Set<string>>();
  /** namespace + first selector pair → keys of Services whose Endpoints the controller manages. */
  private readonly servicesBySelector = new Map<string, Set<string>>();
  private readonly podsByDeployment = new Map<string, Set<string>>();
  private readonly podsByNode = new Map<string, Set<string>>();
  /** Endpoints written by the endpoints controller (the rest were applied by a user). */
  private readonly managedEndpoints = new Set<string>();

  constructor(opts: ClusterOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    this.ids = opts.ids ?? randomIds;
    this.serviceCidr = opts.serviceCidr ?? DEFAULT_SERVICE_CIDR;
    this.podIps = new IpPool(opts.podCidr ?? DEFAULT_POD_CIDR, 'down');
    // 10.96.0.1 is the `kubernetes` Service's; start handing out past the first few.
    this.clusterIps = new IpPool(this.serviceCidr, 'up', 10);
    this.applyDocuments(parseManifest('apiVersion: v1\nkind: Namespace\nmetadata: {name: default}\n'));
  }

  // ---- change feed ---------------------------------------------------------------------------

  subscribe(listener: ClusterListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: ClusterEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  // ---- reads ---------------------------------------------------------------------------------

  get<K extends Kind>(kind: K, namespace: string | undefined, name: string): ObjectOf<K> | undefined {
    return this.objects
      .get(kind)!
      .get(keyOf(NAMESPACED[kind] ? (namespace ?? 'default') : undefined, name)) as ObjectOf<K> | undefined;
  }

  /** Every object of a kind (optionally in one namespace), sorted by namespace and name. */
  list<K extends Kind>(kind: K, namespace?: string): ObjectOf<K>[] {
    const all = [...this.objects.get(kind)!.values()] as ObjectOf<K>[];
    const selected = namespace === undefined ? all : all.filter((o) => o.metadata.namespace === namespace);
    return selected.sort((a, b) => (objectKey(a) < objectKey(b) ? -1 : objectKey(a) > objectKey(b) ? 1 : 0));
  }

  /** Objects of a kind in insertion order, without copying or sorting. */
  values<K extends Kind>(kind: K): IterableIterator<ObjectOf<K>> {
    return this.objects.get(kind)!.values() as IterableIterator<ObjectOf<K>>;
  }

  count(kind: Kind): number {
    return this.objects.get(kind)!.size;
  }

  podByUid(uid: string): Pod | undefined {
    return this.podsByUid.get(uid);
  }

  /** Pods scheduled to a node, in no particular order. */
  podsOnNode(nodeName: string): Pod[] {
    return [...(this.podsByNode.get(nodeName) ?? [])].map((key) => this.objects.get('Pod')!.get(key) as Pod);
  }

  private require<K extends Kind>(kind: K, namespace: string | undefined, name: string): ObjectOf<K> {
    const obj = this.get(kind, namespace, name);
    if (!obj) {
      const where = NAMESPACED[kind] ? `${namespace ?? 'default'}/${name}` : name;
      throw new ObjectNotFound(`${kind} ${where} not found`);
    }
    return obj;
  }

  // ---- writes: the public operations ----------------------------------------------------------

  /** Parses and applies a manifest; all-or-nothing. */
  applyManifest(text: string): AppliedObject[] {
    return this.applyDocuments(parseManifest(text));
  }

  /** Creates or replaces each document. Every document is checked first, so a bad one changes nothing. */
  applyDocuments(docs: readonly ManifestDocument[]): AppliedObject[] {
    this.checkDocuments(docs);
    return docs.map((doc) => this.applyOne(doc.object));
  }

  delete(kind: Kind, namespace: string | undefined, name: string): void {
    const obj = this.require(kind, namespace, name);
    switch (obj.kind) {
      case 'Namespace':
        return this.deleteNamespace(obj);
      case 'Node':
        return this.deleteNode(obj);
      case 'Pod':
        return this.deletePod(obj, true);
      case 'Deployment':
        return this.deleteDeployment(obj);
      case 'Service':
        return this.deleteService(obj);
      case 'Endpoints':
        this.managedEndpoints.delete(keyOf(obj.metadata.namespace, obj.metadata.name));
        this.removeObject(obj);
        // A Service with a selector gets its Endpoints back, as the controller would do.
        this.syncEndpoints(keyOf(obj.metadata.namespace, obj.metadata.name));
        return;
    }
  }

  scaleDeployment(namespace: string, name: string, replicas: number): Deployment {
    if (!Number.isInteger(replicas) || replicas < 0 || replicas > 10_000)
      throw new InvalidRequest(
        `replicas must be an integer from 0 to 10000, not ${JSON.stringify(replicas)}`,
      );
    const deployment = this.require('Deployment', namespace, name);
    if (deployment.spec.replicas !== replicas)
      this.putObject({ ...deployment, spec: { ...deployment.spec, replicas } });
    this.syncDeployment(keyOf(namespace, name));
    return this.require('Deployment', namespace, name);
  }

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
    const next: Pod = { ...pod, status: { ...pod.status, conditions } };
    this.putObject(next);
    this.afterPodChange(pod, next);
    return next;
  }

  /** The status patch a load-balancer controller makes; emits nothing when unchanged. */
  setServiceLoadBalancerIngress(namespace: string, name: string, ips: readonly string[]): void {
    const service = this.get('Service', namespace, name);
    if (!service) return;
    const ingress = ips.map((ip) => ({ ip }));
    const current = service.status.loadBalancer.ingress ?? [];
    if (sameJson(current, ingress)) return;
    this.putObject({
      ...service,
      status: { loadBalancer: ingress.length > 0 ? { ingress } : {} },
    });
  }

  // ---- validation of a whole apply ------------------------------------------------------------

  private checkDocuments(docs: readonly ManifestDocument[]): void {
    const namespaces = new Set(this.objects.get('Namespace')!.keys());
    const nodes = new Set(this.objects.get('Node')!.keys());
    const seen = new Set<string>();
    const claimedIps = new Map<string, string>();
    for (const { index, object } of docs) {
      const namespaced = NAMESPACED[object.kind];
      const namespace = namespaced ? (object.metadata.namespace ?? 'default') : undefined;
      const where = describeDocument(index, object.kind, namespace, object.metadata.name);
      const fail = (path: string, message: string): never => {
        throw new ManifestError(`${where}: ${path}: ${message}`);
      };
      if (!namespaced && object.metadata.namespace !== undefined)
        fail('metadata.namespace', `${object.kind} is not namespaced`);
      const id = `${object.kind}:${keyOf(namespace, object.metadata.name)}`;
      if (seen.has(id)) fail('metadata.name', 'the same object appears twice in this manifest');
      seen.add(id);
      if (object.kind === 'Namespace') namespaces.add(object.metadata.name);
      if (object.kind === 'Node') nodes.add(object.metadata.name);
      if (namespace !== undefined && !namespaces.has(namespace))
        fail('metadata.namespace', `namespace ${namespace} does not exist`);

      if (object.kind === 'Pod') {
        const existing = this.get('Pod', namespace, object.metadata.name);
        if (object.spec.nodeName && !nodes.has(object.spec.nodeName))
          fail('spec.nodeName', `node ${object.spec.nodeName} does not exist`);
        if (existing && object.spec.nodeName && existing.spec.nodeName !== object.spec.nodeName)
          fail('spec.nodeName', 'field is immutable');
      }
      if (object.kind === 'Service') {
        const existing = this.get('Service', namespace, object.metadata.name);
        const requested = object.spec.clusterIP;
        if (existing) {
          const wasHeadless = existing.spec.clusterIP === 'None';
          const isHeadless = requested === 'None';
          if (
            wasHeadless !== isHeadless &&
            existing.spec.type !== 'ExternalName' &&
            object.spec.type !== 'ExternalName'
          )
            fail('spec.clusterIP', 'field is immutable (headless and non-headless cannot be switched)');
          if (
            requested &&
            requested !== 'None' &&
            existing.spec.clusterIP &&
            requested !== existing.spec.clusterIP
          )
            fail('spec.clusterIP', `field is immutable (is ${existing.spec.clusterIP})`);
        }
        if (requested && requested !== 'None' && object.spec.type !== 'ExternalName') {
          const requestedIp = tryParseIpv4(requested);
          if (requestedIp === undefined || !cidrContains(parseCidr(this.serviceCidr), requestedIp))
            fail('spec.clusterIP', `${requested} is not in the service range ${this.serviceCidr}`);
          const owner = claimedIps.get(requested);
          const taken =
            (owner !== undefined && owner !== id) ||
            (this.clusterIps.isUsed(requested) && existing?.spec.clusterIP !== requested);
          if (taken) fail('spec.clusterIP', `${requested} is already allocated`);
          claimedIps.set(requested, id);
        }
      }
    }
  }

  // ---- per-kind create or replace -------------------------------------------------------------

  private applyOne(object: ManifestObject): AppliedObject {
    switch (object.kind) {
      case 'Namespace':
        return this.applyNamespace(object);
      case 'Node':
        return this.applyNode(object);
      case 'Pod':
        return this.applyPod(object);
      case 'Deployment':
        return this.applyDeployment(object);
      case 'Service':
        return this.applyService(object);
      case 'Endpoints':
        return this.applyEndpoints(object);
    }
  }

  private newMeta(
    name: string,
    namespace: string | undefined,
    input: ManifestObject['metadata'],
  ): ObjectMeta {
    return {
      name,
      ...(namespace !== undefined ? { namespace } : {}),
      uid: this.ids(),
      resourceVersion: '0',
      creationTimestamp: new Date(this.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      ...(input.labels ? { labels: { ...input.labels } } : {}),
      ...(input.annotations ? { annotations: { ...input.annotations } } : {}),
    };
  }

  /** The existing metadata with the manifest's labels and annotations, or fresh metadata. */
  private metaFor(
    existing: KubeObject | undefined,
    input: ManifestObject['metadata'],
    namespace?: string,
  ): ObjectMeta {
    if (!existing) return this.newMeta(input.name, namespace, input);
    const { labels: _l, annotations: _a, ...rest } = existing.metadata;
    return {
      ...rest,
      ...(input.labels ? { labels: { ...input.labels } } : {}),
      ...(input.annotations ? { annotations: { ...input.annotations } } : {}),
    };
  }

  /**
   * Stores `next` unless it equals `existing` in every field a manifest can set: the labels and
   * annotations, and the kind's own `fields`.
   */
  private putIfChanged<T extends KubeObject>(
    existing: T | undefined,
    next: T,
    fields: (o: T) => unknown[],
  ): AppliedObject {
    const compare = (o: T) => [o.metadata.labels, o.metadata.annotations, ...fields(o)];
    const result: AppliedObject = {
      kind: next.kind,
      ...(next.metadata.namespace !== undefined ? { namespace: next.metadata.namespace } : {}),
      name: next.metadata.name,
      action: existing ? 'configured' : 'created',
    };
    if (existing && sameJson(compare(existing), compare(next))) return { ...result, action: 'unchanged' };
    this.putObject(next);
    return result;
  }

  private applyNamespace(input: NamespaceInput): AppliedObject {
    const existing = this.get('Namespace', undefined, input.metadata.name);
    const next: Namespace = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: this.metaFor(existing, input.metadata),
      spec: {},
      status: { phase: 'Active' },
    };
    return this.putIfChanged(existing, next, () => []);
  }

  private applyNode(input: NodeInput): AppliedObject {
    const existing = this.get('Node', undefined, input.metadata.name);
    const next: Node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: this.metaFor(existing, input.metadata),
      spec: { ...input.spec },
      status: { addresses: input.status.addresses, conditions: [{ type: 'Ready', status: 'True' }] },
    };
    const result = this.putIfChanged(existing, next, (o) => [o.spec, o.status.addresses]);
    this.schedulePending();
    return result;
  }

  private applyPod(input: PodInput): AppliedObject {
    const namespace = input.metadata.namespace ?? 'default';
    const existing = this.get('Pod', namespace, input.metadata.name);
    const readyCondition = input.status?.conditions?.find((c) => c.type === 'Ready');
    if (existing) {
      const next: Pod = {
        ...existing,
        metadata: this.metaFor(existing, input.metadata, namespace),
        spec: { ...input.spec, ...(existing.spec.nodeName ? { nodeName: existing.spec.nodeName } : {}) },
      };
      const result = this.putIfChanged(existing, next, (o) => [o.spec]);
      if (result.action === 'configured') this.afterPodChange(existing, next);
      if (readyCondition && next.status.podIP)
        this.setPodReadiness(namespace, input.metadata.name, readyCondition.status === 'True');
      return result;
    }
    const pod = this.createPod(
      this.newMeta(input.metadata.name, namespace, input.metadata),
      input.spec,
      readyCondition?.status !== 'False',
    );
    return { kind: 'Pod', namespace, name: pod.metadata.name, action: 'created' };
  }

  private applyDeployment(input: DeploymentInput): AppliedObject {
    const namespace = input.metadata.namespace ?? 'default';
    const existing = this.get('Deployment', namespace, input.metadata.name);
    const next: Deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: this.metaFor(existing, input.metadata, namespace),
      spec: {
        replicas: input.spec.replicas,
        selector: { matchLabels: { ...input.spec.selector.matchLabels } },
        template: {
          metadata: { labels: { ...input.spec.template.metadata.labels } },
          spec: input.spec.template.spec,
        },
      },
      status: existing?.status ?? { replicas: 0, readyReplicas: 0 },
    };
    const result = this.putIfChanged(existing, next, (o) => [o.spec]);
    this.syncDeployment(keyOf(namespace, input.metadata.name));
    return result;
  }

  private applyService(input: ServiceInput): AppliedObject {
    const namespace = input.metadata.namespace ?? 'default';
    const existing = this.get('Service', namespace, input.metadata.name);
    const spec = input.spec;
    const type = spec.type;
    let clusterIP: string | undefined;
    if (type === 'ExternalName') clusterIP = undefined;
    else if (spec.clusterIP === 'None') clusterIP = 'None';
    else if (spec.clusterIP) clusterIP = spec.clusterIP;
    else if (existing?.spec.clusterIP && existing.spec.clusterIP !== 'None')
      clusterIP = existing.spec.clusterIP;
    else clusterIP = undefined; // allocated below, once we know the apply goes ahead
    const previousIp = existing?.spec.clusterIP;
    if (clusterIP === undefined && type !== 'ExternalName') clusterIP = this.clusterIps.allocate();
    else if (clusterIP !== undefined && clusterIP !== 'None' && clusterIP !== previousIp)
      this.clusterIps.reserve(clusterIP);
    if (previousIp && previousIp !== 'None' && previousIp !== clusterIP) this.clusterIps.release(previousIp);

    const ports = spec.ports.map((p) => {
      const needsNodePort = type === 'NodePort' || type === 'LoadBalancer';
      const previous = existing?.spec.ports.find(
        (q) => q.port === p.port && q.protocol === p.protocol,
      )?.nodePort;
      const nodePort = needsNodePort ? (p.nodePort ?? previous ?? this.allocateNodePort()) : undefined;
      if (nodePort !== undefined) this.nodePorts.add(nodePort);
      return {
        ...(p.name ? { name: p.name } : {}),
        protocol: p.protocol,
        port: p.port,
        targetPort: p.targetPort ?? p.port,
        ...(nodePort !== undefined ? { nodePort } : {}),
      };
    });
    const keepIngress = type === 'LoadBalancer' && existing?.spec.type === 'LoadBalancer';
    const next: Service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: this.metaFor(existing, input.metadata, namespace),
      spec: {
        type,
        ...(clusterIP !== undefined ? { clusterIP, clusterIPs: [clusterIP] } : {}),
        ...(spec.selector ? { selector: { ...spec.selector } } : {}),
        ports: type === 'ExternalName' ? [] : ports,
        ...(spec.externalName !== undefined && type === 'ExternalName'
          ? { externalName: spec.externalName }
          : {}),
        ...(spec.externalIPs ? { externalIPs: [...spec.externalIPs] } : {}),
        ...(spec.loadBalancerIP ? { loadBalancerIP: spec.loadBalancerIP } : {}),
      },
      // The service controller clears a load balancer's status once the type is no longer LoadBalancer.
      status: keepIngress ? existing.status : { loadBalancer: {} },
    };
    const key = keyOf(namespace, input.metadata.name);
    if (existing) this.unindexService(existing);
    const result = this.putIfChanged(existing, next, (o) => [o.spec, o.status]);
    this.indexService(this.require('Service', namespace, input.metadata.name));
    this.syncEndpoints(key);
    return result;
  }

  private allocateNodePort(): number {
    for (let i = 0; i <= 2767; i++) {
      const candidate = this.nextNodePort;
      this.nextNodePort = candidate === 32767 ? 30000 : candidate + 1;
      if (!this.nodePorts.has(candidate)) return candidate;
    }
    throw new InvalidRequest('no free nodePort left in 30000-32767');
  }

  private applyEndpoints(input: EndpointsInput): AppliedObject {
    const namespace = input.metadata.namespace ?? 'default';
    const existing = this.get('Endpoints', namespace, input.metadata.name);
    const next: Endpoints = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: this.metaFor(existing, input.metadata, namespace),
      subsets: input.subsets.map((s) => ({
        ...(s.addresses ? { addresses: s.addresses } : {}),
        ...(s.notReadyAddresses ? { notReadyAddresses: s.notReadyAddresses } : {}),
        ...(s.ports ? { ports: s.ports } : {}),
      })),
    };
    const key = keyOf(namespace, input.metadata.name);
    this.managedEndpoints.delete(key);
    const result = this.putIfChanged(existing, next, (o) => [o.subsets]);
    // For a Service with a selector the controller owns the Endpoints and puts its own view back.
    this.syncEndpoints(key);
    return result;
  }

  // ---- storage and events ---------------------------------------------------------------------

  private putObject(object: KubeObject): void {
    const map = this.objects.get(object.kind)!;
    const key = keyOf(object.metadata.namespace, object.metadata.name);
    const existed = map.has(key);
    const stored = {
      ...object,
      metadata: { ...object.metadata, resourceVersion: String(++this.resourceVersion) },
    } as KubeObject;
    map.set(key, stored);
    if (stored.kind === 'Pod') this.podsByUid.set(stored.metadata.uid, stored);
    this.emit({ type: existed ? 'MODIFIED' : 'ADDED', object: stored });
  }

  private removeObject(object: KubeObject): void {
    const map = this.objects.get(object.kind)!;
    const key = keyOf(object.metadata.namespace, object.metadata.name);
    const stored = map.get(key);
    if (!stored) return;
    map.delete(key);
    if (stored.kind === 'Pod') this.podsByUid.delete(stored.metadata.uid);
    this.emit({ type: 'DELETED', object: stored });
  }

  // ---- pods and the scheduler -----------------------------------------------------------------

  private createPod(meta: ObjectMeta, spec: PodSpec, ready: boolean): Pod {
    const namespace = meta.namespace!;
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: meta,
      spec: { ...spec },
      status: {
        phase: 'Pending',
        conditions: [
          { type: 'PodScheduled', status: 'False' },
          { type: 'Ready', status: 'False' },
        ],
      },
    };
    const scheduled = this.schedule(pod, ready);
    const key = keyOf(namespace, meta.name);
    for (const [k, v] of Object.entries(meta.labels ?? {}))
      addToIndex(this.podsByLabel, labelKey(namespace, k, v), key);
    const owner = meta.ownerReferences?.[0];
    if (owner) addToIndex(this.podsByDeployment, keyOf(namespace, owner.name.replace(/-[^-]+$/, '')), key);
    if (scheduled.spec.nodeName) addToIndex(this.podsByNode, scheduled.spec.nodeName, key);
    this.putObject(scheduled);
    this.syncEndpointsForPod(undefined, scheduled);
    return scheduled;
  }

  /** Binds a pod to a node (its own nodeName, or the compute node with the fewest pods) and gives it an IP. */
  private schedule(pod: Pod, ready: boolean): Pod {
    let nodeName = pod.spec.nodeName;
    if (!nodeName) {
      let best: { name: string; load: number } | undefined;
      for (const node of this.objects.get('Node')!.values() as IterableIterator<Node>) {
        if (!isComputeNode(node) || node.spec.unschedulable) continue;
        const load = this.podsByNode.get(node.metadata.name)?.size ?? 0;
        if (!best || load < best.load || (load === best.load && node.metadata.name < best.name))
          best = { name: node.metadata.name, load };
      }
      nodeName = best?.name;
    }
    const node = nodeName ? this.get('Node', undefined, nodeName) : undefined;
    if (!nodeName || !node) return pod;
    const ip = this.podIps.allocate();
    return {
      ...pod,
      spec: { ...pod.spec, nodeName },
      status: {
        phase: 'Running',
        podIP: ip,
        podIPs: [{ ip }],
        ...(internalIp(node) ? { hostIP: internalIp(node)! } : {}),
        conditions: [
          { type: 'PodScheduled', status: 'True' },
          { type: 'Ready', status: ready ? 'True' : 'False' },
        ],
      },
    };
  }

  private schedulePending(): void {
    // A copy: scheduling writes pods back into the map being walked.
    for (const pod of Array.from(this.objects.get('Pod')!.values() as IterableIterator<Pod>)) {
      if (pod.spec.nodeName && pod.status.podIP) continue;
      const scheduled = this.schedule(pod, true);
      if (!scheduled.spec.nodeName) continue;
      addToIndex(this.podsByNode, scheduled.spec.nodeName, keyOf(pod.metadata.namespace, pod.metadata.name));
      this.putObject(scheduled);
      this.afterPodChange(pod, scheduled);
    }
  }

  private deletePod(pod: Pod, recreate: boolean): void {
    const namespace = pod.metadata.namespace!;
    const key = keyOf(namespace, pod.metadata.name);
    for (const [k, v] of Object.entries(pod.metadata.labels ?? {}))
      removeFromIndex(this.podsByLabel, labelKey(namespace, k, v), key);
    if (pod.spec.nodeName) removeFromIndex(this.podsByNode, pod.spec.nodeName, key);
    const owner = pod.metadata.ownerReferences?.[0];
    const deploymentKey = owner ? keyOf(namespace, owner.name.replace(/-[^-]+$/, '')) : undefined;
    if (deploymentKey) removeFromIndex(this.podsByDeployment, deploymentKey, key);
    if (pod.status.podIP) this.podIps.release(pod.status.podIP);
    this.removeObject(pod);
    this.syncEndpointsForPod(pod, undefined);
    // A ReplicaSet replaces a deleted pod with a new one (new name, uid and IP).
    if (recreate && deploymentKey) this.syncDeployment(deploymentKey);
  }

  private afterPodChange(previous: Pod, next: Pod): void {
    const namespace = next.metadata.namespace!;
    const key = keyOf(namespace, next.metadata.name);
    if (!sameJson(previous.metadata.labels, next.metadata.labels)) {
      for (const [k, v] of Object.entries(previous.metadata.labels ?? {}))
        removeFromIndex(this.podsByLabel, labelKey(namespace, k, v), key);
      for (const [k, v] of Object.entries(next.metadata.labels ?? {}))
        addToIndex(this.podsByLabel, labelKey(namespace, k, v), key);
    }
    this.syncEndpointsForPod(previous, next);
    const owner = next.metadata.ownerReferences?.[0];
    if (owner) this.updateDeploymentStatus(keyOf(namespace, owner.name.replace(/-[^-]+$/, '')));
  }

  // ---- deployment controller ------------------------------------------------------------------

  private syncDeployment(key: string): void {
    const deployment = this.objects.get('Deployment')!.get(key) as Deployment | undefined;
    if (!deployment) return;
    const namespace = deployment.metadata.namespace!;
    const hash = encodeSuffix(fnv1a(JSON.stringify(deployment.spec.template)), 10).slice(0, 10);
    const replicaSet = `${deployment.metadata.name}-${hash}`;
    const podMap = this.objects.get('Pod')!;
    const owned = [...(this.podsByDeployment.get(key) ?? [])].map((k) => podMap.get(k) as Pod);
    // A changed template replaces every pod of the old ReplicaSet (a Recreate rollout).
    for (const pod of owned)
      if (pod.metadata.ownerReferences?.[0]?.name !== replicaSet) this.deletePod(pod, false);
    const current = owned.filter((pod) => pod.metadata.ownerReferences?.[0]?.name === replicaSet);
    // Scale down: not-ready pods go first, then the newest, as ReplicaSets prefer.
    const victims = [...current].sort(
      (a, b) =>
        Number(isPodReady(a)) - Number(isPodReady(b)) ||
        Number(b.metadata.resourceVersion) - Number(a.metadata.resourceVersion),
    );
    for (let i = 0; i < current.length - deployment.spec.replicas; i++) this.deletePod(victims[i]!, false);
    for (let i = current.length; i < deployment.spec.replicas; i++) {
      const uid = this.ids();
      let name: string;
      let attempt = 0;
      do name = `${replicaSet}-${encodeSuffix(fnv1a(`${uid}/${attempt++}`), 5)}`;
      while (podMap.has(keyOf(namespace, name)));
      this.createPod(
        {
          name,
          namespace,
          uid,
          resourceVersion: '0',
          creationTimestamp: new Date(this.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          labels: { ...deployment.spec.template.metadata.labels, 'pod-template-hash': hash },
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'ReplicaSet',
              name: replicaSet,
              uid: uuidV5(UID_NAMESPACE, `${deployment.metadata.uid}/${hash}`),
              controller: true,
            },
          ],
        },
        deployment.spec.template.spec,
        true,
      );
    }
    this.updateDeploymentStatus(key);
  }

  private updateDeploymentStatus(key: string): void {
    const deployment = this.objects.get('Deployment')!.get(key) as Deployment | undefined;
    if (!deployment) return;
    const pods = [...(this.podsByDeployment.get(key) ?? [])].map(
      (k) => this.objects.get('Pod')!.get(k) as Pod,
    );
    const status = { replicas: pods.length, readyReplicas: pods.filter(isPodReady).length };
    if (!sameJson(status, deployment.status)) this.putObject({ ...deployment, status });
  }

  private deleteDeployment(deployment: Deployment): void {
    const key = keyOf(deployment.metadata.namespace, deployment.metadata.name);
    this.removeObject(deployment);
    const podMap = this.objects.get('Pod')!;
    for (const podKey of Array.from(this.podsByDeployment.get(key) ?? []))
      this.deletePod(podMap.get(podKey) as Pod, false);
  }

  // ---- endpoints controller -------------------------------------------------------------------

  private managesEndpoints(service: Service): boolean {
    return service.spec.type !== 'ExternalName' && Object.keys(service.spec.selector ?? {}).length > 0;
  }

  private selectorIndexKey(service: Service): string {
    const [first] = Object.entries(service.spec.selector!).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return labelKey(service.metadata.namespace!, first![0], first![1]);
  }

  private indexService(service: Service): void {
    if (this.managesEndpoints(service))
      addToIndex(
        this.servicesBySelector,
        this.selectorIndexKey(service),
        keyOf(service.metadata.namespace, service.metadata.name),
      );
  }

  private unindexService(service: Service): void {
    if (this.managesEndpoints(service))
      removeFromIndex(
        this.servicesBySelector,
        this.selectorIndexKey(service),
        keyOf(service.metadata.namespace, service.metadata.name),
      );
  }

  /** Re-syncs the Endpoints of every Service whose selector matched the pod before or after. */
  private syncEndpointsForPod(previous: Pod | undefined, next: Pod | undefined): void {
    const services = new Set<string>();
    for (const pod of [previous, next]) {
      if (!pod) continue;
      const namespace = pod.metadata.namespace!;
      for (const [k, v] of Object.entries(pod.metadata.labels ?? {}))
        for (const svcKey of this.servicesBySelector.get(labelKey(namespace, k, v)) ?? [])
          services.add(svcKey);
    }
    for (const svcKey of services) this.syncEndpoints(svcKey);
  }

  private selectPods(service: Service): Pod[] {
    const namespace = service.metadata.namespace!;
    const selector = service.spec.selector!;
    let smallest: Set<string> | undefined;
    for (const [k, v] of Object.entries(selector)) {
      const set = this.podsByLabel.get(labelKey(namespace, k, v));
      if (!set) return [];
      if (!smallest || set.size < smallest.size) smallest = set;
    }
    const podMap = this.objects.get('Pod')!;
    const out: Pod[] = [];
    for (const key of smallest ?? []) {
      const pod = podMap.get(key) as Pod;
      if (matchesSelector(pod.metadata.labels, selector)) out.push(pod);
    }
    return out;
  }

  private syncEndpoints(key: string): void {
    const service = this.objects.get('Service')!.get(key) as Service | undefined;
    const existing = this.objects.get('Endpoints')!.get(key) as Endpoints | undefined;
    if (!service || !this.managesEndpoints(service)) {
      if (existing && this.managedEndpoints.has(key)) {
        this.managedEndpoints.delete(key);
        this.removeObject(existing);
      }
      return;
    }
    const subsets = computeEndpointSubsets(service, this.selectPods(service));
    this.managedEndpoints.add(key);
    if (existing && sameJson(existing.subsets, subsets)) return;
    const namespace = service.metadata.namespace!;
    const name = service.metadata.name;
    this.putObject({
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: existing
        ? existing.metadata
        : this.newMeta(name, namespace, {
            name,
            ...(service.metadata.labels ? { labels: service.metadata.labels } : {}),
          }),
      subsets,
    });
  }

  private deleteService(service: Service): void {
    const key = keyOf(service.metadata.namespace, service.metadata.name);
    this.unindexService(service);
    if (service.spec.clusterIP && service.spec.clusterIP !== 'None')
      this.clusterIps.release(service.spec.clusterIP);
    for (const port of service.spec.ports)
      if (port.nodePort !== undefined) this.nodePorts.delete(port.nodePort);
    this.removeObject(service);
    this.syncEndpoints(key);
  }

  // ---- namespaces and nodes -------------------------------------------------------------------

  private deleteNamespace(namespace: Namespace): void {
    const name = namespace.metadata.name;
    for (const d of this.list('Deployment', name)) this.deleteDeployment(d);
    for (const p of this.list('Pod', name)) this.deletePod(p, false);
    for (const s of this.list('Service', name)) this.deleteService(s);
    for (const e of this.list('Endpoints', name)) {
      this.managedEndpoints.delete(keyOf(name, e.metadata.name));
      this.removeObject(e);
    }
    this.removeObject(namespace);
  }

  private deleteNode(node: Node): void {
    this.removeObject(node);
    // Pods on a removed node are gone; their Deployments reschedule replacements elsewhere.
    for (const pod of this.podsOnNode(node.metadata.name)) this.deletePod(pod, true);
  }
}
