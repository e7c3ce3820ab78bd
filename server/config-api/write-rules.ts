// Contrail's write rules for the config store: what a create, an update, a delete, a chown or a
// chmod must satisfy and the object it produces (api_server.py http_resource_create/update/delete,
// `_post_validate`, `_validate_props_in_request`, `_ensure_id_perms_present`,
// `_ensure_perms2_present`, obj_chown/obj_chmod; resources/virtual_network.py,
// virtual_machine_interface.py, instance_ip.py). Pure over the store's read view: every check
// runs before anything is written, so a refused write changes nothing.

import {
  CHILD_TYPES,
  SCHEMA,
  childField,
  parseTypeName,
  refField,
  type FieldSpec,
  type ObjectType,
} from '@model/contrail/schema.ts';
import { macFromUuid } from '@model/contrail/names.ts';
import type { PermType } from '@model/contrail/types.ts';
import { isUuid, type IdSource } from '@server/ids.ts';
import type { AddressManager } from './addresses.ts';
import { Conflict, DependentsExist, Forbidden, Invalid, NotFound } from './errors.ts';
import { checkField, kindOf, type ErrorPrefix } from './field-check.ts';
import { normaliseCollection } from './prop-collection.ts';
import { pyPformat, pyRepr } from './python-format.ts';
import type { ObjectBody, Perms2, Share, StoreView, StoredObject, StoredRef } from './stored-object.ts';

/** What the rules need besides the read view: allocators, ids and the store's clock. */
export interface RuleContext {
  readonly view: StoreView;
  readonly addresses: AddressManager;
  readonly newId: IdSource;
  /** A fresh, store-wide strictly increasing timestamp (also the ETag). */
  timestamp(): string;
  nextSeq(): number;
}

export type Operation = 'create' | 'http_put' | 'ref-update' | 'prop-collection-update';

const DEFAULT_PERMISSIONS: PermType = Object.freeze({
  owner: 'cloud-admin',
  owner_access: 7,
  group: 'cloud-admin-group',
  group_access: 7,
  other_access: 7,
});

/** The id_perms of nearly every object, shared rather than allocated per object. */
export const DEFAULT_ID_PERMS: StoredObject['idPerms'] = Object.freeze({
  enable: true,
  description: null,
  creator: null,
  userVisible: true,
  permissions: DEFAULT_PERMISSIONS,
});

export const NO_REFS: ReadonlyMap<ObjectType, readonly StoredRef[]> = new Map();
const NO_SHARE: readonly Share[] = Object.freeze([]);

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

const access = (): FieldSpec => ({ kind: 'integer', default: null, range: [0, 7] });
/** PermType2 (vnc_cfg.xsd): owner, owner_access, global_access, share. */
const PERMS2_SPEC: FieldSpec = {
  kind: 'struct',
  fields: {
    owner: { kind: 'string' },
    owner_access: access(),
    global_access: access(),
    share: {
      kind: 'list',
      items: { kind: 'struct', fields: { tenant: { kind: 'string' }, tenant_access: access() } },
    },
  },
};
/** IdPermsType: only enable, description (and at create user_visible, creator) are writable. */
const ID_PERMS_SPEC: FieldSpec = {
  kind: 'struct',
  fields: {
    permissions: { kind: 'untyped' },
    uuid: { kind: 'untyped' },
    enable: { kind: 'boolean' },
    created: { kind: 'untyped' },
    last_modified: { kind: 'untyped' },
    description: { kind: 'string' },
    user_visible: { kind: 'boolean' },
    creator: { kind: 'string' },
  },
};
const ANNOTATIONS_SPEC: FieldSpec = {
  kind: 'struct',
  fields: {
    key_value_pair: {
      kind: 'list',
      items: { kind: 'struct', fields: { key: { kind: 'string' }, value: { kind: 'string' } } },
    },
  },
};

