// The embedded config database: Contrail objects indexed by uuid, fq_name, parent and reference
// target, and a typed change feed. Writes go through write-rules.ts (Contrail's checks) and
// addresses.ts (the API server's allocators); lists through list-selection.ts. No HTTP here, and
// no operation walks every object except the unanchored per-type list (kept sorted, cached).

import { SCHEMA, type ObjectType } from '@model/contrail/schema.ts';
import { systemClock, type Clock } from '@server/clock.ts';
import { randomIds, type IdSource } from '@server/ids.ts';
import { AddressManager } from './addresses.ts';
import { NotFound, PreconditionFailed } from './errors.ts';
import { listKey, selectList, type ListQuery, type ListResult, type PageRequest } from './list-selection.ts';
import { applyCollectionUpdates } from './prop-collection.ts';
import { SortedIndex } from './sorted-index.ts';
import type { ChangeEvent, ChangeListener, ObjectBody, StoreView, StoredObject } from './stored-object.ts';
import {
  checkDelete,
  chmodPerms2,
  prepareCreate,
  prepareUpdate,
  refUpdateBody,
  sameValue,
  type RuleContext,
} from './write-rules.ts';

export type { ChangeEvent, ChangeListener, ObjectBody, StoredObject } from './stored-object.ts';
export type { ListQuery, ListResult, PageRequest } from './list-selection.ts';

interface BackRefBucket {
  /** source uuid → link attr. */
  readonly sources: Map<string, unknown>;
  /** Source uuids sorted, rebuilt lazily after a change. */
  sorted: string[] | null;
}

function sortedSources(bucket: BackRefBucket): string[] {
  bucket.sorted ??= [...bucket.sources.keys()].sort();
  return bucket.sorted;
}

/** `2026-01-01T12:00:00.000003` → microseconds since the epoch. */
function stampMicros(stamp: string): number {
  const ms = Date.parse(`${stamp.slice(0, 19)}Z`);
  return Number.isNaN(ms) ? 0 : ms * 1000 + Number(stamp.slice(20, 26) || 0);
}

/** The indexes of one object type: one lookup by type reaches all of them. */
interface TypeIndex {
  /** uuid → object, in insertion order. */
  readonly objects: Map<string, StoredObject>;
  /** fq_name joined by ':' → uuid. */
  readonly byFq: Map<string, string>;
  readonly sorted: SortedIndex;
}

export class ConfigStore implements StoreView {
  private readonly byUuid = new Map<string, StoredObject>();
  private readonly types = new Map<ObjectType, TypeIndex>();
  /** parent uuid → child type → child uuids, in creation order. */
  private readonly childIndex = new Map<string, Map<ObjectType, Set<string>>>();
  /** target uuid → referring type → referring objects. */
  private readonly backRefIndex = new Map<string, Map<ObjectType, BackRefBucket>>();
  private readonly listeners = new Set<ChangeListener>();
  private readonly pending: ChangeEvent[] = [];
  private readonly addresses: AddressManager;
  private readonly rules: RuleContext;
  private delivering = false;
  private lastMicros = 0;
  private stampSecond = -1;
  private stampPrefix = '';
  private seq = 0;

  constructor(
    private readonly clock: Clock = systemClock,
    newId: IdSource = randomIds,
  ) {
    for (const type of Object.keys(SCHEMA) as ObjectType[]) {
      const objects = new Map<string, StoredObject>();
      const sorted = new SortedIndex(function* () {
        for (const obj of objects.values()) yield [listKey(obj), obj.uuid] as const;
      });
      this.types.set(type, { objects, byFq: new Map(), sorted });
    }
    this.addresses = new AddressManager(this);
    this.rules = {
      view: this,
      addresses: this.addresses,
      newId,
      timestamp: () => this.timestamp(),
      nextSeq: () => ++this.seq,
    };
  }

  // ---- change feed -------------------------------------------------------------------------

