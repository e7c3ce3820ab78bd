// The cluster's object store: one typed table per kind, keyed `namespace/name` (or `name`), a
// global resourceVersion counter (as etcd's revision), and a change feed whose events carry the
// resourceVersion of the change, with a bounded history window for watches that resume. Knows
// nothing of controllers or HTTP. Everything in it is rebuilt from `snapshot()` by `restore()`.

import {
  KINDS,
  NAMESPACED,
  type ClusterEvent,
  type Kind,
  type KubeObject,
  type ObjectOf,
} from '@model/kubernetes/types.ts';

/** A change as watches see it: the object after the change, stamped with the change's version. */
export interface WatchEvent extends ClusterEvent {
  readonly resourceVersion: number;
}

/** `previous` is the object as it was before a MODIFIED or DELETED change (for indexes). */
export type StoreListener = (event: WatchEvent, previous: KubeObject | undefined) => void;

/** What a later persistence layer saves and loads: the objects and the counter. */
export interface StoreSnapshot {
  readonly resourceVersion: number;
  readonly objects: readonly KubeObject[];
}

type Tables = { [K in Kind]: Map<string, ObjectOf<K>> };

export const objectKey = (namespace: string | undefined, name: string) =>
  namespace === undefined ? name : `${namespace}/${name}`;
export const keyOfObject = (o: KubeObject) => objectKey(o.metadata.namespace, o.metadata.name);

export interface ObjectStoreOptions {
  /** Changes kept for watches that resume from a resourceVersion; older ones get 410 Gone. */
  historyLimit?: number;
}

export class ObjectStore {
  private readonly tables: Tables = {
    Namespace: new Map(),
    Node: new Map(),
    Pod: new Map(),
    Deployment: new Map(),
    ReplicaSet: new Map(),
    Service: new Map(),
    Endpoints: new Map(),
    EndpointSlice: new Map(),
    Event: new Map(),
  };
  private rv = 0;
  private readonly listeners = new Set<StoreListener>();
  /** Ring buffer of the last `historyLimit` changes. */
  private readonly history: WatchEvent[] = [];
  private historyHead = 0;
  private readonly historyLimit: number;
  /** resourceVersion of the oldest change a watch can still resume after. */
  private oldestResumable = 0;

  constructor(opts: ObjectStoreOptions = {}) {
    this.historyLimit = Math.max(1, opts.historyLimit ?? 50_000);
  }

  /** A store holding a saved state: the same objects, versions and counter. */
  static restore(snapshot: StoreSnapshot, opts: ObjectStoreOptions = {}): ObjectStore {
    const store = new ObjectStore(opts);
    for (const object of snapshot.objects) store.insert(object);
    store.rv = snapshot.resourceVersion;
    store.oldestResumable = snapshot.resourceVersion;
    return store;
  }

  snapshot(): StoreSnapshot {
    const objects: KubeObject[] = [];
    for (const kind of KINDS) for (const o of this.table(kind).values()) objects.push(o);
    return { resourceVersion: this.rv, objects };
  }

  get resourceVersion(): number {
    return this.rv;
  }

  private table<K extends Kind>(kind: K): Tables[K] {
    return this.tables[kind];
  }

  private insert<K extends Kind>(object: ObjectOf<K>): void {
    const table: Map<string, ObjectOf<K>> = this.table<K>(object.kind);
    table.set(keyOfObject(object), object);
  }

  get<K extends Kind>(kind: K, namespace: string | undefined, name: string): ObjectOf<K> | undefined {
    return this.table(kind).get(objectKey(NAMESPACED[kind] ? namespace : undefined, name));
  }

  getByKey<K extends Kind>(kind: K, key: string): ObjectOf<K> | undefined {
    return this.table(kind).get(key);
  }

  /** Objects of a kind in insertion order, without copying. */
  values<K extends Kind>(kind: K): IterableIterator<ObjectOf<K>> {
    return this.table(kind).values();
  }

  count(kind: Kind): number {
    return this.table(kind).size;
  }

  /** Stores the object under a new resourceVersion and tells the listeners. */
  put<K extends Kind>(object: ObjectOf<K>): ObjectOf<K> {
    const table: Map<string, ObjectOf<K>> = this.table<K>(object.kind);
    const key = keyOfObject(object);
    const previous = table.get(key);
    const rv = ++this.rv;
    const stored: ObjectOf<K> = {
      ...object,
      metadata: { ...object.metadata, resourceVersion: String(rv) },
    };
    table.set(key, stored);
    this.record({ type: previous ? 'MODIFIED' : 'ADDED', object: stored, resourceVersion: rv }, previous);
    return stored;
  }

  /** Removes the object; the DELETED event carries the deletion's resourceVersion. */
  remove<K extends Kind>(kind: K, namespace: string | undefined, name: string): ObjectOf<K> | undefined {
    const table: Map<string, ObjectOf<K>> = this.table(kind);
    const key = objectKey(NAMESPACED[kind] ? namespace : undefined, name);
    const current = table.get(key);
    if (!current) return undefined;
    table.delete(key);
    const rv = ++this.rv;
    const gone: ObjectOf<K> = { ...current, metadata: { ...current.metadata, resourceVersion: String(rv) } };
    this.record({ type: 'DELETED', object: gone, resourceVersion: rv }, current);
    return gone;
  }

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The changes after `since`, oldest first, or undefined when some of them have already left
   * the window (the caller answers 410 Gone and the client relists).
   */
  eventsSince(since: number): WatchEvent[] | undefined {
    if (since >= this.rv) return [];
    if (since < this.oldestResumable) return undefined;
    const size = this.history.length;
    const out: WatchEvent[] = [];
    // Walk back from the newest until the first change not after `since`.
    for (let i = 0; i < size; i++) {
      const event = this.history[(this.historyHead - 1 - i + size) % size]!;
      if (event.resourceVersion <= since) break;
      out.push(event);
    }
    return out.reverse();
  }

  /** The oldest resourceVersion a watch may resume from. */
  get oldestResourceVersion(): number {
    return this.oldestResumable;
  }

  private record(event: WatchEvent, previous: KubeObject | undefined): void {
    if (this.history.length < this.historyLimit) {
      this.history.push(event);
      this.historyHead = this.history.length % this.historyLimit;
    } else {
      const evicted = this.history[this.historyHead]!;
      this.history[this.historyHead] = event;
      this.historyHead = (this.historyHead + 1) % this.historyLimit;
      this.oldestResumable = evicted.resourceVersion;
    }
    for (const listener of this.listeners) listener(event, previous);
  }
}