/** PolicyBasedForwardingRuleType(direction="both").__dict__, in its field order. */
const DEFAULT_RI_ATTR = Object.freeze({
  direction: 'both',
  vlan_tag: null,
  src_mac: null,
  dst_mac: null,
  mpls_label: null,
  service_chain_address: null,
  ipv6_service_chain_address: null,
  protocol: null,
});

const propertyPrefix = (op: Operation): ErrorPrefix => `Bad property in ${op}: `;
const referencePrefix = (op: Operation): ErrorPrefix => `Bad reference in ${op}: `;

/** XML 1.0 illegal characters, which contrail-api refuses in names. */
function hasIllegalXmlChars(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || (c >= 0xd800 && c <= 0xdfff) || c >= 0xfffe)
      return true;
  }
  return false;
}

// ---- create ------------------------------------------------------------------------------------

/** The checks of contrail-api's create, in its order (AS:976-1250), then the new object. */
export function prepareCreate(ctx: RuleContext, type: ObjectType, body: ObjectBody): StoredObject {
  const { view } = ctx;
  const schema = SCHEMA[type];
  const fqName = fqNameOf(view, type, body);
  const name = fqName[fqName.length - 1]!;
  if (hasIllegalXmlChars(name)) throw new Invalid('Bad Request, name has illegal xml characters');
  if (name.includes(':')) throw new Invalid(`Bad Request, name has one of invalid chars {':'}`);
  for (const part of fqName.slice(0, -1))
    if (part.includes(':'))
      throw new Invalid(`Bad Request, fq_name element ${pyRepr(part)} has one of invalid chars {':'}`);

  let props = checkProps(type, body, 'create');
  checkRefFields(type, body, 'create');
  const displayName = body.display_name == null ? name : requireString(body.display_name, 'display_name');
  const annotations = body.annotations == null ? null : parseAnnotations(body.annotations, 'create');
  const idPermsBody = checkRecord(body.id_perms, ID_PERMS_SPEC, 'create', 'id_perms');
  const perms2Body = checkRecord(body.perms2, PERMS2_SPEC, 'create', 'perms2');

  const fqKey = fqName.join(':');
  const existingFq = view.uuidOf(type, fqName);
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
  let parent: StoredObject | undefined;
  if (parentType === undefined) {
    if (fqName.length !== 1)
      throw new Invalid(`Invalid fq-name of an object with no parent: ${pyRepr(fqName)}`);
  } else {
    if (fqName.length < 2)
      throw new Invalid(`Invalid fq-name for object with parent_type ${parentType}: ${pyRepr(fqName)}`);
    const parentUuid = view.uuidOf(parentType, fqName.slice(0, -1));
    parent = parentUuid === undefined ? undefined : view.get(parentUuid);
    if (!parent)
      throw new Invalid(`Parent ${pyPformat(fqName.slice(0, -1))} type ${parentType} does not exist`);
  }

  let uuid: string;
  if (body.uuid !== undefined && body.uuid !== null) {
    uuid = typeof body.uuid === 'string' ? body.uuid : JSON.stringify(body.uuid);
    if (typeof body.uuid !== 'string' || !isUuid(uuid)) throw new Invalid(`Invalid UUID format: ${uuid}`);
    const existing = view.get(uuid);
    if (existing) throw new Conflict(`${uuid} already exists with fq_name: ${pyPformat(existing.fqName)}`);
  } else {
    uuid = ctx.newId();
  }
  let refs = resolveRefs(view, type, body, 'create', NO_REFS);
  const perms2 = createPerms2(type, uuid, parent, perms2Body);

  // The resource classes' pre_dbe_create hooks, last because they allocate.
  switch (type) {
    case 'virtual-network':
      props = networkCreate(ctx, props, refs);
      refs = withSubnetUuids(ctx, refs);
      break;
    case 'virtual-machine-interface':
      ({ props, refs } = interfaceCreate(view, uuid, props, refs));
      break;
    case 'instance-ip':
      props = instanceIpCreate(ctx, props, refs);
      break;
  }

  const now = ctx.timestamp();
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
    idPerms: mergeIdPerms(idPermsBody, DEFAULT_ID_PERMS, true),
    perms2,
    created: now,
    lastModified: now,
    seq: ctx.nextSeq(),
  };
}