  /**
   * Listeners see every committed change, in commit order, after the write is complete. A
   * listener may write to the store; its changes are delivered after the current event.
   */
  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: ChangeEvent): void {
    this.pending.push(event);
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (let i = 0; i < this.pending.length; i++) {
        const next = this.pending[i]!;
        for (const listener of this.listeners) {
          try {
            listener(next);
          } catch (err) {
            // A failing consumer must not undo or half-deliver a committed write.
            console.error('config store listener failed', err);
          }
        }
      }
    } finally {
      this.pending.length = 0;
      this.delivering = false;
    }
  }

  // ---- reads --------------------------------------------------------------------------------

  get size(): number {
    return this.byUuid.size;
  }

  get(uuid: string): StoredObject | undefined {
    return this.byUuid.get(uuid);
  }

  /** The object of `type` with `uuid`, or the API server's GET 404 for a missing or wrong-typed id. */
  read(type: ObjectType, uuid: string): StoredObject {
    const obj = this.byUuid.get(uuid);
    if (!obj) throw new NotFound(`Unknown id: ${uuid}`);
    if (obj.type !== type) throw new NotFound(`No ${type} object found for id ${uuid}`);
    return obj;
  }

  uuidOf(type: ObjectType, fqName: readonly string[]): string | undefined {
    return this.types.get(type)!.byFq.get(fqName.join(':'));
  }

  byFqName(type: ObjectType, fqName: readonly string[]): StoredObject | undefined {
    const uuid = this.uuidOf(type, fqName);
    return uuid === undefined ? undefined : this.byUuid.get(uuid);
  }

  count(type: ObjectType): number {
    return this.types.get(type)!.objects.size;
  }

  /** Every object of a type, in insertion order (for in-process consumers). */
  all(type: ObjectType): IterableIterator<StoredObject> {
    return this.types.get(type)!.objects.values();
  }

  children(parentUuid: string, childType: ObjectType): StoredObject[] {
    const uuids = this.childIndex.get(parentUuid)?.get(childType);
    if (!uuids) return [];
    const out: StoredObject[] = [];
    for (const uuid of uuids) out.push(this.byUuid.get(uuid)!);
    return out;
  }

  childUuids(parentUuid: string, childType: ObjectType): ReadonlySet<string> | undefined {
    return this.childIndex.get(parentUuid)?.get(childType);
  }

  backRefs(targetUuid: string, sourceType: ObjectType): { object: StoredObject; attr: unknown }[] {
    const bucket = this.backRefIndex.get(targetUuid)?.get(sourceType);
    if (!bucket) return [];
    return sortedSources(bucket).map((uuid) => ({
      object: this.byUuid.get(uuid)!,
      attr: bucket.sources.get(uuid),
    }));
  }

  *referrers(targetUuid: string): Iterable<[ObjectType, readonly string[]]> {
    const byType = this.backRefIndex.get(targetUuid);
    if (!byType) return;
    for (const [sourceType, bucket] of byType)
      if (bucket.sources.size > 0) yield [sourceType, sortedSources(bucket)];
  }

  /** The `GET /<type>s` selection (all pages), see `query`. */
  list(type: ObjectType, query: ListQuery = {}): StoredObject[] {
    return [...this.query(type, query).objects];
  }

  /** How many objects `list` would return, without materialising an unfiltered full list. */
  listCount(type: ObjectType, query: ListQuery = {}): number {
    const anchored =
      query.parentUuids || query.parentFqName || query.backRefUuids || query.objUuids || query.fqNames;
    if (!anchored && !query.filters?.length) return this.count(type);
    return this.query(type, query).objects.length;
  }

  /** The `GET /<type>s` selection as contrail-api makes it (list-selection.ts). */
  query(type: ObjectType, query: ListQuery = {}, page?: PageRequest): ListResult {
    return selectList(this, this.types.get(type)!.sorted, type, query, page);
  }

  // ---- writes -------------------------------------------------------------------------------

  /** `POST /<type>s`: validates everything first, so a failed create changes nothing. */
  create(type: ObjectType, body: ObjectBody): StoredObject {
    const obj = prepareCreate(this.rules, type, body);
    this.insert(obj);
    this.emit({ kind: 'create', object: obj });
    // virtual_network.py post_dbe_create: the network's default routing instance.
    if (type === 'virtual-network') {
      const name = obj.fqName[obj.fqName.length - 1]!;
      this.create('routing-instance', {
        fq_name: [...obj.fqName, name],
        parent_type: 'virtual-network',
        routing_instance_is_default: true,
      });
    }
    return obj;
  }

  /**
   * `PUT /<type>/<uuid>` (write-rules `prepareUpdate`). An unknown or wrong-typed id is
   * `Unknown id` (AS:1414). A write that changes nothing returns the object as it is: no new
   * last_modified, ETag or change event.
   */
  update(type: ObjectType, uuid: string, body: ObjectBody, ifMatch?: string): StoredObject {
    const previous = this.byUuid.get(uuid);
    if (!previous || previous.type !== type) throw new NotFound(`Unknown id: ${uuid}`);
    this.checkPrecondition(previous, ifMatch);
    // An empty body changes nothing (contrail-api answers it without a write, AS:1399-1403).
    if (Object.keys(body).length === 0) return previous;
    return this.commitUpdate(previous, prepareUpdate(this.rules, previous, body));
  }

  /**
   * `DELETE /<type>/<uuid>`: refused (409) while children or back-refs remain. We answer an
   * unknown id with `Unknown id: <uuid>` like every other route, where contrail-api says
   * `ID <uuid> does not exist`.
   */
  delete(type: ObjectType, uuid: string, ifMatch?: string): StoredObject {
    const obj = this.byUuid.get(uuid);
    if (!obj) throw new NotFound(`Unknown id: ${uuid}`);
    if (obj.type !== type) throw new NotFound(`No ${type} object found for id ${uuid}`);
    this.checkPrecondition(obj, ifMatch);
    const defaultRi = checkDelete(this, obj);
    if (defaultRi) this.remove(defaultRi);
    this.remove(obj);
    if (defaultRi) this.emit({ kind: 'delete', object: defaultRi });
    this.emit({ kind: 'delete', object: obj });
    return obj;
  }

  /**
   * `POST /ref-update`: add (or re-attribute) or remove one reference. A wrong-typed object is
   * `Unknown id` as in contrail-api (AS:3147-3154); deleting an absent ref is a no-op.
   */
  updateRef(
    type: ObjectType,
    uuid: string,
    refType: ObjectType,
    refUuid: string,
    operation: 'ADD' | 'DELETE',
    attr: unknown,
  ): StoredObject {
    const obj = this.byUuid.get(uuid);
    if (!obj || obj.type !== type) throw new NotFound(`Unknown id: ${uuid}`);
    const body = refUpdateBody(this, obj, refType, refUuid, operation, attr);
    if (!body) return obj;
    return this.commitUpdate(obj, prepareUpdate(this.rules, obj, body, 'ref-update'));
  }

  /** `POST /chown`: a new perms2 owner (obj_chown_http_post). */
  chown(uuid: string, owner: string): StoredObject {
    const obj = this.byUuid.get(uuid);
    if (!obj) throw new NotFound(`Unknown id: ${uuid}`);
    return this.commitUpdate(obj, this.withPerms2(obj, { ...obj.perms2, owner }));
  }

  /** `POST /chmod`: owner, owner_access, share and global_access (obj_chmod_http_post). */
  chmod(uuid: string, request: Record<string, unknown>): StoredObject {
    const obj = this.byUuid.get(uuid);
    if (!obj) throw new NotFound(`Unknown id: ${uuid}`);
    const perms2 = chmodPerms2(obj, request);
    let next = this.withPerms2(obj, perms2);
    // A virtual network's is_shared follows global_access (obj_chmod_http_post).
    if (obj.type === 'virtual-network' && typeof request.global_access === 'number' && next !== obj)
      next = { ...next, props: { ...next.props, is_shared: request.global_access !== 0 } };
    return this.commitUpdate(obj, next);
  }

  /** `POST /prop-collection-update` (prop-collection.ts): list and map elements of one object. */
  updateCollections(uuid: string, updates: unknown): StoredObject {
    const obj = this.byUuid.get(uuid);
    if (!obj) throw new NotFound(`Object Not Found: ${uuid}`);
    const change = applyCollectionUpdates(obj, updates);
    if (
      sameValue(change.props, obj.props) &&
      sameValue(change.annotations, obj.annotations) &&
      sameValue(change.listPositions, obj.listPositions)
    )
      return obj;
    const next: StoredObject = {
      ...obj,
      props: change.props,
      annotations: change.annotations,
      lastModified: this.timestamp(),
    };
    return this.commitUpdate(
      obj,
      change.listPositions ? { ...next, listPositions: change.listPositions } : next,
    );
  }

  private withPerms2(obj: StoredObject, perms2: StoredObject['perms2']): StoredObject {
    if (sameValue(perms2, obj.perms2)) return obj;
    return { ...obj, perms2, lastModified: this.timestamp() };
  }

  private commitUpdate(previous: StoredObject, next: StoredObject): StoredObject {
    if (next === previous) return previous;
    this.replace(previous, next);
    this.emit({ kind: 'update', object: next, previous });
    return next;
  }

  /** A fresh ETag for an object: its last_modified in quotes, as the API server sends. */
  etag(obj: StoredObject): string {
    return `"${obj.lastModified}"`;
  }

  hrefPath(obj: StoredObject): string {
    return `/${obj.type}/${obj.uuid}`;
  }

  /**
   * Objects read back from a saved journal, in creation order: indexed exactly as they were
   * (same uuids, timestamps, ETags and children order), without running any write rule and
   * without change events. Only into an empty store.
   */
  restore(objects: Iterable<StoredObject>): void {
    if (this.byUuid.size > 0) throw new Error('restore needs an empty config store');
    // Timestamps share one format, so the latest is the greatest text.
    let latest = '';
    for (const obj of objects) {
      this.insert(obj);
      if (obj.seq > this.seq) this.seq = obj.seq;
      if (obj.lastModified > latest) latest = obj.lastModified;
    }
    if (latest) this.lastMicros = Math.max(this.lastMicros, stampMicros(latest));
  }

  private checkPrecondition(obj: StoredObject, ifMatch: string | undefined): void {
    if (ifMatch === undefined || ifMatch.trim() === '*') return;
    const etag = this.etag(obj);
    const tags = ifMatch.split(',').map((t) => t.trim().replace(/^W\//, ''));
    if (!tags.includes(etag))
      throw new PreconditionFailed(
        `Precondition failed: If-Match ${ifMatch} does not match the current ETag ${etag} of ${obj.type} ${obj.uuid}`,
      );
  }

  // ---- indexes ------------------------------------------------------------------------------

  private insert(obj: StoredObject): void {
    this.byUuid.set(obj.uuid, obj);
    const { objects, byFq, sorted } = this.types.get(obj.type)!;
    objects.set(obj.uuid, obj);
    byFq.set(obj.fqKey, obj.uuid);
    if (sorted.isBuilt) sorted.add(obj.uuid, listKey(obj));
    if (obj.parent) {
      let byType = this.childIndex.get(obj.parent.uuid);
      if (!byType) this.childIndex.set(obj.parent.uuid, (byType = new Map()));
      let set = byType.get(obj.type);
      if (!set) byType.set(obj.type, (set = new Set()));
      set.add(obj.uuid);
    }
    this.indexRefs(obj);
    this.addresses.insert(obj);
  }

  private replace(previous: StoredObject, next: StoredObject): void {
    this.addresses.remove(previous);
    // An update that names no ref field keeps the very same refs map: nothing to re-index.
    if (previous.refs !== next.refs) this.unindexRefs(previous);
    this.byUuid.set(next.uuid, next);
    this.types.get(next.type)!.objects.set(next.uuid, next);
    if (previous.refs !== next.refs) this.indexRefs(next);
    this.addresses.insert(next);
  }

  private remove(obj: StoredObject): void {
    this.byUuid.delete(obj.uuid);
    const { objects, byFq, sorted } = this.types.get(obj.type)!;
    objects.delete(obj.uuid);
    byFq.delete(obj.fqKey);
    sorted.remove(obj.uuid);
    if (obj.parent) this.childIndex.get(obj.parent.uuid)?.get(obj.type)?.delete(obj.uuid);
    this.childIndex.delete(obj.uuid);
    this.backRefIndex.delete(obj.uuid);
    this.unindexRefs(obj);
    this.addresses.remove(obj);
  }

  private indexRefs(obj: StoredObject): void {
    for (const [, list] of obj.refs)
      for (const ref of list) {
        let byType = this.backRefIndex.get(ref.uuid);
        if (!byType) this.backRefIndex.set(ref.uuid, (byType = new Map()));
        let bucket = byType.get(obj.type);
        if (!bucket) byType.set(obj.type, (bucket = { sources: new Map(), sorted: null }));
        if (!bucket.sources.has(obj.uuid)) bucket.sorted = null;
        bucket.sources.set(obj.uuid, ref.attr);
      }
  }

  private unindexRefs(obj: StoredObject): void {
    for (const [, list] of obj.refs)
      for (const ref of list) {
        const bucket = this.backRefIndex.get(ref.uuid)?.get(obj.type);
        if (bucket?.sources.delete(obj.uuid)) bucket.sorted = null;
      }
  }

  /** Naive UTC ISO-8601 with microseconds, strictly increasing across the store (unique ETags). */
  private timestamp(): string {
    const micros = Math.max(this.clock.now() * 1000, this.lastMicros + 1);
    this.lastMicros = micros;
    const second = Math.floor(micros / 1_000_000);
    if (second !== this.stampSecond) {
      this.stampSecond = second;
      this.stampPrefix = new Date(second * 1000).toISOString().slice(0, 19);
    }
    return `${this.stampPrefix}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }
}
