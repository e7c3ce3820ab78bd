// Saves the config store and the user-agent key/value store into a journal and reads them back:
// one record per object keyed by creation order, so a restart replays them in the order they
// were made (children order, uuids, timestamps and ETags unchanged) without running any write
// rule. The journal is any ordered key/value sink (server/persistence provides one).

import { SCHEMA, type ObjectType } from '@model/contrail/schema.ts';
import type { ConfigStore } from './store.ts';
import type { Perms2, StoreView, StoredObject, StoredRef } from './stored-object.ts';
import type { UserAgentKv } from './useragent-kv.ts';
import { uuidLongs } from './uuid-longs.ts';
import { DEFAULT_ID_PERMS, NO_REFS } from './write-rules.ts';

/** Where saved records go, and where they are read back from in key order. */
export interface RecordJournal {
  entries(): Iterable<readonly [string, unknown]>;
  put(key: string, value: unknown): void;
  remove(key: string): void;
}

const NO_SHARE: Perms2['share'] = Object.freeze([]);

/** Record layout version, so a later change can read or refuse older records. */
const RECORD_VERSION = 1;
const OBJECT_PREFIX = 'o/';
const KV_PREFIX = 'k/';

/** The compact saved form of a StoredObject (positional, to keep 250k records small). */
type ObjectRecord = [
  version: number,
  type: ObjectType,
  uuid: string,
  fqName: readonly string[],
  parent: [ObjectType, string] | null,
  displayName: string,
  props: Readonly<Record<string, unknown>>,
  refs: [ObjectType, [string, unknown][]][],
  annotations: StoredObject['annotations'],
  idPerms: [boolean, string | null, string | null, boolean] | null,
  perms2: [string, number, number, [string, number][]],
  created: string,
  lastModified: string,
  seq: number,
  listPositions: StoredObject['listPositions'] | null,
  /** `uuid_mslong`, `uuid_lslong`: derived from the uuid, kept so the layout stays version 1. */
  uuidLongs: [string, string],
];

/** Creation order as a key that sorts as text: `o/000000000042`. */
const objectKey = (seq: number) => `${OBJECT_PREFIX}${String(seq).padStart(12, '0')}`;

function toRecord(obj: StoredObject): ObjectRecord {
  const refs: [ObjectType, [string, unknown][]][] = [];
  for (const [type, list] of obj.refs) refs.push([type, list.map((r) => [r.uuid, r.attr])]);
  const id = obj.idPerms;
  const longs = uuidLongs(obj.uuid);
  return [
    RECORD_VERSION,
    obj.type,
    obj.uuid,
    obj.fqName,
    obj.parent ? [obj.parent.type, obj.parent.uuid] : null,
    obj.displayName,
    obj.props,
    refs,
    obj.annotations,
    id === DEFAULT_ID_PERMS ? null : [id.enable, id.description, id.creator, id.userVisible],
    [
      obj.perms2.owner,
      obj.perms2.ownerAccess,
      obj.perms2.globalAccess,
      obj.perms2.share.map((s) => [s.tenant, s.tenantAccess]),
    ],
    obj.created,
    obj.lastModified,
    obj.seq,
    obj.listPositions ?? null,
    [longs.mslong, longs.lslong],
  ];
}

/**
 * Objects of one owner mostly share one perms2: one immutable copy each, not one per object. Per
 * owner, the copies by `owner_access * 8 + global_access` (each an access mask, 0–7).
 */
type Perms2Cache = Map<string, Perms2[]>;

const isAccessMask = (n: number) => Number.isInteger(n) && n >= 0 && n <= 7;

function perms2Of(cache: Perms2Cache, [owner, ownerAccess, globalAccess, share]: ObjectRecord[10]): Perms2 {
  if (share.length > 0 || !isAccessMask(ownerAccess) || !isAccessMask(globalAccess))
    return {
      owner,
      ownerAccess,
      globalAccess,
      share: share.map(([tenant, tenantAccess]) => ({ tenant, tenantAccess })),
    };
  let byAccess = cache.get(owner);
  if (!byAccess) cache.set(owner, (byAccess = []));
  return (byAccess[ownerAccess * 8 + globalAccess] ??= Object.freeze({
    owner,
    ownerAccess,
    globalAccess,
    share: NO_SHARE,
  }));
}

/**
 * The schema's own type strings: restored objects carry these rather than decoded copies, so the
 * store's per-type lookups and type comparisons meet one string.
 */
const TYPES: ReadonlyMap<string, ObjectType> = new Map(Object.keys(SCHEMA).map((t) => [t, t as ObjectType]));

function typeOf(text: string, uuid: string): ObjectType {
  const type = TYPES.get(text);
  if (!type) throw new Error(`config record ${uuid} has an unknown type ${text}`);
  return type;
}

/**
 * A restore in progress. Records come in creation order, so an object's parent (and usually its
 * ref targets) is already restored: the new object shares their strings (uuids, fq_name prefix)
 * instead of keeping its own decoded copies, which keeps the restored heap small.
 */