/** `_ensure_perms2_present`: a project owns itself, others inherit their parent's owner. */
function createPerms2(
  type: ObjectType,
  uuid: string,
  parent: StoredObject | undefined,
  given: Record<string, unknown> | undefined,
): Perms2 {
  const owner =
    type === 'project'
      ? uuid.replace(/-/g, '')
      : parent && parent.type !== 'domain'
        ? parent.perms2.owner
        : 'cloud-admin';
  // The request's perms2 keys then override these defaults, owner included (AS `_ensure_perms2_present`).
  return mergePerms2({ owner, ownerAccess: 7, globalAccess: 0, share: NO_SHARE }, given);
}

/** The request's perms2 keys over `base` (create: over the defaults; update: over the stored). */
function mergePerms2(base: Perms2, given: Record<string, unknown> | undefined): Perms2 {
  if (!given) return base;
  const share = Array.isArray(given.share) ? sharesOf(given.share) : base.share;
  return {
    owner: typeof given.owner === 'string' ? given.owner : base.owner,
    ownerAccess: typeof given.owner_access === 'number' ? given.owner_access : base.ownerAccess,
    globalAccess: typeof given.global_access === 'number' ? given.global_access : base.globalAccess,
    share,
  };
}

function sharesOf(list: readonly unknown[]): Share[] {
  return list.flatMap((item) => {
    const s = item as { tenant?: unknown; tenant_access?: unknown } | null;
    return s && typeof s.tenant === 'string' && typeof s.tenant_access === 'number'
      ? [{ tenant: s.tenant, tenantAccess: s.tenant_access }]
      : [];
  });
}

/** virtual_network.py pre_dbe_create: the id is the API server's to allocate (403 if given). */
function networkCreate(
  ctx: RuleContext,
  props: Record<string, unknown>,
  refs: ReadonlyMap<ObjectType, readonly StoredRef[]>,
): Record<string, unknown> {
  if (props.virtual_network_network_id !== undefined)
    throw new Forbidden('Cannot set the virtual network ID');
  checkFlatSubnets(ctx.view, refs);
  return { ...props, virtual_network_network_id: ctx.addresses.nextNetworkId() };
}

/** `_check_ipam_network_subnets`: a flat-subnet IPAM link may not carry user-defined subnets. */
function checkFlatSubnets(view: StoreView, refs: ReadonlyMap<ObjectType, readonly StoredRef[]>): void {
  for (const ref of refs.get('network-ipam') ?? []) {
    if (view.get(ref.uuid)?.props.ipam_subnet_method !== 'flat-subnet') continue;
    const subnets = (ref.attr as { ipam_subnets?: unknown } | null)?.ipam_subnets;
    if (Array.isArray(subnets) && subnets.some((s) => typeof s?.subnet?.ip_prefix === 'string'))
      throw new Invalid('with flat-subnet, network can not have user-defined subnet');
  }
}

/** `update_subnet_uuid`: every user-defined subnet on a network → IPAM link gets a subnet_uuid. */
function withSubnetUuids(
  ctx: RuleContext,
  refs: ReadonlyMap<ObjectType, readonly StoredRef[]>,
): ReadonlyMap<ObjectType, readonly StoredRef[]> {
  const links = refs.get('network-ipam');
  if (!links) return refs;
  let changed = false;
  const next = links.map((ref) => {
    const attr = ref.attr as { ipam_subnets?: unknown } | null;
    if (!attr || !Array.isArray(attr.ipam_subnets)) return ref;
    const subnets = attr.ipam_subnets.map((s: Record<string, unknown> | null) => {
      if (
        !s ||
        s.subnet_uuid != null ||
        typeof (s.subnet as { ip_prefix?: unknown } | null)?.ip_prefix !== 'string'
      )
        return s;
      changed = true;
      return { ...s, subnet_uuid: ctx.newId() };
    });
    return { uuid: ref.uuid, attr: { ...attr, ipam_subnets: subnets } };
  });
  if (!changed) return refs;
  return new Map(refs).set('network-ipam', next);
}

