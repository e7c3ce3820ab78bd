// The embedded config database: Contrail objects indexed by uuid, fq_name, parent and reference
// target, with Contrail's create/update/delete rules and a typed change feed. No HTTP here, and
// no operation walks every object except the unanchored per-type list (kept sorted, cached).

import {
  CHILD_TYPES,
  SCHEMA,
  childField,
  isObjectType,
  parseTypeName,
  refField,
  type FieldSpec,
  type ObjectType,
} from '@model/contrail/schema.ts';
import type { PermType } from '@model/contrail/types.ts';
import { systemClock, type Clock } from '@server/clock.ts';
import { isUuid, randomIds, type IdSource } from '@server/ids.ts';
import { Conflict, DependentsExist, Invalid, NotFound, PreconditionFailed } from './errors.ts';
import { pyPformat, pyRepr } from './python-format.ts';
import { uuidLongs } from './uuid-longs.ts';

export interface StoredRef {
  readonly uuid: string;
  readonly attr: unknown;
}

/** One config object as stored. Immutable: an update replaces it. */
export interface StoredObject {
  readonly type: ObjectType;
  readonly uuid: string;
  readonly fqName: readonly string[];
  /** fq_name joined with ':' (names may not contain ':'). */
  readonly fqKey: string;
  readonly parent: { readonly type: ObjectType; readonly uuid: string } | null;
  readonly displayName: string;
  /** Set properties only, as given by the writer; the renderer fills in defaults. */
  readonly props: Readonly<Record<string, unknown>>;
  /** Per target type, sorted by target uuid (the column order contrail-api reads them in). */
  readonly refs: ReadonlyMap<ObjectType, readonly StoredRef[]>;
  /** Annotation pairs sorted by key, as Cassandra's map columns return them. */
  readonly annotations: readonly { readonly key: string; readonly value: string }[] | null;
  readonly idPerms: {
    readonly enable: boolean;
    readonly description: string | null;
    readonly creator: string | null;
    readonly userVisible: boolean;
    readonly permissions: PermType;
  };
  readonly perms2Owner: string;
  /** Decimal text of the uuid's two unsigned 64-bit halves (exceed 2^53: never a JS number). */
  readonly uuidMslong: string;
  readonly uuidLslong: string;
  readonly created: string;
  readonly lastModified: string;
  /** Creation order, used to render children lists as Contrail does. */
  readonly seq: number;
}

export type ChangeEvent =
  | { readonly kind: 'create'; readonly object: StoredObject }
  | { readonly kind: 'update'; readonly object: StoredObject; readonly previous: StoredObject }
  | { readonly kind: 'delete'; readonly object: StoredObject };

export type ChangeListener = (event: ChangeEvent) => void;

/** What a writer sends: the body of `POST /<type>s` or `PUT /<type>/<uuid>` (inner object). */
export type ObjectBody = Record<string, unknown>;

export interface ListQuery {
  parentUuids?: readonly string[];
  /** parent_fq_name_str split on ':' plus an optional parent_type. */
  parentFqName?: { readonly fqName: readonly string[]; readonly type?: ObjectType };
  backRefUuids?: readonly string[];
  objUuids?: readonly string[];
  fqNames?: readonly (readonly string[])[];
  /** Equality filters `key==value`: values of one key are OR-ed, keys are AND-ed. */
  filters?: readonly (readonly [string, unknown])[];
}

/** `page_marker` paging: objects after `marker`, at most `limit`. */
export interface PageRequest {
  readonly limit: number;
  /** A marker from a previous page; undefined starts at the beginning. */
  readonly marker: string | undefined;
}

export interface ListResult {
  readonly objects: readonly StoredObject[];
  /** Paged requests only: the marker of the next page, or null at the end. */
  readonly marker?: string | null;
}

const DEFAULT_PERMISSIONS: PermType = Object.freeze({
  owner: 'cloud-admin',
  owner_access: 7,
  group: 'cloud-admin-group',
  group_access: 7,
  other_access: 7,
});

/** Keys of the envelope: accepted in bodies, never treated as properties. */
const ENVELOPE_KEYS = new Set([
  'uuid',
  'name',
  'fq_name',
  'parent_type',
  'parent_uuid',
  'parent_href',
  'href',
  'display_name',
  'id_perms',
  'perms2',
  'annotations',
]);

/** Properties every type has besides its declared ones (contrail-api stores them as props). */
const COMMON_PROPS = new Set(['display_name', 'id_perms', 'perms2', 'annotations']);

/** XML 1.0 illegal characters, which contrail-api refuses in names. */
function hasIllegalXmlChars(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || (c >= 0xd800 && c <= 0xdfff) || c >= 0xfffe)
      return true;
  }
  return false;
}

