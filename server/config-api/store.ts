// The embedded config database: Contrail objects indexed by uuid, fq_name, parent and reference
// target, with Contrail's create/update/delete rules and a typed change feed. No HTTP here.

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
import { Conflict, Invalid, NotFound, PreconditionFailed } from './errors.ts';

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
  /** Equality filters on properties: `key==value`. */
  filters?: readonly (readonly [string, unknown])[];
}

const DEFAULT_PERMISSIONS: PermType = {
  owner: 'cloud-admin',
  owner_access: 7,
  group: 'cloud-admin-group',
  group_access: 7,
  other_access: 7,
};

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

export class ConfigStore {
  private readonly byUuid = new Map<string, StoredObject>();
  private readonly byType = new Map<ObjectType, Map<string, StoredObject>>();
  private readonly byFq = new Map<ObjectType, Map<string, string>>();
  /** parent uuid → child type → child uuids, in creation order. */
  private readonly childIndex = new Map<string, Map<ObjectType, Set<string>>>();
  /** target uuid → referring type → referring uuid → link attr. */
  private readonly backRefIndex = new Map<string, Map<ObjectType, Map<string, unknown>>>();
  /** Per-type list in fq_name order, rebuilt lazily after a create or delete of that type. */
  private readonly sortedByFq = new Map<ObjectType, StoredObject[]>();
  private readonly listeners = new Set<ChangeListener>();
  private lastMicros = 0;
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

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: ChangeEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  // ---- reads --------------------------------------------------------------------------------

  get size(): number {
    return this.byUuid.size;
  }

  get(uuid: string): StoredObject | undefined {
    return this.byUuid.get(uuid);
  }

