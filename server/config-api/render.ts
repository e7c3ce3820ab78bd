// Renders stored objects as the VNC API server does (vnc_cassandra `_render_obj_from_db`, AS
// http_resource_read and list): envelope, every declared property with defaults, refs,
// back-refs and children, and the JSON text with exact 64-bit integers. Reads the store only.

import {
  CHILD_TYPES,
  REFERRING_TYPES,
  SCHEMA,
  collectionsOf,
  backRefField,
  childField,
  refField,
  type FieldSpec,
  type ObjectType,
} from '@model/contrail/schema.ts';
import type { ConfigStore, StoredObject } from './store.ts';
import { uuidLongs } from './uuid-longs.ts';

/** An unsigned 64-bit integer that must reach the JSON text exactly (see `toVncJson`). */
export class U64 {
  constructor(readonly digits: string) {}
  toJSON(): string {
    return `\u0000u64:${this.digits}`;
  }
}

const U64_MARK = /"\\u0000u64:(\d+)"/g;
const NON_ASCII = /[\u0080-\uffff]/g;

/**
 * JSON text as contrail-api sends it: every U64 a bare integer literal (never rounded through a
 * double) and non-ASCII escaped as \uXXXX (Python's ensure_ascii).
 */
export function toVncJson(value: unknown): string {
  const text = JSON.stringify(value).replace(U64_MARK, '$1');
  NON_ASCII.lastIndex = 0;
  return NON_ASCII.test(text)
    ? text.replace(NON_ASCII, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)
    : text;
}

export interface RenderOptions {
  /** `http://host:port` for hrefs, or null for `exclude_hrefs`. */
  baseUrl: string | null;
  /** `fields=`: only these props/refs/back-refs/children (the envelope is always present). */
  fields?: ReadonlySet<string> | undefined;
  excludeBackRefs?: boolean;
  excludeChildren?: boolean;
}

type Out = Record<string, unknown>;

/**
 * `GET /<type>/<uuid>`: uuid, name, fq_name, parent_type, parent_uuid, props, children, refs,
 * back-refs, href, parent_href (the key order of AS:1346-1361). With `fields`, only the named
 * props and links plus id_perms and perms2.
 */
export function renderObject(store: ConfigStore, obj: StoredObject, opts: RenderOptions): Out {
  const { baseUrl, fields } = opts;
  const out: Out = { uuid: obj.uuid, name: obj.fqName[obj.fqName.length - 1], fq_name: obj.fqName };
  if (obj.parent) {
    out.parent_type = obj.parent.type;
    out.parent_uuid = obj.parent.uuid;
  }
  renderProps(obj, out, fields, true);
  if (!opts.excludeChildren) renderChildren(store, obj, out, fields, baseUrl);
  renderRefs(store, obj, out, fields, baseUrl);
  if (!opts.excludeBackRefs) renderBackRefs(store, obj, out, fields, baseUrl);
  if (baseUrl !== null) {
    out.href = `${baseUrl}/${obj.type}/${obj.uuid}`;
    if (obj.parent) out.parent_href = `${baseUrl}/${obj.parent.type}/${obj.parent.uuid}`;
  }
  return out;
}

export interface ListEntryOptions {
  baseUrl: string | null;
  detail: boolean;
  fields: ReadonlySet<string> | undefined;
}

/**
 * One element of `GET /<type>s`. Plain: uuid, fq_name, [parent_*, fields…], href. Detail: the
 * object with props and refs (plus links named in `fields`), then href and name (VDB:2363-2372).
 * Links in lists carry no href; only the object's own href is added.
 */
export function renderListEntry(store: ConfigStore, obj: StoredObject, opts: ListEntryOptions): Out {
  const { fields } = opts;
  const out: Out = { uuid: obj.uuid, fq_name: obj.fqName };
  if (opts.detail || fields) {
    if (obj.parent) {
      out.parent_type = obj.parent.type;
      out.parent_uuid = obj.parent.uuid;
    }
    const selected = opts.detail ? undefined : fields;
    renderProps(obj, out, selected, false);
    renderRefs(store, obj, out, selected, null);
    if (fields) {
      renderChildren(store, obj, out, fields, null);
      renderBackRefs(store, obj, out, fields, null);
    }
  }
  if (opts.baseUrl !== null) out.href = `${opts.baseUrl}/${obj.type}/${obj.uuid}`;
  if (opts.detail) {
    out.name = obj.fqName[obj.fqName.length - 1];
    return { [obj.type]: out };
  }
  return out;
}