/**
 * virtual_machine_interface.py: a MAC from the uuid when none is given (`mac_alloc`), and
 * (post_dbe_create) a ref to the network's default routing instance with
 * PolicyBasedForwardingRuleType(direction="both").
 */
function interfaceCreate(
  view: StoreView,
  uuid: string,
  props: Record<string, unknown>,
  refs: ReadonlyMap<ObjectType, readonly StoredRef[]>,
): { props: Record<string, unknown>; refs: ReadonlyMap<ObjectType, readonly StoredRef[]> } {
  const macs = props.virtual_machine_interface_mac_addresses as { mac_address?: unknown } | undefined;
  const given = Array.isArray(macs?.mac_address) && macs.mac_address.length > 0;
  const outProps = given
    ? props
    : { ...props, virtual_machine_interface_mac_addresses: { mac_address: [macFromUuid(uuid)] } };
  const vnRef = refs.get('virtual-network')?.[0];
  const ri = vnRef ? defaultRoutingInstance(view, vnRef.uuid) : undefined;
  if (!ri) return { props: outProps, refs };
  const list = (refs.get('routing-instance') ?? []).filter((r) => r.uuid !== ri.uuid);
  list.push({ uuid: ri.uuid, attr: DEFAULT_RI_ATTR });
  list.sort((a, b) => (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0));
  return { props: outProps, refs: new Map(refs).set('routing-instance', list) };
}

function defaultRoutingInstance(view: StoreView, vnUuid: string): StoredObject | undefined {
  return view
    .children(vnUuid, 'routing-instance')
    .find((ri) => ri.props.routing_instance_is_default === true);
}

/** instance_ip.py pre_dbe_create: the address (allocated unless given and free) and its subnet. */
function instanceIpCreate(
  ctx: RuleContext,
  props: Record<string, unknown>,
  refs: ReadonlyMap<ObjectType, readonly StoredRef[]>,
): Record<string, unknown> {
  const assigned = ctx.addresses.assignInstanceIp(refs, props);
  if (!assigned) return props;
  const out: Record<string, unknown> = { ...props, instance_ip_address: assigned.address };
  if (assigned.subnetUuid !== null) out.subnet_uuid = assigned.subnetUuid;
  return out;
}

// ---- update ------------------------------------------------------------------------------------

/**
 * `PUT /<type>/<uuid>`: replaces the given props (null unsets), ref lists, display_name,
 * annotations, id_perms flags and perms2. Like contrail-api it ignores uuid, name, fq_name and
 * parent keys. Returns `previous` itself when nothing would change.
 */
export function prepareUpdate(
  ctx: RuleContext,
  previous: StoredObject,
  body: ObjectBody,
  op: Operation = 'http_put',
): StoredObject {
  const type = previous.type;
  const given = checkProps(type, body, op);
  checkRefFields(type, body, op);
  const displayName =
    body.display_name === undefined || body.display_name === null
      ? previous.displayName
      : requireString(body.display_name, 'display_name');
  const annotations =
    body.annotations === undefined ? previous.annotations : parseAnnotations(body.annotations, op);
  const idPermsBody = checkRecord(body.id_perms, ID_PERMS_SPEC, op, 'id_perms');
  const perms2Body = checkRecord(body.perms2, PERMS2_SPEC, op, 'perms2');
  // api_server.py http_resource_update (AS:1406-1409).
  if (perms2Body && typeof perms2Body.owner !== 'string')
    throw new Invalid('owner in perms2 must be present');
  const refs = resolveRefs(ctx.view, type, body, op, previous.refs);

  const props: Record<string, unknown> = { ...previous.props, ...given };
  for (const key of Object.keys(body))
    if (body[key] === null && Object.hasOwn(SCHEMA[type].props, key)) delete props[key];
  checkUpdateRules(ctx.view, previous, props, refs);

  const draft = {
    displayName,
    props,
    refs,
    annotations,
    idPerms: mergeIdPerms(idPermsBody, previous.idPerms, false),
    perms2: mergePerms2(previous.perms2, perms2Body),
  };
  if (isSameContent(previous, draft)) return previous;
  const next: StoredObject = { ...previous, ...draft, lastModified: ctx.timestamp() };
  // A list written whole gets positions 0, 1, … again.
  const positions = previous.listPositions;
  if (!positions || !Object.keys(positions).some((field) => Object.hasOwn(body, field))) return next;
  const kept = Object.fromEntries(Object.entries(positions).filter(([field]) => !Object.hasOwn(body, field)));
  const { listPositions: _dropped, ...rest } = next;
  return Object.keys(kept).length > 0 ? { ...rest, listPositions: kept } : rest;
}

