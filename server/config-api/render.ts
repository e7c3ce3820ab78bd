// Renders stored objects as the VNC API server does (vnc_cassandra `_render_obj_from_db`):
// envelope, every declared property with its defaults, refs, back-refs and children.

import {
  CHILD_TYPES,
  SCHEMA,
  backRefField,
  childField,
  refField,
  type FieldSpec,
  type ObjectType,
} from '@model/contrail/schema.ts';
import type { ConfigStore, StoredObject } from './store.ts';

/** An unsigned 64-bit integer that must reach the JSON text exactly (see `toVncJson`). */
export class U64 {
  constructor(readonly digits: string) {}
  toJSON(): string {
    return `\u0000u64:${this.digits}`;
  }
}

const U64_MARK = /"\\u0000u64:(\d+)"/g;

/** JSON text in which every U64 is a bare integer literal, never rounded through a double. */
export function toVncJson(value: unknown): string {
  return JSON.stringify(value).replace(U64_MARK, '$1');
}

export interface RenderOptions {
  /** `http://host:port` for hrefs, or null for `exclude_hrefs`. */
  baseUrl: string | null;
  /** `fields=`: only these props/refs/back-refs/children (envelope always present). */
  fields?: ReadonlySet<string>;
  excludeBackRefs?: boolean;
  excludeChildren?: boolean;
  /** List detail mode: props and refs only, refs without href (unless fields name more). */
  detail?: boolean;
}

export function renderObject(
  store: ConfigStore,
  obj: StoredObject,
  opts: RenderOptions,
): Record<string, unknown> {
  const { baseUrl, fields } = opts;
  const href = (type: ObjectType, uuid: string) => `${baseUrl}/${type}/${uuid}`;
  const want = (key: string) => fields === undefined || fields.has(key);
  const out: Record<string, unknown> = {};

  out.uuid = obj.uuid;
  out.name = obj.fqName[obj.fqName.length - 1];
  out.fq_name = obj.fqName;
  if (obj.parent) {
    out.parent_type = obj.parent.type;
    out.parent_uuid = obj.parent.uuid;
    if (baseUrl !== null) out.parent_href = href(obj.parent.type, obj.parent.uuid);
  }
  if (baseUrl !== null) out.href = href(obj.type, obj.uuid);
  if (want('display_name')) out.display_name = obj.displayName;
  out.id_perms = {
    enable: obj.idPerms.enable,
    uuid: { uuid_mslong: new U64(obj.uuidMslong), uuid_lslong: new U64(obj.uuidLslong) },
    created: obj.created,
    last_modified: obj.lastModified,
    description: obj.idPerms.description,
    creator: obj.idPerms.creator,
    user_visible: obj.idPerms.userVisible,
    permissions: obj.idPerms.permissions,
  };
  out.perms2 = { owner: obj.perms2Owner, owner_access: 7, global_access: 0, share: [] };
  if (want('annotations')) out.annotations = obj.annotations ? { key_value_pair: obj.annotations } : null;

  const schema = SCHEMA[obj.type];
  for (const [key, spec] of Object.entries(schema.props)) {
    if (want(key)) out[key] = renderField(spec, obj.props[key]);
  }

  const refHref = baseUrl !== null && !(opts.detail && fields === undefined);
  for (const target of Object.keys(schema.refs) as ObjectType[]) {
    const key = refField(target);
    const refs = obj.refs.get(target);
    if (!refs || refs.length === 0 || !want(key)) continue;
    out[key] = refs.map((ref) => {
      const to = store.get(ref.uuid)?.fqName ?? [];
      return refHref
        ? { to, attr: ref.attr, uuid: ref.uuid, href: href(target, ref.uuid) }
        : { to, attr: ref.attr, uuid: ref.uuid };
    });
  }

  const linksByDefault = !opts.detail;
  if (!opts.excludeBackRefs) {
    for (const source of store.backRefTypes(obj.uuid)) {
      const key = backRefField(source);
      if (fields ? !fields.has(key) : !linksByDefault) continue;
      out[key] = store
        .backRefs(obj.uuid, source)
        .sort((a, b) => a.object.seq - b.object.seq)
        .map(({ object, attr }) => withHref({ to: object.fqName, attr, uuid: object.uuid }, baseUrl, source));
    }
  }
  if (!opts.excludeChildren) {
    for (const childType of CHILD_TYPES[obj.type]) {
      const key = childField(childType);
      if (fields ? !fields.has(key) : !linksByDefault) continue;
      const children = store.children(obj.uuid, childType);
      if (children.length === 0) continue;
      out[key] = children.map((c) => withHref({ to: c.fqName, uuid: c.uuid }, baseUrl, childType));
    }
  }
  return out;
}

function withHref<T extends { uuid: string }>(link: T, baseUrl: string | null, type: ObjectType): T {
  return baseUrl === null ? link : { ...link, href: `${baseUrl}/${type}/${link.uuid}` };
}

/** A property as generateDS serialises it: structs with every field, lists as [], unset as null. */
function renderField(spec: FieldSpec, value: unknown): unknown {
  switch (spec.kind) {
    case 'scalar':
      return value === undefined ? (spec.default ?? null) : value;
    case 'list':
      return value === undefined || value === null ? [] : value;
    case 'struct': {
      if (value === undefined || value === null) return null;
      const given = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(spec.fields)) out[key] = renderField(field, given[key]);
      return out;
    }
  }
}