function renderProps(
  obj: StoredObject,
  out: Out,
  fields: ReadonlySet<string> | undefined,
  permsAlways: boolean,
): void {
  const want = (key: string) => fields === undefined || fields.has(key);
  if (want('display_name')) out.display_name = obj.displayName;
  if (permsAlways || want('id_perms')) {
    // Derived from the uuid when rendered: two fewer strings kept per stored object.
    const longs = uuidLongs(obj.uuid);
    out.id_perms = {
      enable: obj.idPerms.enable,
      uuid: { uuid_mslong: new U64(longs.mslong), uuid_lslong: new U64(longs.lslong) },
      created: obj.created,
      last_modified: obj.lastModified,
      description: obj.idPerms.description,
      creator: obj.idPerms.creator,
      user_visible: obj.idPerms.userVisible,
      permissions: obj.idPerms.permissions,
    };
  }
  if (permsAlways || want('perms2'))
    out.perms2 = {
      owner: obj.perms2.owner,
      owner_access: obj.perms2.ownerAccess,
      global_access: obj.perms2.globalAccess,
      share: obj.perms2.share.map((s) => ({ tenant: s.tenant, tenant_access: s.tenantAccess })),
    };
  // A map or list property lives in one Cassandra column per element: with none, it is absent.
  if (want('annotations') && obj.annotations && obj.annotations.length > 0)
    out.annotations = { key_value_pair: obj.annotations };
  const props = SCHEMA[obj.type].props;
  const collections = collectionsOf(obj.type);
  for (const key in props) {
    // A property never set is absent, as vnc_cassandra `_render_obj_from_db` reads only stored columns.
    if (!want(key) || !Object.hasOwn(obj.props, key)) continue;
    const value = obj.props[key];
    if (Object.hasOwn(collections, key) && isEmptyCollection(value)) continue;
    out[key] = renderField(props[key]!, value);
  }
}

function isEmptyCollection(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  const items = Object.values(value)[0];
  return !Array.isArray(items) || items.length === 0;
}

function renderRefs(
  store: ConfigStore,
  obj: StoredObject,
  out: Out,
  fields: ReadonlySet<string> | undefined,
  baseUrl: string | null,
): void {
  for (const target of Object.keys(SCHEMA[obj.type].refs) as ObjectType[]) {
    const refs = obj.refs.get(target);
    const key = refField(target);
    if (!refs || refs.length === 0 || (fields !== undefined && !fields.has(key))) continue;
    const attrSpec = SCHEMA[obj.type].refs[target] ?? null;
    out[key] = refs.map((ref) =>
      withHref(
        { to: store.get(ref.uuid)?.fqName ?? [], attr: renderAttr(attrSpec, ref.attr), uuid: ref.uuid },
        baseUrl,
        target,
      ),
    );
  }
}

function renderBackRefs(
  store: ConfigStore,
  obj: StoredObject,
  out: Out,
  fields: ReadonlySet<string> | undefined,
  baseUrl: string | null,
): void {
  for (const source of REFERRING_TYPES[obj.type]) {
    const key = backRefField(source);
    if (fields !== undefined && !fields.has(key)) continue;
    const links = store.backRefs(obj.uuid, source);
    if (links.length === 0) continue;
    const attrSpec = SCHEMA[source].refs[obj.type] ?? null;
    out[key] = links.map(({ object, attr }) =>
      withHref({ to: object.fqName, attr: renderAttr(attrSpec, attr), uuid: object.uuid }, baseUrl, source),
    );
  }
}

function renderChildren(
  store: ConfigStore,
  obj: StoredObject,
  out: Out,
  fields: ReadonlySet<string> | undefined,
  baseUrl: string | null,
): void {
  for (const childType of CHILD_TYPES[obj.type]) {
    const key = childField(childType);
    if (fields !== undefined && !fields.has(key)) continue;
    const children = store.children(obj.uuid, childType);
    if (children.length === 0) continue;
    out[key] = children.map((c) => withHref({ to: c.fqName, uuid: c.uuid }, baseUrl, childType));
  }
}

/** A ref, back-ref or child link, with its href unless hrefs are excluded. */
function withHref<T extends { uuid: string }>(
  link: T,
  baseUrl: string | null,
  type: ObjectType,
): T & { href?: string } {
  if (baseUrl !== null) (link as T & { href?: string }).href = `${baseUrl}/${type}/${link.uuid}`;
  return link;
}

/**
 * A stored property as contrail-api returns it. A struct comes back with every field of its type,
 * as the official client (generateDS `exportDict`) writes it: unset scalars as their xsd default
 * or null, unset lists as [], unset structs as null. Untyped subtrees are returned as stored.
 */
function renderField(spec: FieldSpec, value: unknown): unknown {
  switch (spec.kind) {
    case 'string':
    case 'integer':
    case 'boolean':
      return value === undefined ? (spec.default ?? null) : value;
    case 'list':
      if (value === undefined || value === null) return [];
      return Array.isArray(value) ? value.map((item) => renderItem(spec.items, item)) : value;
    case 'struct': {
      if (value === undefined || value === null || typeof value !== 'object') return null;
      const given = value as Record<string, unknown>;
      const out: Out = {};
      for (const key in spec.fields) out[key] = renderField(spec.fields[key]!, given[key]);
      return out;
    }
    case 'untyped':
      return value === undefined ? null : value;
  }
}

/** A link attribute: completed like a struct property when the link has a type, else as stored. */
function renderAttr(spec: FieldSpec | null, attr: unknown): unknown {
  return spec && attr !== null && attr !== undefined ? renderField(spec, attr) : (attr ?? null);
}

/** A list element: structs completed like properties, everything else as stored. */
function renderItem(spec: FieldSpec, value: unknown): unknown {
  return spec.kind === 'struct' && value !== null ? renderField(spec, value) : value;
}