/** The resource classes' pre_dbe_update rules for the types we serve. */
function checkUpdateRules(
  view: StoreView,
  previous: StoredObject,
  props: Readonly<Record<string, unknown>>,
  refs: ReadonlyMap<ObjectType, readonly StoredRef[]>,
): void {
  if (previous.type === 'virtual-network') {
    // virtual_network.py pre_dbe_update: the id is the server's.
    if (props.virtual_network_network_id !== previous.props.virtual_network_network_id)
      throw new Forbidden('Cannot update the virtual network ID');
    if (refs !== previous.refs) checkFlatSubnets(view, refs);
  }
  // instance_ip.py pre_dbe_update.
  if (previous.type === 'instance-ip' && props.instance_ip_address !== previous.props.instance_ip_address)
    throw new Invalid('Instance IP Address can not be changed');
}

/** Object.assign-free structural equality of two stored values (JSON data only). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => sameValue(v, bb[i]));
  }
  const ka = Object.keys(a);
  const rb = b as Record<string, unknown>;
  if (ka.length !== Object.keys(rb).length) return false;
  return ka.every((k) => Object.hasOwn(rb, k) && sameValue((a as Record<string, unknown>)[k], rb[k]));
}

function sameRefs(a: StoredObject['refs'], b: StoredObject['refs']): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (const [type, list] of a) {
    const other = b.get(type);
    if (!other || other.length !== list.length) return false;
    for (let i = 0; i < list.length; i++)
      if (list[i]!.uuid !== other[i]!.uuid || !sameValue(list[i]!.attr, other[i]!.attr)) return false;
  }
  return true;
}

function isSameContent(
  previous: StoredObject,
  draft: Pick<StoredObject, 'displayName' | 'props' | 'refs' | 'annotations' | 'idPerms' | 'perms2'>,
): boolean {
  return (
    previous.displayName === draft.displayName &&
    sameRefs(previous.refs, draft.refs) &&
    sameValue(previous.props, draft.props) &&
    sameValue(previous.annotations, draft.annotations) &&
    sameValue(previous.idPerms, draft.idPerms) &&
    sameValue(previous.perms2, draft.perms2)
  );
}

/** `POST /ref-update`: the PUT body that adds (or re-attributes) or removes one reference. */
export function refUpdateBody(
  view: StoreView,
  obj: StoredObject,
  refType: ObjectType,
  refUuid: string,
  operation: 'ADD' | 'DELETE',
  attr: unknown,
): ObjectBody | undefined {
  if (!Object.hasOwn(SCHEMA[obj.type].refs, refType))
    throw new Invalid(`Bad Request: ${obj.type} has no reference to ${refType}`);
  const current = obj.refs.get(refType) ?? [];
  let next: StoredRef[];
  if (operation === 'ADD') {
    const target = view.get(refUuid);
    if (!target || target.type !== refType) throw new NotFound(`Unknown id: ${refUuid}`);
    next = [...current.filter((r) => r.uuid !== refUuid), { uuid: refUuid, attr: attr ?? null }];
  } else {
    if (!current.some((r) => r.uuid === refUuid)) return undefined;
    next = current.filter((r) => r.uuid !== refUuid);
  }
  return { [refField(refType)]: next.map((r) => ({ uuid: r.uuid, attr: r.attr })) };
}

