// kube-manager's view of Kubernetes: one informer per kind it reads (Namespace, Node, Pod,
// Service, Endpoints) over a KubeClient, and the lookups its planning needs (by key, pod by uid,
// pods by node), kept in step with the informers' caches. Knows nothing of the cluster model.

import { RESOURCE_BY_KIND } from '@model/kubernetes/resources.ts';
import type { Endpoints, KubeObject, Namespace, Node, Pod, Service } from '@model/kubernetes/types.ts';
import { Informer, type ChangeType, type InformerOptions, type InformerStats } from './informer.ts';
import type { KubeClient } from './kube-client.ts';

type Watched = { Namespace: Namespace; Node: Node; Pod: Pod; Service: Service; Endpoints: Endpoints };
type WatchedKind = keyof Watched;

export type ViewListener = (type: ChangeType, object: KubeObject) => void;

const keyOf = (namespace: string | undefined, name: string) =>
  namespace === undefined ? name : `${namespace}/${name}`;

export class ClusterView {
  private readonly informers: { [K in WatchedKind]: Informer<Watched[K]> };
  private readonly podsByUid = new Map<string, Pod>();
  private readonly podsByNode = new Map<string, Set<string>>();

  constructor(
    readonly client: KubeClient,
    private readonly listener: ViewListener,
    opts: InformerOptions = {},
  ) {
    const make = <K extends WatchedKind>(kind: K) =>
      new Informer<Watched[K]>(
        client,
        RESOURCE_BY_KIND.get(kind)!,
        (type, obj) => this.onChange(type, obj),
        opts,
      );
    this.informers = {
      Namespace: make('Namespace'),
      Node: make('Node'),
      Pod: make('Pod'),
      Service: make('Service'),
      Endpoints: make('Endpoints'),
    };
  }

  private onChange(type: ChangeType, obj: KubeObject): void {
    if (obj.kind === 'Pod') {
      const previous = this.podsByUid.get(obj.metadata.uid);
      if (previous?.spec.nodeName) this.podsByNode.get(previous.spec.nodeName)?.delete(obj.metadata.uid);
      if (type === 'DELETED') this.podsByUid.delete(obj.metadata.uid);
      else {
        this.podsByUid.set(obj.metadata.uid, obj);
        if (obj.spec.nodeName) {
          let set = this.podsByNode.get(obj.spec.nodeName);
          if (!set) this.podsByNode.set(obj.spec.nodeName, (set = new Set()));
          set.add(obj.metadata.uid);
        }
      }
    }
    this.listener(type, obj);
  }

  start(): void {
    for (const informer of Object.values(this.informers)) informer.start();
  }

  stop(): void {
    for (const informer of Object.values(this.informers)) informer.stop();
  }

  /** Resolves once every informer has listed once. */
  async synced(): Promise<void> {
    await Promise.all(Object.values(this.informers).map((i) => i.synced));
  }

  get<K extends WatchedKind>(kind: K, namespace: string | undefined, name: string): Watched[K] | undefined {
    return this.informers[kind].cache.get(
      keyOf(kind === 'Namespace' || kind === 'Node' ? undefined : namespace, name),
    );
  }

  values<K extends WatchedKind>(kind: K): IterableIterator<Watched[K]> {
    return this.informers[kind].cache.values();
  }

  podByUid(uid: string): Pod | undefined {
    return this.podsByUid.get(uid);
  }

  podsOnNode(node: string): Pod[] {
    const out: Pod[] = [];
    for (const uid of this.podsByNode.get(node) ?? []) {
      const pod = this.podsByUid.get(uid);
      if (pod) out.push(pod);
    }
    return out;
  }

  /** Counters of one kind's informer. */
  stats(kind: WatchedKind): InformerStats {
    return { ...this.informers[kind].stats };
  }
}