  /** The object of `type` with `uuid`, or the API server's 404 for a missing or wrong-typed id. */
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
    return uuids ? [...uuids].map((u) => this.byUuid.get(u)!) : [];
  }

  /** Child types present under a parent. */
  childTypes(parentUuid: string): ObjectType[] {
    const byType = this.childIndex.get(parentUuid);
    return byType ? [...byType].filter(([, set]) => set.size > 0).map(([t]) => t) : [];
  }

  /** Objects of `sourceType` that reference `targetUuid`, with the link attribute. */
  backRefs(targetUuid: string, sourceType: ObjectType): { object: StoredObject; attr: unknown }[] {
    const sources = this.backRefIndex.get(targetUuid)?.get(sourceType);
    if (!sources) return [];
    return [...sources].map(([uuid, attr]) => ({ object: this.byUuid.get(uuid)!, attr }));
  }

  backRefTypes(targetUuid: string): ObjectType[] {
    const byType = this.backRefIndex.get(targetUuid);
    return byType ? [...byType].filter(([, m]) => m.size > 0).map(([t]) => t) : [];
  }

  /** The `GET /<type>s` selection: anchored by parent, back-ref, uuid or fq_name, then filtered. */
  list(type: ObjectType, query: ListQuery = {}): StoredObject[] {
    let anchored: StoredObject[] | undefined;
    const intersect = (found: Iterable<StoredObject>) => {
      const next = [...found].filter((o) => o.type === type);
      anchored = anchored === undefined ? next : anchored.filter((o) => next.includes(o));
    };
    let parents = query.parentUuids;
    if (query.parentFqName) {
      const { fqName, type: parentType } = query.parentFqName;
      const candidates = parentType ? [parentType] : SCHEMA[type].parents;
      parents = candidates.flatMap((t) => this.uuidOf(t, fqName) ?? []);
    }
    if (parents) intersect(parents.flatMap((p) => this.children(p, type)));
    if (query.backRefUuids)
      intersect(query.backRefUuids.flatMap((t) => this.backRefs(t, type).map((b) => b.object)));
    if (query.objUuids) intersect(query.objUuids.flatMap((u) => this.byUuid.get(u) ?? []));
    if (query.fqNames) intersect(query.fqNames.flatMap((fq) => this.byFqName(type, fq) ?? []));

    let result: StoredObject[];
    if (anchored === undefined) {
      result = this.sortedList(type);
    } else {
      // Anchored lists follow the child/ref column order of Cassandra: by uuid.
      result = [...new Set(anchored)].sort((a, b) => (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0));
    }
    const filters = query.filters;
    if (filters && filters.length > 0) {
      result = result.filter((obj) => filters.some(([key, value]) => matchesFilter(obj, key, value)));
    }
    return result;
  }

  private sortedList(type: ObjectType): StoredObject[] {
    let sorted = this.sortedByFq.get(type);
    if (!sorted) {
      sorted = [...this.byType.get(type)!.values()].sort((a, b) =>
        a.fqKey < b.fqKey ? -1 : a.fqKey > b.fqKey ? 1 : 0,
      );
      this.sortedByFq.set(type, sorted);
    }
    return sorted;
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

  /** `PUT /<type>/<uuid>`: replaces the given props, refs, display_name and annotations. */
  update(type: ObjectType, uuid: string, body: ObjectBody, ifMatch?: string): StoredObject {
    const previous = this.read(type, uuid);
    this.checkPrecondition(previous, ifMatch);
    if (body.uuid !== undefined && body.uuid !== uuid)
      throw new Invalid(`uuid in body ${String(body.uuid)} does not match uuid ${uuid} in URL`);
    if (body.fq_name !== undefined && !sameFqName(body.fq_name, previous.fqName))
      throw new Invalid(
        `fq_name in body ${pyRepr(body.fq_name)} does not match fq_name ${pyRepr(previous.fqName)} of ${uuid}`,
      );
    const props = { ...previous.props, ...this.validateProps(type, body) };
    for (const [key, value] of Object.entries(body))
      if (value === null && key in SCHEMA[type].props) delete props[key];
    const newRefs = this.resolveRefs(type, body);
    const refs = new Map(previous.refs);
    for (const [target, list] of newRefs) refs.set(target, list);
    const idPermsBody = asRecord(body.id_perms, 'id_perms');
    const next: StoredObject = {
      ...previous,
      displayName:
        body.display_name === undefined
          ? previous.displayName
          : requireString(body.display_name, 'display_name'),
      props,
      refs,
      annotations: body.annotations === undefined ? previous.annotations : parseAnnotations(body.annotations),
      idPerms: {
        ...previous.idPerms,
        enable: idPermsBody?.enable === undefined ? previous.idPerms.enable : Boolean(idPermsBody.enable),
        description:
          idPermsBody?.description === undefined
            ? previous.idPerms.description
            : (idPermsBody.description as string | null),
      },
      lastModified: this.timestamp(),
    };
    this.unindexRefs(previous);
    this.byUuid.set(uuid, next);
    this.byType.get(type)!.set(uuid, next);
    this.indexRefs(next);
    const sorted = this.sortedByFq.get(type);
    if (sorted) sorted[sorted.indexOf(previous)] = next;
    this.emit({ kind: 'update', object: next, previous });
    return next;
  }

  /** `DELETE /<type>/<uuid>`: refused while children or back-refs remain (409). */
  delete(type: ObjectType, uuid: string, ifMatch?: string): StoredObject {
    const obj = this.read(type, uuid);
    this.checkPrecondition(obj, ifMatch);
    const defaultRi =
      type === 'virtual-network'
        ? this.children(uuid, 'routing-instance').filter(
            (ri) => ri.props.routing_instance_is_default === true,
          )
        : [];
    const children = CHILD_TYPES[type]
      .flatMap((t) => this.children(uuid, t))
      .filter((c) => !defaultRi.includes(c));
    if (children.length > 0)
      throw new Conflict(
        `Delete when children still present: ${pyRepr(children.map((c) => this.hrefPath(c)))}`,
      );
    const referrers = this.backRefTypes(uuid).flatMap((t) => this.backRefs(uuid, t).map((b) => b.object));
    const riReferrers = defaultRi.flatMap((ri) =>
      this.backRefTypes(ri.uuid).flatMap((t) => this.backRefs(ri.uuid, t).map((b) => b.object)),
    );
    if (referrers.length + riReferrers.length > 0)
      throw new Conflict(
        `Delete when resource still referred: ${pyRepr([...referrers, ...riReferrers].map((r) => this.hrefPath(r)))}`,
      );
    for (const ri of defaultRi) this.remove(ri);
    this.remove(obj);
    return obj;
  }

  /** `POST /ref-update`: add or remove one reference. */
  updateRef(
    type: ObjectType,
    uuid: string,
    refType: ObjectType,
    refUuid: string,
    operation: 'ADD' | 'DELETE',
    attr: unknown,
  ): StoredObject {
    const obj = this.read(type, uuid);
    if (!(refType in SCHEMA[type].refs)) throw new Invalid(`${type} has no reference to ${refType}`);
    const current = obj.refs.get(refType) ?? [];
    let next: StoredRef[];
    if (operation === 'ADD') {
      const target = this.byUuid.get(refUuid);
      if (!target || target.type !== refType) throw new NotFound(`Unknown id: ${refUuid}`);
      next = [...current.filter((r) => r.uuid !== refUuid), { uuid: refUuid, attr: attr ?? null }];
    } else {
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

  // ---- internals ----------------------------------------------------------------------------

  private checkPrecondition(obj: StoredObject, ifMatch: string | undefined): void {
    if (ifMatch === undefined || ifMatch === '*') return;
    const tags = ifMatch.split(',').map((t) => t.trim().replace(/^W\//, ''));
    if (!tags.includes(this.etag(obj)))
      throw new PreconditionFailed(`Precondition failed: ${obj.type} ${obj.uuid} has ETag ${this.etag(obj)}`);
  }

  private prepareCreate(type: ObjectType, body: ObjectBody): StoredObject {
    const schema = SCHEMA[type];
    const fqName = this.fqNameOf(type, body);
    const name = fqName[fqName.length - 1]!;
    for (const part of fqName)
      if (typeof part !== 'string' || part.length === 0 || part.includes(':'))
        throw new Invalid(
          `Invalid name in fq_name ${pyRepr(fqName)}: names are non-empty and contain no ':'`,
        );

    let parent: StoredObject | null = null;
    if (schema.parents.length > 0) {
      const parentFq = fqName.slice(0, -1);
      const declared = body.parent_type === undefined ? undefined : parseTypeName(String(body.parent_type));
      if (body.parent_type !== undefined && (!declared || !schema.parents.includes(declared)))
        throw new Invalid(`Invalid parent type ${String(body.parent_type)} for ${type}`);
      const candidates = declared ? [declared] : schema.parents;
      for (const t of candidates) {
        parent = this.byFqName(t, parentFq) ?? null;
        if (parent) break;
      }
      if (!parent)
        throw new Invalid(
          `Parent ${pyRepr(parentFq)} type ${declared ?? candidates.join('|')} does not exist`,
        );
    } else if (fqName.length !== 1) {
      throw new Invalid(`fq_name ${pyRepr(fqName)} of ${type} must have one element (config-root child)`);
    }

    let uuid: string;
    if (body.uuid !== undefined && body.uuid !== null) {
      uuid = String(body.uuid);
      if (!isUuid(uuid)) throw new Invalid(`Invalid UUID format: ${uuid}`);
      const existing = this.byUuid.get(uuid);
      if (existing) throw new Conflict(`${uuid} already exists with fq_name: ${pyRepr(existing.fqName)}`);
    } else {
      uuid = this.newId();
    }
    const existingFq = this.uuidOf(type, fqName);
    if (existingFq) throw new Conflict(`${pyRepr(fqName)} already exists with uuid: ${existingFq}`);

    const props = this.validateProps(type, body);
    const refs = this.resolveRefs(type, body);
    const idPermsBody = asRecord(body.id_perms, 'id_perms');
    const perms2Body = asRecord(body.perms2, 'perms2');
    const owner =
      typeof perms2Body?.owner === 'string'
        ? perms2Body.owner
        : type === 'project'
          ? uuid.replace(/-/g, '')
          : parent
            ? parent.type === 'project'
              ? parent.uuid.replace(/-/g, '')
              : parent.perms2Owner
            : 'cloud-admin';
    const hex = uuid.replace(/-/g, '');
    const now = this.timestamp();
    return {
      type,
      uuid,
      fqName,
      fqKey: fqName.join(':'),
      parent: parent ? { type: parent.type, uuid: parent.uuid } : null,
      displayName: body.display_name == null ? name : requireString(body.display_name, 'display_name'),
      props,
      refs,
      annotations: body.annotations == null ? null : parseAnnotations(body.annotations),
      idPerms: {
        enable: idPermsBody?.enable === undefined ? true : Boolean(idPermsBody.enable),
        description: typeof idPermsBody?.description === 'string' ? idPermsBody.description : null,
        creator: typeof idPermsBody?.creator === 'string' ? idPermsBody.creator : null,
        userVisible: idPermsBody?.user_visible === undefined ? true : Boolean(idPermsBody.user_visible),
        permissions: DEFAULT_PERMISSIONS,
      },
      perms2Owner: owner,
      uuidMslong: BigInt(`0x${hex.slice(0, 16)}`).toString(),
      uuidLslong: BigInt(`0x${hex.slice(16)}`).toString(),
      created: now,
      lastModified: now,
      seq: ++this.seq,
    };
  }

  private fqNameOf(type: ObjectType, body: ObjectBody): string[] {
    if (Array.isArray(body.fq_name)) {
      if (body.fq_name.length === 0 || !body.fq_name.every((p) => typeof p === 'string'))
        throw new Invalid(`fq_name must be a non-empty list of strings`);
      return body.fq_name as string[];
    }
    if (body.fq_name !== undefined) throw new Invalid(`fq_name must be a non-empty list of strings`);
    if (typeof body.name === 'string' && SCHEMA[type].parents.length === 0) return [body.name];
    if (typeof body.name === 'string' && typeof body.parent_uuid === 'string') {
      const parent = this.byUuid.get(body.parent_uuid);
      if (!parent) throw new Invalid(`Parent ${body.parent_uuid} does not exist`);
      return [...parent.fqName, body.name];
    }
    throw new Invalid(`Bad Request, no fq_name or parent_uuid in ${type} body`);
  }

  private validateProps(type: ObjectType, body: ObjectBody): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const declared = SCHEMA[type].props;
    for (const [key, value] of Object.entries(body)) {
      const spec = declared[key];
      if (spec) {
        if (value !== null) {
          checkField(`${type}.${key}`, spec, value);
          out[key] = value;
        }
      } else if (
        !ENVELOPE_KEYS.has(key) &&
        !key.endsWith('_refs') &&
        !key.endsWith('_back_refs') &&
        !isChildKey(type, key)
      ) {
        throw new Invalid(`Unknown field ${key} for ${type}`);
      }
    }
    return out;
  }

  private resolveRefs(type: ObjectType, body: ObjectBody): Map<ObjectType, StoredRef[]> {
    const refs = new Map<ObjectType, StoredRef[]>();
    for (const [key, value] of Object.entries(body)) {
      if (!key.endsWith('_refs') || key.endsWith('_back_refs')) continue;
      const target = parseTypeName(key.slice(0, -'_refs'.length));
      if (!target || !(target in SCHEMA[type].refs))
        throw new Invalid(`Unknown reference field ${key} for ${type}`);
      if (value === null) {
        refs.set(target, []);
        continue;
      }
      if (!Array.isArray(value)) throw new Invalid(`${type}.${key} must be a list of references`);
      const list: StoredRef[] = [];
      for (const [i, entry] of value.entries()) {
        const ref = asRecord(entry, `${type}.${key}[${i}]`);
        if (!ref) throw new Invalid(`${type}.${key}[${i}] must be an object with "to" or "uuid"`);
        let uuid: string | undefined;
        if (typeof ref.uuid === 'string') {
          const found = this.byUuid.get(ref.uuid);
          if (!found || found.type !== target) throw new NotFound(`Unknown id: ${ref.uuid}`);
          uuid = ref.uuid;
        } else if (Array.isArray(ref.to)) {
          uuid = this.uuidOf(target, ref.to as string[]);
          if (!uuid) throw new NotFound(`Name ${pyRepr(ref.to)} not found`);
        } else {
          throw new Invalid(`${type}.${key}[${i}] must have "to" or "uuid"`);
        }
        if (!list.some((r) => r.uuid === uuid)) list.push({ uuid, attr: ref.attr ?? null });
      }
      refs.set(target, list);
    }
    return refs;
  }

  private insert(obj: StoredObject): void {
    this.byUuid.set(obj.uuid, obj);
    this.byType.get(obj.type)!.set(obj.uuid, obj);
    this.byFq.get(obj.type)!.set(obj.fqKey, obj.uuid);
    this.sortedByFq.delete(obj.type);
    if (obj.parent) {
      let byType = this.childIndex.get(obj.parent.uuid);
      if (!byType) this.childIndex.set(obj.parent.uuid, (byType = new Map()));
      let set = byType.get(obj.type);
      if (!set) byType.set(obj.type, (set = new Set()));
      set.add(obj.uuid);
    }
    this.indexRefs(obj);
  }

  private remove(obj: StoredObject): void {
    this.byUuid.delete(obj.uuid);
    this.byType.get(obj.type)!.delete(obj.uuid);
    this.byFq.get(obj.type)!.delete(obj.fqKey);
    this.sortedByFq.delete(obj.type);
    if (obj.parent) this.childIndex.get(obj.parent.uuid)?.get(obj.type)?.delete(obj.uuid);
    this.childIndex.delete(obj.uuid);
    this.backRefIndex.delete(obj.uuid);
    this.unindexRefs(obj);
    this.emit({ kind: 'delete', object: obj });
  }

  private indexRefs(obj: StoredObject): void {
    for (const list of obj.refs.values())
      for (const ref of list) {
        let byType = this.backRefIndex.get(ref.uuid);
        if (!byType) this.backRefIndex.set(ref.uuid, (byType = new Map()));
        let sources = byType.get(obj.type);
        if (!sources) byType.set(obj.type, (sources = new Map()));
        sources.set(obj.uuid, ref.attr);
      }
  }

  private unindexRefs(obj: StoredObject): void {
    for (const list of obj.refs.values())
      for (const ref of list) this.backRefIndex.get(ref.uuid)?.get(obj.type)?.delete(obj.uuid);
  }

  private createDefaultRoutingInstance(vn: StoredObject): void {
    const name = vn.fqName[vn.fqName.length - 1]!;
    this.create('routing-instance', {
      fq_name: [...vn.fqName, name],
      parent_type: 'virtual-network',
      routing_instance_is_default: true,
    });
  }

  /** Naive UTC ISO-8601 with microseconds, strictly increasing across the store. */
  private timestamp(): string {
    const micros = Math.max(this.clock.now() * 1000, this.lastMicros + 1);
    this.lastMicros = micros;
    const iso = new Date(Math.floor(micros / 1000)).toISOString().slice(0, 19);
    return `${iso}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }
}

function isChildKey(type: ObjectType, key: string): boolean {
  return CHILD_TYPES[type].some((child) => childField(child) === key);
}

function matchesFilter(obj: StoredObject, key: string, value: unknown): boolean {
  if (key === 'display_name') return obj.displayName === value;
  if (key === 'name') return obj.fqName[obj.fqName.length - 1] === value;
  if (key === 'uuid') return obj.uuid === value;
  return deepEqual(obj.props[key] ?? null, value);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

function checkField(path: string, spec: FieldSpec, value: unknown): void {
  if (value === null) return;
  switch (spec.kind) {
    case 'scalar':
      if (typeof value === 'object')
        throw new Invalid(`${path} must be a string, number or boolean, not ${kindOf(value)}`);
      if (spec.default !== null && spec.default !== undefined && typeof value !== typeof spec.default)
        throw new Invalid(`${path} must be a ${typeof spec.default}, not ${kindOf(value)}`);
      return;
    case 'list':
      if (!Array.isArray(value)) throw new Invalid(`${path} must be a list, not ${kindOf(value)}`);
      return;
    case 'struct': {
      const record = asRecord(value, path);
      if (!record) throw new Invalid(`${path} must be an object, not ${kindOf(value)}`);
      for (const [key, inner] of Object.entries(record)) {
        const field = spec.fields[key];
        if (!field) throw new Invalid(`${path} has no field ${key}`);
        checkField(`${path}.${key}`, field, inner);
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
    throw new Invalid(`${path} must be an object, not ${kindOf(value)}`);
  return value as Record<string, unknown>;
}

function requireString(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new Invalid(`${path} must be a string, not ${kindOf(value)}`);
  return value;
}

function parseAnnotations(value: unknown): { key: string; value: string }[] {
  const record = asRecord(value, 'annotations');
  const pairs = record?.key_value_pair ?? [];
  if (!Array.isArray(pairs)) throw new Invalid('annotations.key_value_pair must be a list');
  const byKey = new Map<string, string>();
  for (const [i, pair] of pairs.entries()) {
    const kv = asRecord(pair, `annotations.key_value_pair[${i}]`);
    if (!kv || typeof kv.key !== 'string')
      throw new Invalid(`annotations.key_value_pair[${i}] must be {"key": string, "value": string}`);
    byKey.set(kv.key, kv.value == null ? '' : String(kv.value));
  }
  return [...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, v]) => ({ key, value: v }));
}

function sameFqName(value: unknown, fqName: readonly string[]): boolean {
  return Array.isArray(value) && value.length === fqName.length && value.every((p, i) => p === fqName[i]);
}

/** Python's repr of a list of strings, as the API server formats fq_names in messages. */
export function pyRepr(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => pyRepr(v)).join(', ')}]`;
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return String(value);
}

export { isObjectType };