const NO_REFS: ReadonlyMap<ObjectType, readonly StoredRef[]> = new Map();

/** The id_perms of nearly every object, shared rather than allocated per object. */
const DEFAULT_ID_PERMS: StoredObject['idPerms'] = Object.freeze({
  enable: true,
  description: null,
  creator: null,
  userVisible: true,
  permissions: DEFAULT_PERMISSIONS,
});

interface BackRefBucket {
  /** source uuid → link attr. */
  readonly sources: Map<string, unknown>;
  /** Source uuids sorted, rebuilt lazily after a change. */
  sorted: string[] | null;
}

/** The unanchored list of a type in fq-name table order, merged lazily after writes. */
interface SortedIndex {
  keys: string[];
  uuids: string[];
  added: string[];
  removed: Set<string>;
}

export class ConfigStore {
  private readonly byUuid = new Map<string, StoredObject>();
  private readonly byType = new Map<ObjectType, Map<string, StoredObject>>();
  private readonly byFq = new Map<ObjectType, Map<string, string>>();
  /** parent uuid → child type → child uuids, in creation order. */
  private readonly childIndex = new Map<string, Map<ObjectType, Set<string>>>();
  /** target uuid → referring type → referring objects. */
  private readonly backRefIndex = new Map<string, Map<ObjectType, BackRefBucket>>();
  private readonly sortedIndex = new Map<ObjectType, SortedIndex>();
  private readonly listeners = new Set<ChangeListener>();
  private readonly pending: ChangeEvent[] = [];
  private delivering = false;
  private lastMicros = 0;
  private stampSecond = -1;
  private stampPrefix = '';
  private seq = 0;

  constructor(
    private readonly clock: Clock = systemClock,
    private readonly newId: IdSource = randomIds,
  ) {
    for (const type of Object.keys(SCHEMA) as ObjectType[]) {
      this.byType.set(type, new Map());
      this.byFq.set(type, new Map());
    }
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
    return this.byFq.get(type)!.get(fqName.join(':'));
  }

  byFqName(type: ObjectType, fqName: readonly string[]): StoredObject | undefined {
    const uuid = this.uuidOf(type, fqName);
    return uuid === undefined ? undefined : this.byUuid.get(uuid);
  }

  count(type: ObjectType): number {
    return this.byType.get(type)!.size;
  }

  /** Every object of a type, in insertion order (for in-process consumers). */
  all(type: ObjectType): IterableIterator<StoredObject> {
    return this.byType.get(type)!.values();
  }

  /** Child objects of one type under a parent, in creation order. */
  children(parentUuid: string, childType: ObjectType): StoredObject[] {
    const uuids = this.childIndex.get(parentUuid)?.get(childType);
    if (!uuids) return [];
    const out: StoredObject[] = [];
    for (const uuid of uuids) out.push(this.byUuid.get(uuid)!);
    return out;
  }

  /** Objects of `sourceType` that reference `targetUuid`, with the link attribute, by source uuid. */
  backRefs(targetUuid: string, sourceType: ObjectType): { object: StoredObject; attr: unknown }[] {
    const bucket = this.backRefIndex.get(targetUuid)?.get(sourceType);
    if (!bucket) return [];
    return sortedSources(bucket).map((uuid) => ({
      object: this.byUuid.get(uuid)!,
      attr: bucket.sources.get(uuid),
    }));
  }

  /** The `GET /<type>s` selection (all pages), see `query`. */
  list(type: ObjectType, query: ListQuery = {}): StoredObject[] {
    return [...this.query(type, query).objects];
  }

  /** How many objects `list` would return, without materialising an unfiltered full list. */
  listCount(type: ObjectType, query: ListQuery = {}): number {
    if (!isAnchored(query) && !query.filters?.length) return this.count(type);
    return this.query(type, query).objects.length;
  }

  /**
   * The `GET /<type>s` selection as contrail-api makes it. Anchors take precedence
   * parent > back_ref > obj_uuids/fq_names; the lower ones then only filter. Order: unanchored by
   * `<fq_name joined by ':'>:<uuid>` (its marker), parent-anchored by creation, back_ref-anchored
   * by source uuid per anchor, obj_uuids in request order; paged anchored lists by uuid.
   */
  query(type: ObjectType, query: ListQuery = {}, page?: PageRequest): ListResult {
    const match = compileFilters(type, query.filters);
    if (!isAnchored(query)) return this.queryUnanchored(type, match, page);
    const anchored = this.selectAnchored(type, query);
    const selected = match ? anchored.filter(match) : anchored;
    if (!page) return { objects: selected };
    const byUuid = selected === anchored ? [...selected] : selected;
    byUuid.sort((a, b) => (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0));
    const after = page.marker === undefined ? undefined : page.marker.slice(page.marker.lastIndexOf(':') + 1);
    let start = 0;
    if (after !== undefined) while (start < byUuid.length && byUuid[start]!.uuid <= after) start++;
    const objects = byUuid.slice(start, start + page.limit);
    const more = start + page.limit < byUuid.length;
    return { objects, marker: more ? objects[objects.length - 1]!.uuid : null };
  }