// ---- delete ------------------------------------------------------------------------------------

/**
 * `DELETE /<type>/<uuid>`: refused (409) while children or back-refs remain; like contrail-api,
 * only the first blocking child field, then the first back-ref field, is reported. A virtual
 * network's default routing instance goes with it (returned).
 */
export function checkDelete(view: StoreView, obj: StoredObject): StoredObject | undefined {
  const defaultRi = obj.type === 'virtual-network' ? defaultRoutingInstance(view, obj.uuid) : undefined;
  for (const childType of CHILD_TYPES[obj.type]) {
    const kids = view.childUuids(obj.uuid, childType);
    if (!kids) continue;
    const blocking = [...kids].filter((u) => u !== defaultRi?.uuid);
    if (blocking.length > 0)
      throw new DependentsExist(
        'Delete when children still present: ',
        blocking.map((u) => `/${childType}/${u}`),
      );
  }
  for (const target of defaultRi ? [obj, defaultRi] : [obj])
    for (const [sourceType, sources] of view.referrers(target.uuid))
      if (sources.length > 0)
        throw new DependentsExist(
          'Delete when resource still referred: ',
          sources.map((u) => `/${sourceType}/${u}`),
        );
  return defaultRi;
}

// ---- chown / chmod -----------------------------------------------------------------------------

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
/** api_server.py `invalid_uuid`: its `re_uuid` accepts uuids with or without dashes. */
export const isPermsUuid = (text: unknown): text is string => typeof text === 'string' && UUID_RE.test(text);
/** `invalid_access`: an int (not a bool) from 0 to 7. */
const isAccess = (value: unknown): value is number =>
  Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 7;
/** cfgm_common PERMS2_VALID_SHARE_TYPES. */
const SHARE_TYPES = ['tenant', 'domain'];

/** `POST /chmod` (obj_chmod_http_post): the new perms2, validated as contrail-api does. */
export function chmodPerms2(obj: StoredObject, request: Record<string, unknown>): Perms2 {
  const { owner, share, owner_access: ownerAccess, global_access: globalAccess } = request;
  let next: Perms2 = obj.perms2;
  if (owner) {
    if (!isPermsUuid(owner)) throw new Invalid('Bad Request, invalid owner');
    next = { ...next, owner: owner.replace(/-/g, '') };
  }
  if (ownerAccess !== undefined && ownerAccess !== null) {
    if (!isAccess(ownerAccess)) throw new Invalid('Bad Request, invalid owner_access value');
    next = { ...next, ownerAccess };
  }
  if (share !== undefined && share !== null) {
    if (!Array.isArray(share)) throw new Invalid('Bad Request, invalid share list');
    const shares: Share[] = [];
    for (const item of share) {
      const tenant = (item as { tenant?: unknown } | null)?.tenant;
      const tenantAccess = (item as { tenant_access?: unknown } | null)?.tenant_access;
      // cfgm_common.utils.shareinfo_from_perms2_tenant: `[<share type>:]<uuid>`, tenant by default.
      const [shareType, shareId] =
        typeof tenant === 'string' && tenant.includes(':')
          ? [tenant.slice(0, tenant.indexOf(':')), tenant.slice(tenant.indexOf(':') + 1)]
          : ['tenant', tenant];
      if (!SHARE_TYPES.includes(shareType) || !isPermsUuid(shareId) || !isAccess(tenantAccess))
        throw new Invalid('Bad Request, invalid share list');
      shares.push({ tenant: tenant as string, tenantAccess });
    }
    next = { ...next, share: shares };
  }
  if (globalAccess !== undefined && globalAccess !== null) {
    if (!isAccess(globalAccess)) throw new Invalid('Bad Request, invalid global_access value');
    next = { ...next, globalAccess };
  }
  return next;
}

