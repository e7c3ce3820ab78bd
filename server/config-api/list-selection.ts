// The `GET /<type>s` (and `POST /list-bulk-collection`) selection as contrail-api makes it:
// anchors, filters, order and page_marker paging (api_server.py `_list_collection`,
// vnc_cassandra.py `object_list`). Reads the store through its view; never writes.

import { SCHEMA, type ObjectType } from '@model/contrail/schema.ts';
import type { SortedIndex } from './sorted-index.ts';
import type { StoreView, StoredObject } from './stored-object.ts';

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

/** Properties every type has besides its declared ones (contrail-api stores them as props). */
const COMMON_PROPS = new Set(['display_name', 'id_perms', 'perms2', 'annotations']);

export function listKey(obj: StoredObject): string {
  return `${obj.fqKey}:${obj.uuid}`;
}

function isAnchored(query: ListQuery): boolean {
  return Boolean(
    query.parentUuids || query.parentFqName || query.backRefUuids || query.objUuids || query.fqNames,
  );
}

/**
 * Anchors take precedence parent > back_ref > obj_uuids/fq_names; the lower ones then only
 * filter. Order: unanchored by `<fq_name joined by ':'>:<uuid>` (its marker), parent-anchored by
 * creation, back_ref-anchored by source uuid per anchor, obj_uuids in request order; paged
 * anchored lists by uuid.
 */
export function selectList(
  view: StoreView,
  sorted: SortedIndex,
  type: ObjectType,
  query: ListQuery,
  page: PageRequest | undefined,
): ListResult {
  const match = compileFilters(type, query.filters);
  if (!isAnchored(query)) return selectUnanchored(view, sorted, match, page);
  const anchored = selectAnchored(view, type, query);
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

function selectAnchored(view: StoreView, type: ObjectType, query: ListQuery): StoredObject[] {
  let objUuids: string[] | undefined = query.objUuids ? [...query.objUuids] : undefined;
  if (query.fqNames) {
    const resolved = query.fqNames.flatMap((fq) => view.uuidOf(type, fq) ?? []);
    // contrail-api answers an empty list at once when no fq_name resolves (AS:1698-1710).
    if (resolved.length === 0) return [];
    objUuids = [...(objUuids ?? []), ...resolved];
  }
  const parents = new Set(query.parentUuids ?? []);
  if (query.parentFqName) {
    const { fqName, type: parentType } = query.parentFqName;
    for (const t of parentType ? [parentType] : SCHEMA[type].parents) {
      const uuid = view.uuidOf(t, fqName);
      if (uuid) parents.add(uuid);
    }
  }
  const objSet = objUuids ? new Set(objUuids) : undefined;
  const backRefSet = query.backRefUuids ? new Set(query.backRefUuids) : undefined;

  if (parents.size > 0) {
    let out: StoredObject[] = [];
    for (const parent of parents) out.push(...view.children(parent, type));
    if (parents.size > 1) out.sort((a, b) => a.seq - b.seq);
    if (backRefSet) out = out.filter((o) => referencesAny(o, backRefSet));
    if (objSet) out = out.filter((o) => objSet.has(o.uuid));
    return out;
  }
  if (backRefSet) {
    const seen = new Set<string>();
    const out: StoredObject[] = [];
    for (const target of backRefSet)
      for (const { object } of view.backRefs(target, type))
        if (!seen.has(object.uuid) && (!objSet || objSet.has(object.uuid))) {
          seen.add(object.uuid);
          out.push(object);
        }
    return out;
  }
  if (objSet) {
    const out: StoredObject[] = [];
    for (const uuid of objSet) {
      const obj = view.get(uuid);
      if (obj && obj.type === type) out.push(obj);
    }
    return out;
  }
  // Only parent anchors were given and none resolved.
  return [];
}

function selectUnanchored(
  view: StoreView,
  sorted: SortedIndex,
  match: ((obj: StoredObject) => boolean) | undefined,
  page: PageRequest | undefined,
): ListResult {
  const { keys, uuids } = sorted.read();
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
    const obj = view.get(uuids[i]!)!;
    if (!match || match(obj)) objects.push(obj);
  }
  if (!page) return { objects };
  let more = false;
  for (; i < uuids.length && !more; i++) more = !match || match(view.get(uuids[i]!)!);
  const last = objects[objects.length - 1];
  return { objects, marker: more && last ? listKey(last) : null };
}

function referencesAny(obj: StoredObject, targets: ReadonlySet<string>): boolean {
  for (const [, list] of obj.refs) for (const ref of list) if (targets.has(ref.uuid)) return true;
  return false;
}

/**
 * contrail-api's filter semantics (vnc_cassandra 819-860): only property keys count; with none,
 * the filter is ignored. Otherwise every property key must hold one of its values; a key that is
 * not a stored scalar-comparable property (or a non-property key) excludes the object. Keys are
 * looked up as own properties only, so `constructor` or `toString` is just an unknown key.
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
  const isProp = (key: string) => Object.hasOwn(declared, key) || COMMON_PROPS.has(key);
  if (![...byKey.keys()].some(isProp)) return undefined;
  const clauses = [...byKey];
  return (obj) =>
    clauses.every(([key, values]) => {
      if (!isProp(key) || key === 'annotations') return false;
      const stored =
        key === 'display_name'
          ? obj.displayName
          : key === 'id_perms' || key === 'perms2' || !Object.hasOwn(obj.props, key)
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