  private selectAnchored(type: ObjectType, query: ListQuery): StoredObject[] {
    let objUuids: string[] | undefined = query.objUuids ? [...query.objUuids] : undefined;
    if (query.fqNames) {
      const resolved = query.fqNames.flatMap((fq) => this.uuidOf(type, fq) ?? []);
      // contrail-api answers an empty list at once when no fq_name resolves (AS:1698-1710).
      if (resolved.length === 0) return [];
      objUuids = [...(objUuids ?? []), ...resolved];
    }
    const parents = new Set(query.parentUuids ?? []);
    if (query.parentFqName) {
      const { fqName, type: parentType } = query.parentFqName;
      for (const t of parentType ? [parentType] : SCHEMA[type].parents) {
        const uuid = this.uuidOf(t, fqName);
        if (uuid) parents.add(uuid);
      }
    }
    const objSet = objUuids ? new Set(objUuids) : undefined;
    const backRefSet = query.backRefUuids ? new Set(query.backRefUuids) : undefined;

    if (parents.size > 0) {
      let out: StoredObject[] = [];
      for (const parent of parents) out.push(...this.children(parent, type));
      if (parents.size > 1) out.sort((a, b) => a.seq - b.seq);
      if (backRefSet) out = out.filter((o) => referencesAny(o, backRefSet));
      if (objSet) out = out.filter((o) => objSet.has(o.uuid));
      return out;
    }
    if (backRefSet) {
      const seen = new Set<string>();
      const out: StoredObject[] = [];
      for (const target of backRefSet)
        for (const { object } of this.backRefs(target, type))
          if (!seen.has(object.uuid) && (!objSet || objSet.has(object.uuid))) {
            seen.add(object.uuid);
            out.push(object);
          }
      return out;
    }
    if (objSet) {
      const out: StoredObject[] = [];
      for (const uuid of objSet) {
        const obj = this.byUuid.get(uuid);
        if (obj && obj.type === type) out.push(obj);
      }
      return out;
    }
    // Only parent anchors were given and none resolved.
    return [];
  }

  private queryUnanchored(
    type: ObjectType,
    match: ((obj: StoredObject) => boolean) | undefined,
    page: PageRequest | undefined,
  ): ListResult {
    const index = this.sortedList(type);
    const { keys, uuids } = index;
    let start = 0;
    if (page?.marker !== undefined) {
      let hi = keys.length;
      while (start < hi) {
        const mid = (start + hi) >>> 1;
        if (keys[mid]! <= page.marker) start = mid + 1;
        else hi = mid;
      }
    }
    const limit = page ? page.limit : Infinity;
    const objects: StoredObject[] = [];
    let i = start;
    for (; i < uuids.length && objects.length < limit; i++) {
      const obj = this.byUuid.get(uuids[i]!)!;
      if (!match || match(obj)) objects.push(obj);
    }
    if (!page) return { objects };
    let more = false;
    for (; i < uuids.length && !more; i++) more = !match || match(this.byUuid.get(uuids[i]!)!);
    const last = objects[objects.length - 1];
    return { objects, marker: more && last ? listKey(last) : null };
  }

  private sortedList(type: ObjectType): SortedIndex {
    let index = this.sortedIndex.get(type);
    if (!index) {
      const all = [...this.byType.get(type)!.values()].map((o) => [listKey(o), o.uuid] as const);
      all.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      index = { keys: all.map(([k]) => k), uuids: all.map(([, u]) => u), added: [], removed: new Set() };
      this.sortedIndex.set(type, index);
    } else if (index.added.length > 0 || index.removed.size > 0) {
      // Merge the writes since the last list: O(n + k log k) instead of a full sort.
      const added = index.added
        .filter((u) => !index!.removed.has(u))
        .map((u) => [listKey(this.byUuid.get(u)!), u] as const)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const keys: string[] = [];
      const uuids: string[] = [];
      let j = 0;
      for (let i = 0; i < index.keys.length; i++) {
        const key = index.keys[i]!;
        while (j < added.length && added[j]![0] < key) {
          keys.push(added[j]![0]);
          uuids.push(added[j++]![1]);
        }
        if (!index.removed.has(index.uuids[i]!)) {
          keys.push(key);
          uuids.push(index.uuids[i]!);
        }
      }
      for (; j < added.length; j++) {
        keys.push(added[j]![0]);
        uuids.push(added[j]![1]);
      }
      index = { keys, uuids, added: [], removed: new Set() };
      this.sortedIndex.set(type, index);
    }
    return index;
  }