// ---- body checks -------------------------------------------------------------------------------

function fqNameOf(view: StoreView, type: ObjectType, body: ObjectBody): string[] {
  const fq = body.fq_name;
  if (fq !== undefined && fq !== null && !(Array.isArray(fq) && fq.length === 0)) {
    if (!Array.isArray(fq) || !fq.every((p) => typeof p === 'string'))
      throw new Invalid(`Bad Request, fq_name must be a list of strings, not ${kindOf(fq)}`);
    return fq as string[];
  }
  // Our extension: a name plus parent_uuid (or a bare name under config-root) is enough.
  if (typeof body.name === 'string' && body.name.length > 0) {
    if (SCHEMA[type].parents.length === 0) return [body.name];
    if (typeof body.parent_uuid === 'string') {
      const parent = view.get(body.parent_uuid);
      if (!parent) throw new Invalid(`Bad Request, parent_uuid ${body.parent_uuid} does not exist`);
      return [...parent.fqName, body.name];
    }
  }
  throw new Invalid('Bad Request, no fq_name in POST body');
}

function isChildKey(type: ObjectType, key: string): boolean {
  return CHILD_TYPES[type].some((child) => childField(child) === key) || key.endsWith('_back_refs');
}

/** The body's properties, each checked against its schema type (`_validate_props_in_request`). */
function checkProps(type: ObjectType, body: ObjectBody, op: Operation): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const declared = SCHEMA[type].props;
  for (const key of Object.keys(body)) {
    const value = body[key];
    if (Object.hasOwn(declared, key)) {
      if (value !== null)
        out[key] = normaliseCollection(
          type,
          key,
          checkField(propertyPrefix(op), `${type}.${key}`, declared[key]!, value),
        );
    } else if (!ENVELOPE_KEYS.has(key) && !key.endsWith('_refs') && !isChildKey(type, key)) {
      // contrail-api silently drops unknown keys; we refuse them so a typo is not lost.
      throw new Invalid(`${propertyPrefix(op)}${type} has no field ${key}`);
    }
  }
  return out;
}

/** Ref keys name a reference the type has, and hold lists of links with a valid attr. */
function checkRefFields(type: ObjectType, body: ObjectBody, op: Operation): void {
  const prefix = referencePrefix(op);
  for (const key of Object.keys(body)) {
    if (!key.endsWith('_refs') || key.endsWith('_back_refs')) continue;
    const target = parseTypeName(key.slice(0, -'_refs'.length));
    if (!target || !Object.hasOwn(SCHEMA[type].refs, target))
      throw new Invalid(`${prefix}${type} has no reference field ${key}`);
    const value = body[key];
    if (value === null) continue;
    if (!Array.isArray(value))
      throw new Invalid(`${prefix}${type}.${key} must be a list, not ${kindOf(value)}`);
    const attrSpec = SCHEMA[type].refs[target] ?? null;
    for (const [i, entry] of value.entries()) {
      const path = `${type}.${key}[${i}]`;
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
        throw new Invalid(`${prefix}${path} must be an object, not ${kindOf(entry)}`);
      const ref = entry as Record<string, unknown>;
      const hasTo = Array.isArray(ref.to) && ref.to.every((p) => typeof p === 'string');
      if (typeof ref.uuid !== 'string' && !hasTo)
        throw new Invalid(`${prefix}${path} needs "to" (fq_name) or "uuid"`);
      const attr = ref.attr ?? null;
      if (attrSpec === null) {
        // The link carries no attribute (ref_field_types link type 'None'): only null is stored.
        if (attr !== null) throw new Invalid(`${prefix}${path}.attr must be null, not ${kindOf(attr)}`);
      } else {
        checkField(prefix, `${path}.attr`, attrSpec, attr);
      }
    }
  }
}