interface Restoring {
  /** The objects restored so far. */
  readonly view: Pick<StoreView, 'get'>;
  readonly perms2: Perms2Cache;
  /** Per parent uuid, the link its children share (one frozen `{type, uuid}`) and its fq_name. */
  readonly parents: Map<string, Parent>;
  /** Per target uuid, the frozen one-link list without attr that every object holding it shares. */
  readonly loneRefs: Map<string, readonly StoredRef[]>;
}

interface Parent {
  readonly link: NonNullable<StoredObject['parent']>;
  readonly fqName: readonly string[] | undefined;
}

function parentOf(restoring: Restoring, [type, uuid]: [string, string]): Parent {
  let parent = restoring.parents.get(uuid);
  if (!parent) {
    const obj = restoring.view.get(uuid);
    parent = obj
      ? { link: Object.freeze({ type: obj.type, uuid: obj.uuid }), fqName: obj.fqName }
      : { link: Object.freeze({ type: typeOf(type, uuid), uuid }), fqName: undefined };
    restoring.parents.set(parent.link.uuid, parent);
  }
  return parent;
}

/**
 * One ref field's links, each naming its restored target's own uuid string. A single link without
 * attr — how most objects refer to their network, security group or interface — is one frozen list
 * shared by every object that has it (stored objects are immutable).
 */
function refListOf(restoring: Restoring, links: [string, unknown][]): readonly StoredRef[] {
  if (links.length === 1 && links[0]![1] === null) {
    // Looked up by the decoded text (a Map compares strings by content): one lookup when shared.
    let list = restoring.loneRefs.get(links[0]![0]);
    if (!list) {
      const uuid = targetUuid(restoring, links[0]![0]);
      restoring.loneRefs.set(uuid, (list = Object.freeze([Object.freeze({ uuid, attr: null })])));
    }
    return list;
  }
  return links.map(([target, attr]): StoredRef => ({ uuid: targetUuid(restoring, target), attr }));
}

const targetUuid = (restoring: Restoring, uuid: string) => restoring.view.get(uuid)?.uuid ?? uuid;

function fromRecord(record: ObjectRecord, restoring: Restoring): StoredObject {
  const [
    version,
    typeText,
    uuid,
    fqName,
    parentRecord,
    displayName,
    props,
    refList,
    annotations,
    id,
    perms2,
    created,
    lastModified,
    seq,
    listPositions,
  ] = record;
  if (version !== RECORD_VERSION)
    throw new Error(`config record ${uuid} has version ${version}, expected ${RECORD_VERSION}`);
  const type = typeOf(typeText, uuid);
  const parent = parentRecord ? parentOf(restoring, parentRecord) : undefined;
  // A child's fq_name is its parent's plus its name (write-rules prepareCreate): share the prefix.
  const parentFq = parent?.fqName;
  if (parentFq && parentFq.length === fqName.length - 1) {
    // The decoded array is this object's own, not yet shared.
    const names = fqName as string[];
    for (let i = 0; i < parentFq.length; i++) if (names[i] === parentFq[i]) names[i] = parentFq[i]!;
  }
  const name = fqName[fqName.length - 1];
  let refs: ReadonlyMap<ObjectType, readonly StoredRef[]> = NO_REFS;
  if (refList.length > 0) {
    const byType = new Map<ObjectType, readonly StoredRef[]>();
    for (const [refType, links] of refList) byType.set(typeOf(refType, uuid), refListOf(restoring, links));
    refs = byType;
  }
  const obj: StoredObject = {
    type,
    uuid,
    fqName,
    fqKey: fqName.join(':'),
    parent: parent?.link ?? null,
    displayName: displayName === name ? name : displayName,
    props,
    refs,
    annotations,
    idPerms: id
      ? { ...DEFAULT_ID_PERMS, enable: id[0], description: id[1], creator: id[2], userVisible: id[3] }
      : DEFAULT_ID_PERMS,
    perms2: perms2Of(restoring.perms2, perms2),
    created,
    lastModified: lastModified === created ? created : lastModified,
    seq,
  };
  return listPositions ? { ...obj, listPositions } : obj;
}

/**
 * Reads the saved objects and key/values into the (empty) stores, then saves every later change
 * into the journal. Returns a function that stops saving.
 */
export function attachJournal(store: ConfigStore, kv: UserAgentKv, journal: RecordJournal): () => void {
  const values: [string, unknown][] = [];
  const restoring: Restoring = { view: store, perms2: new Map(), parents: new Map(), loneRefs: new Map() };
  // Decoded one at a time as the store takes them: each object sees the ones before it.
  store.restore(
    (function* () {
      for (const [key, value] of journal.entries()) {
        if (key.startsWith(OBJECT_PREFIX)) yield fromRecord(value as ObjectRecord, restoring);
        else if (key.startsWith(KV_PREFIX)) values.push([key.slice(KV_PREFIX.length), value]);
      }
    })(),
  );
  kv.restore(values);
  const stopObjects = store.subscribe((event) => {
    if (event.kind === 'delete') journal.remove(objectKey(event.object.seq));
    else journal.put(objectKey(event.object.seq), toRecord(event.object));
  });
  const stopKv = kv.subscribe((change) => {
    if ('deleted' in change) journal.remove(KV_PREFIX + change.key);
    else journal.put(KV_PREFIX + change.key, change.value);
  });
  return () => {
    stopObjects();
    stopKv();
  };
}