  // ---- writes -------------------------------------------------------------------------------

  /** `POST /<type>s`: validates everything first, so a failed create changes nothing. */
  create(type: ObjectType, body: ObjectBody): StoredObject {
    const obj = this.prepareCreate(type, body);
    this.insert(obj);
    this.emit({ kind: 'create', object: obj });
    if (type === 'virtual-network') this.createDefaultRoutingInstance(obj);
    return obj;
  }

  /**
   * `PUT /<type>/<uuid>`: replaces the given props (null unsets), ref lists, display_name,
   * annotations, id_perms flags and perms2 owner. Like contrail-api it ignores uuid, name,
   * fq_name and parent keys in the body. An unknown or wrong-typed id is `Unknown id` (AS:1414).
   */
  update(type: ObjectType, uuid: string, body: ObjectBody, ifMatch?: string): StoredObject {
    const previous = this.byUuid.get(uuid);
    if (!previous || previous.type !== type) throw new NotFound(`Unknown id: ${uuid}`);
    this.checkPrecondition(previous, ifMatch);
    // An empty body changes nothing (contrail-api answers it without a write, AS:1399-1403).
    if (Object.keys(body).length === 0) return previous;
    const next = this.prepareUpdate(previous, body);
    this.replace(previous, next);
    this.emit({ kind: 'update', object: next, previous });
    return next;
  }

  /**
   * `DELETE /<type>/<uuid>`: refused (409) while children or back-refs remain. A virtual
   * network's default routing instance goes with it. We answer an unknown id with
   * `Unknown id: <uuid>` like every other route, where contrail-api says `ID <uuid> does not exist`.
   */
  delete(type: ObjectType, uuid: string, ifMatch?: string): StoredObject {
    const obj = this.byUuid.get(uuid);
    if (!obj) throw new NotFound(`Unknown id: ${uuid}`);
    if (obj.type !== type) throw new NotFound(`No ${type} object found for id ${uuid}`);
    this.checkPrecondition(obj, ifMatch);
    const defaultRi = type === 'virtual-network' ? this.defaultRoutingInstance(obj) : undefined;
    // Like contrail-api, report only the first child field that blocks, then the first back-ref field.
    for (const childType of CHILD_TYPES[type]) {
      const kids = this.childIndex.get(uuid)?.get(childType);
      if (!kids) continue;
      const blocking = [...kids].filter((u) => u !== defaultRi?.uuid);
      if (blocking.length > 0)
        throw new DependentsExist(
          'Delete when children still present: ',
          blocking.map((u) => `/${childType}/${u}`),
        );
    }
    for (const target of defaultRi ? [obj, defaultRi] : [obj]) {
      const byType = this.backRefIndex.get(target.uuid);
      if (!byType) continue;
      for (const [sourceType, bucket] of byType)
        if (bucket.sources.size > 0)
          throw new DependentsExist(
            'Delete when resource still referred: ',
            sortedSources(bucket).map((u) => `/${sourceType}/${u}`),
          );
    }
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
    if (!(refType in SCHEMA[type].refs))
      throw new Invalid(`Bad Request: ${type} has no reference to ${refType}`);
    const current = obj.refs.get(refType) ?? [];
    let next: StoredRef[];
    if (operation === 'ADD') {
      const target = this.byUuid.get(refUuid);
      if (!target || target.type !== refType) throw new NotFound(`Unknown id: ${refUuid}`);
      next = [...current.filter((r) => r.uuid !== refUuid), { uuid: refUuid, attr: attr ?? null }];
    } else {
      if (!current.some((r) => r.uuid === refUuid)) return obj;
      next = current.filter((r) => r.uuid !== refUuid);
    }
    return this.update(type, uuid, {
      [refField(refType)]: next.map((r) => ({ uuid: r.uuid, attr: r.attr })),
    });
  }

  /** A fresh ETag for an object: its last_modified in quotes, as the API server sends. */
  etag(obj: StoredObject): string {
    return `"${obj.lastModified}"`;
  }

  hrefPath(obj: StoredObject): string {
    return `/${obj.type}/${obj.uuid}`;
  }

  // ---- validation ---------------------------------------------------------------------------