/** The body's ref lists resolved to uuids (sorted by uuid), over `base` for the types not given. */
function resolveRefs(
  view: StoreView,
  type: ObjectType,
  body: ObjectBody,
  op: Operation,
  base: ReadonlyMap<ObjectType, readonly StoredRef[]>,
): ReadonlyMap<ObjectType, readonly StoredRef[]> {
  const verb = op === 'create' ? 'create' : 'update';
  let refs: Map<ObjectType, readonly StoredRef[]> | undefined;
  for (const key of Object.keys(body)) {
    if (!key.endsWith('_refs') || key.endsWith('_back_refs')) continue;
    const target = parseTypeName(key.slice(0, -'_refs'.length))!;
    const attrSpec = SCHEMA[type].refs[target] ?? null;
    refs ??= new Map(base);
    const value = body[key] as unknown[] | null;
    const byUuid = new Map<string, unknown>();
    for (const [i, entry] of (value ?? []).entries()) {
      const ref = entry as Record<string, unknown>;
      let uuid: string | undefined;
      if (typeof ref.uuid === 'string') {
        const found = view.get(ref.uuid);
        if (!found || found.type !== target)
          throw new Invalid(`Unknown reference in resource ${verb}: ${target} ${ref.uuid} not found`);
        uuid = ref.uuid;
      } else {
        uuid = view.uuidOf(target, ref.to as string[]);
        if (!uuid)
          throw new Invalid(
            `Unknown reference in resource ${verb}: ${target} ${pyPformat(ref.to)} not found`,
          );
      }
      const attr = attrSpec
        ? checkField(referencePrefix(op), `${type}.${key}[${i}].attr`, attrSpec, ref.attr ?? null)
        : null;
      byUuid.set(uuid, attr);
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

/** A record-typed envelope key (id_perms, perms2) checked against its type; undefined when absent. */
function checkRecord(
  value: unknown,
  spec: FieldSpec,
  op: Operation,
  key: string,
): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  return checkField(propertyPrefix(op), key, spec, value) as Record<string, unknown>;
}

/** The id_perms a writer may set over `base` (`_ensure_id_perms_present`). */
function mergeIdPerms(
  body: Record<string, unknown> | undefined,
  base: StoredObject['idPerms'],
  atCreate: boolean,
): StoredObject['idPerms'] {
  if (!body) return base;
  const next = {
    ...base,
    enable: typeof body.enable === 'boolean' ? body.enable : base.enable,
    description:
      body.description === undefined ? base.description : ((body.description as string | null) ?? null),
  };
  if (!atCreate) return next;
  return {
    ...next,
    creator: body.creator === undefined ? base.creator : ((body.creator as string | null) ?? null),
    userVisible: typeof body.user_visible === 'boolean' ? body.user_visible : base.userVisible,
  };
}

function requireString(value: unknown, path: string): string {
  if (typeof value !== 'string')
    throw new Invalid(`Bad Request, ${path} must be a string, not ${kindOf(value)}`);
  return value;
}

/** annotations (KeyValuePairs, a MapProperty keyed by `key`): pairs sorted by key, last one wins. */
function parseAnnotations(value: unknown, op: Operation): { key: string; value: string }[] | null {
  if (value === null) return null;
  const checked = checkField(propertyPrefix(op), 'annotations', ANNOTATIONS_SPEC, value) as {
    key_value_pair?: ({ key?: string | null; value?: string | null } | null)[] | null;
  };
  const byKey = new Map<string, string>();
  for (const [i, pair] of (checked.key_value_pair ?? []).entries()) {
    if (!pair || typeof pair.key !== 'string')
      throw new Invalid(
        `Bad Request, annotations.key_value_pair[${i}] must be {"key": string, "value": string}`,
      );
    byKey.set(pair.key, pair.value ?? '');
  }
  return [...byKey.keys()].sort().map((key) => ({ key, value: byKey.get(key)! }));
}