  private checkPrecondition(obj: StoredObject, ifMatch: string | undefined): void {
    if (ifMatch === undefined || ifMatch.trim() === '*') return;
    const etag = this.etag(obj);
    const tags = ifMatch.split(',').map((t) => t.trim().replace(/^W\//, ''));
    if (!tags.includes(etag))
      throw new PreconditionFailed(
        `Precondition failed: If-Match ${ifMatch} does not match the current ETag ${etag} of ${obj.type} ${obj.uuid}`,
      );
  }

  /** The checks of contrail-api's create, in its order (AS:976-1250), then the new object. */
  private prepareCreate(type: ObjectType, body: ObjectBody): StoredObject {
    const schema = SCHEMA[type];
    const fqName = this.fqNameOf(type, body);
    const name = fqName[fqName.length - 1]!;
    if (hasIllegalXmlChars(name)) throw new Invalid('Bad Request, name has illegal xml characters');
    if (name.includes(':')) throw new Invalid(`Bad Request, name has one of invalid chars {':'}`);
    for (const part of fqName.slice(0, -1))
      if (part.includes(':'))
        throw new Invalid(`Bad Request, fq_name element ${pyRepr(part)} has one of invalid chars {':'}`);

    const props = this.validateProps(type, body, 'create');
    this.checkRefFields(type, body, 'create');
    const displayName = body.display_name == null ? name : requireString(body.display_name, 'display_name');
    const annotations = body.annotations == null ? null : parseAnnotations(body.annotations);
    const idPermsBody = asRecord(body.id_perms, 'id_perms');
    const perms2Body = asRecord(body.perms2, 'perms2');

    const fqKey = fqName.join(':');
    const existingFq = this.byFq.get(type)!.get(fqKey);
    if (existingFq) throw new Conflict(`${pyPformat(fqName)} already exists with uuid: ${existingFq}`);

    const allowed = schema.parents.length === 0 ? ['config-root'] : schema.parents;
    let parentType: ObjectType | undefined;
    const rawParentType = body.parent_type === 'config-root' ? undefined : body.parent_type;
    if (rawParentType !== undefined && rawParentType !== null) {
      parentType = typeof rawParentType === 'string' ? parseTypeName(rawParentType) : undefined;
      if (!parentType) throw new NotFound(`Resource type '${String(rawParentType)}' not found`);
      if (!schema.parents.includes(parentType))
        throw new Invalid(`Invalid parent type: ${parentType}. Allowed types: ${pyRepr(allowed)}`);
    } else if (schema.parents.length > 1) {
      throw new Invalid(`Missing parent type: None. Allowed types: ${pyRepr(allowed)}`);
    } else if (schema.parents.length === 1) {
      // contrail-api then stores no parent link at all (AS:1071); we link the only possible parent.
      parentType = schema.parents[0];
    }
    let parent: StoredObject | null = null;
    if (parentType === undefined) {
      if (fqName.length !== 1)
        throw new Invalid(`Invalid fq-name of an object with no parent: ${pyRepr(fqName)}`);
    } else {
      if (fqName.length < 2)
        throw new Invalid(`Invalid fq-name for object with parent_type ${parentType}: ${pyRepr(fqName)}`);
      const parentUuid = this.byFq.get(parentType)!.get(fqKey.slice(0, fqKey.length - name.length - 1));
      parent = parentUuid === undefined ? null : this.byUuid.get(parentUuid)!;
      if (!parent)
        throw new Invalid(`Parent ${pyPformat(fqName.slice(0, -1))} type ${parentType} does not exist`);
    }

    let uuid: string;
    if (body.uuid !== undefined && body.uuid !== null) {
      uuid = String(body.uuid);
      if (typeof body.uuid !== 'string' || !isUuid(uuid)) throw new Invalid(`Invalid UUID format: ${uuid}`);
      const existing = this.byUuid.get(uuid);
      if (existing) throw new Conflict(`${uuid} already exists with fq_name: ${pyPformat(existing.fqName)}`);
    } else {
      uuid = this.newId();
    }
    const refs = this.resolveRefs(body, 'create', NO_REFS);

    const owner =
      typeof perms2Body?.owner === 'string'
        ? perms2Body.owner
        : type === 'project'
          ? uuid.replace(/-/g, '')
          : // A project's owner is its dash-less uuid, so inheriting it gives what contrail-api sets.
            (parent?.perms2Owner ?? 'cloud-admin');
    const longs = uuidLongs(uuid);
    const now = this.timestamp();
    return {
      type,
      uuid,
      fqName: [...fqName],
      fqKey,
      parent: parent ? { type: parent.type, uuid: parent.uuid } : null,
      displayName,
      props,
      refs,
      annotations,
      idPerms: mergeIdPerms(idPermsBody, DEFAULT_ID_PERMS),
      perms2Owner: owner,
      uuidMslong: longs.mslong,
      uuidLslong: longs.lslong,
      created: now,
      lastModified: now,
      seq: ++this.seq,
    };
  }

  private prepareUpdate(previous: StoredObject, body: ObjectBody): StoredObject {
    const type = previous.type;
    const given = this.validateProps(type, body, 'update');
    this.checkRefFields(type, body, 'update');
    const displayName =
      body.display_name === undefined || body.display_name === null
        ? previous.displayName
        : requireString(body.display_name, 'display_name');
    const annotations =
      body.annotations === undefined ? previous.annotations : parseAnnotations(body.annotations);
    const idPermsBody = asRecord(body.id_perms, 'id_perms');
    const perms2Body = asRecord(body.perms2, 'perms2');
    if (perms2Body && typeof perms2Body.owner !== 'string')
      throw new Invalid('owner in perms2 must be present');
    const refs = this.resolveRefs(body, 'update', previous.refs);

    const props: Record<string, unknown> = { ...previous.props, ...given };
    for (const key of Object.keys(body))
      if (body[key] === null && key in SCHEMA[type].props) delete props[key];
    return {
      ...previous,
      displayName,
      props,
      refs,
      annotations,
      idPerms: mergeIdPerms(idPermsBody, previous.idPerms),
      perms2Owner: perms2Body ? (perms2Body.owner as string) : previous.perms2Owner,
      lastModified: this.timestamp(),
    };
  }

  private fqNameOf(type: ObjectType, body: ObjectBody): string[] {
    const fq = body.fq_name;
    if (fq !== undefined && fq !== null && !(Array.isArray(fq) && fq.length === 0)) {
      if (!Array.isArray(fq) || !isStringList(fq))
        throw new Invalid(`Bad Request, fq_name must be a list of strings, not ${kindOf(fq)}`);
      return fq as string[];
    }
    // Our extension: a name plus parent_uuid (or a bare name under config-root) is enough.
    if (typeof body.name === 'string' && body.name.length > 0) {
      if (SCHEMA[type].parents.length === 0) return [body.name];
      if (typeof body.parent_uuid === 'string') {
        const parent = this.byUuid.get(body.parent_uuid);
        if (!parent) throw new Invalid(`Bad Request, parent_uuid ${body.parent_uuid} does not exist`);
        return [...parent.fqName, body.name];
      }
    }
    throw new Invalid('Bad Request, no fq_name in POST body');
  }

  private validateProps(
    type: ObjectType,
    body: ObjectBody,
    op: 'create' | 'update',
  ): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const declared = SCHEMA[type].props;
    for (const key of Object.keys(body)) {
      const value = body[key];
      const spec = declared[key];
      if (spec) {
        if (value !== null) {
          checkField(op, `${type}.${key}`, spec, value);
          out[key] = value;
        }
      } else if (!ENVELOPE_KEYS.has(key) && !key.endsWith('_refs') && !isChildKey(type, key)) {
        // contrail-api silently drops unknown keys; we refuse them so a typo is not lost.
        throw new Invalid(`Bad property in ${op}: ${type} has no field ${key}`);
      }
    }
    return out;
  }

  /** Ref keys name a reference the type has, and hold lists of objects (before any lookup). */
  private checkRefFields(type: ObjectType, body: ObjectBody, op: 'create' | 'update'): void {
    for (const key of Object.keys(body)) {
      if (!key.endsWith('_refs') || key.endsWith('_back_refs')) continue;
      const target = parseTypeName(key.slice(0, -'_refs'.length));
      if (!target || !(target in SCHEMA[type].refs))
        throw new Invalid(`Bad reference in ${op}: ${type} has no reference field ${key}`);
      const value = body[key];
      if (value === null) continue;
      if (!Array.isArray(value))
        throw new Invalid(`Bad reference in ${op}: ${type}.${key} must be a list, not ${kindOf(value)}`);
      for (const [i, entry] of value.entries()) {
        const ref = asRecord(entry, `${type}.${key}[${i}]`);
        if (!ref || (typeof ref.uuid !== 'string' && !Array.isArray(ref.to)))
          throw new Invalid(`Bad reference in ${op}: ${type}.${key}[${i}] needs "to" (fq_name) or "uuid"`);
      }
    }
  }

  /** The body's ref lists resolved to uuids (sorted by uuid), over `base` for the types not given. */
  private resolveRefs(
    body: ObjectBody,
    op: 'create' | 'update',
    base: ReadonlyMap<ObjectType, readonly StoredRef[]>,
  ): ReadonlyMap<ObjectType, readonly StoredRef[]> {
    let refs: Map<ObjectType, readonly StoredRef[]> | undefined;
    for (const key of Object.keys(body)) {
      if (!key.endsWith('_refs') || key.endsWith('_back_refs')) continue;
      const target = parseTypeName(key.slice(0, -'_refs'.length))!;
      refs ??= new Map(base);
      const value = body[key] as unknown[] | null;
      const byUuid = new Map<string, unknown>();
      for (const entry of value ?? []) {
        const ref = entry as Record<string, unknown>;
        let uuid: string | undefined;
        if (typeof ref.uuid === 'string') {
          const found = this.byUuid.get(ref.uuid);
          if (!found || found.type !== target)
            throw new Invalid(`Unknown reference in resource ${op}: ${target} ${ref.uuid} not found`);
          uuid = ref.uuid;
        } else {
          uuid = this.uuidOf(target, ref.to as string[]);
          if (!uuid)
            throw new Invalid(
              `Unknown reference in resource ${op}: ${target} ${pyPformat(ref.to)} not found`,
            );
        }
        byUuid.set(uuid, ref.attr ?? null);
      }
      if (byUuid.size === 0) {
        refs.delete(target);
        continue;
      }
      const list: StoredRef[] = [];
      for (const uuid of [...byUuid.keys()].sort()) list.push({ uuid, attr: byUuid.get(uuid) });
      refs.set(target, list);
    }
    if (!refs) return base;
    return refs.size === 0 ? NO_REFS : refs;
  }

  // ---- indexes ------------------------------------------------------------------------------

  private insert(obj: StoredObject): void {
    this.byUuid.set(obj.uuid, obj);
    this.byType.get(obj.type)!.set(obj.uuid, obj);
    this.byFq.get(obj.type)!.set(obj.fqKey, obj.uuid);
    const index = this.sortedIndex.get(obj.type);
    if (index) {
      // A uuid deleted and re-created before the next list: rebuild rather than track both.
      if (index.removed.has(obj.uuid)) this.sortedIndex.delete(obj.type);
      else index.added.push(obj.uuid);
    }
    if (obj.parent) {
      let byType = this.childIndex.get(obj.parent.uuid);
      if (!byType) this.childIndex.set(obj.parent.uuid, (byType = new Map()));
      let set = byType.get(obj.type);
      if (!set) byType.set(obj.type, (set = new Set()));
      set.add(obj.uuid);
    }
    this.indexRefs(obj);
  }

  private replace(previous: StoredObject, next: StoredObject): void {
    // An update that names no ref field keeps the very same refs map: nothing to re-index.
    if (previous.refs !== next.refs) this.unindexRefs(previous);
    this.byUuid.set(next.uuid, next);
    this.byType.get(next.type)!.set(next.uuid, next);
    if (previous.refs !== next.refs) this.indexRefs(next);
  }

  private remove(obj: StoredObject): void {
    this.byUuid.delete(obj.uuid);
    this.byType.get(obj.type)!.delete(obj.uuid);
    this.byFq.get(obj.type)!.delete(obj.fqKey);
    this.sortedIndex.get(obj.type)?.removed.add(obj.uuid);
    if (obj.parent) this.childIndex.get(obj.parent.uuid)?.get(obj.type)?.delete(obj.uuid);
    this.childIndex.delete(obj.uuid);
    this.backRefIndex.delete(obj.uuid);
    this.unindexRefs(obj);
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

  private defaultRoutingInstance(vn: StoredObject): StoredObject | undefined {
    return this.children(vn.uuid, 'routing-instance').find(
      (ri) => ri.props.routing_instance_is_default === true,
    );
  }

  private createDefaultRoutingInstance(vn: StoredObject): void {
    const name = vn.fqName[vn.fqName.length - 1]!;
    this.create('routing-instance', {
      fq_name: [...vn.fqName, name],
      parent_type: 'virtual-network',
      routing_instance_is_default: true,
    });
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

function listKey(obj: StoredObject): string {
  return `${obj.fqKey}:${obj.uuid}`;
}

function sortedSources(bucket: BackRefBucket): string[] {
  bucket.sorted ??= [...bucket.sources.keys()].sort();
  return bucket.sorted;
}

function isAnchored(query: ListQuery): boolean {
  return Boolean(
    query.parentUuids || query.parentFqName || query.backRefUuids || query.objUuids || query.fqNames,
  );
}

function referencesAny(obj: StoredObject, targets: ReadonlySet<string>): boolean {
  for (const [, list] of obj.refs) for (const ref of list) if (targets.has(ref.uuid)) return true;
  return false;
}

/** The id_perms a writer may set (enable, description, creator, user_visible) over `base`. */
function mergeIdPerms(
  body: Record<string, unknown> | undefined,
  base: StoredObject['idPerms'],
): StoredObject['idPerms'] {
  if (!body) return base;
  return {
    ...base,
    enable: body.enable === undefined ? base.enable : Boolean(body.enable),
    description: textOrNull(body.description, base.description),
    creator: textOrNull(body.creator, base.creator),
    userVisible: body.user_visible === undefined ? base.userVisible : Boolean(body.user_visible),
  };
}

function textOrNull(value: unknown, current: string | null): string | null {
  return value === undefined ? current : typeof value === 'string' ? value : null;
}

function isChildKey(type: ObjectType, key: string): boolean {
  return CHILD_TYPES[type].some((child) => childField(child) === key) || key.endsWith('_back_refs');
}

/**
 * contrail-api's filter semantics (vnc_cassandra 819-860): only property keys count; with none,
 * the filter is ignored. Otherwise every property key must hold one of its values; a key that is
 * not a stored scalar-comparable property (or a non-property key) excludes the object.
 */
function compileFilters(
  type: ObjectType,
  filters: ListQuery['filters'],
): ((obj: StoredObject) => boolean) | undefined {
  if (!filters || filters.length === 0) return undefined;
  const byKey = new Map<string, unknown[]>();
  for (const [key, value] of filters) {
    const values = byKey.get(key);
    if (values) values.push(value);
    else byKey.set(key, [value]);
  }
  const declared = SCHEMA[type].props;
  const isProp = (key: string) => key in declared || COMMON_PROPS.has(key);
  if (![...byKey.keys()].some(isProp)) return undefined;
  const clauses = [...byKey];
  return (obj) =>
    clauses.every(([key, values]) => {
      if (!isProp(key) || key === 'annotations') return false;
      const stored =
        key === 'display_name'
          ? obj.displayName
          : key === 'id_perms' || key === 'perms2'
            ? undefined
            : obj.props[key];
      if (stored === undefined) return false;
      return values.some((v) => pyEquals(stored, v));
    });
}

/** Python `==` for JSON scalars: True == 1, 1 == 1.0. */
function pyEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  return isNumeric(a) && isNumeric(b) && Number(a) === Number(b);
}

function isNumeric(value: unknown): boolean {
  return typeof value === 'number' || typeof value === 'boolean';
}

function isStringList(list: unknown[]): boolean {
  for (const item of list) if (typeof item !== 'string') return false;
  return true;
}

function badProperty(op: string, path: string, what: string, value: unknown): Invalid {
  return new Invalid(`Bad property in ${op}: ${path} must be ${what}, not ${kindOf(value)}`);
}

function checkField(op: string, path: string, spec: FieldSpec, value: unknown): void {
  if (value === null) return;
  switch (spec.kind) {
    case 'scalar':
      if (typeof value === 'object') throw badProperty(op, path, 'a string, number or boolean', value);
      if (spec.default !== null && spec.default !== undefined && typeof value !== typeof spec.default)
        throw badProperty(op, path, `a ${typeof spec.default}`, value);
      return;
    case 'list':
      if (!Array.isArray(value)) throw badProperty(op, path, 'a list', value);
      return;
    case 'struct': {
      if (typeof value !== 'object' || Array.isArray(value)) throw badProperty(op, path, 'an object', value);
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        const field = spec.fields[key];
        if (!field) throw new Invalid(`Bad property in ${op}: ${path} has no field ${key}`);
        checkField(op, `${path}.${key}`, field, record[key]);
      }
    }
  }
}

function kindOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'a list' : `a ${typeof value}`;
}

function asRecord(value: unknown, path: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value))
    throw new Invalid(`Bad Request, ${path} must be an object, not ${kindOf(value)}`);
  return value as Record<string, unknown>;
}

function requireString(value: unknown, path: string): string {
  if (typeof value !== 'string')
    throw new Invalid(`Bad Request, ${path} must be a string, not ${kindOf(value)}`);
  return value;
}

function parseAnnotations(value: unknown): { key: string; value: string }[] | null {
  const record = asRecord(value, 'annotations');
  if (!record) return null;
  const pairs = record.key_value_pair ?? [];
  if (!Array.isArray(pairs)) throw new Invalid('Bad Request, annotations.key_value_pair must be a list');
  const byKey = new Map<string, string>();
  for (const [i, pair] of pairs.entries()) {
    const kv = asRecord(pair, `annotations.key_value_pair[${i}]`);
    if (!kv || typeof kv.key !== 'string')
      throw new Invalid(
        `Bad Request, annotations.key_value_pair[${i}] must be {"key": string, "value": string}`,
      );
    byKey.set(kv.key, kv.value == null ? '' : String(kv.value));
  }
  const keys = [...byKey.keys()].sort();
  const out: { key: string; value: string }[] = [];
  for (const key of keys) out.push({ key, value: byKey.get(key)! });
  return out;
}

export { isObjectType, pyRepr };
