// Saves the config store and the user-agent key/value store into a journal and reads them back:
// one record per object keyed by creation order, so a restart replays them in the order they
// were made (children order, uuids, timestamps and ETags unchanged) without running any write
// rule. The journal is any ordered key/value sink (server/persistence provides one).

import type { ObjectType } from '@model/contrail/schema.ts';
import type { ConfigStore } from './store.ts';
import type { Perms2, StoredObject, StoredRef } from './stored-object.ts';
import type { UserAgentKv } from './useragent-kv.ts';
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
  uuidLongs: [string, string],
];

/** Creation order as a key that sorts as text: `o/000000000042`. */
const objectKey = (seq: number) => `${OBJECT_PREFIX}${String(seq).padStart(12, '0')}`;

function toRecord(obj: StoredObject): ObjectRecord {
  const refs: [ObjectType, [string, unknown][]][] = [];
  for (const [type, list] of obj.refs) refs.push([type, list.map((r) => [r.uuid, r.attr])]);
  const id = obj.idPerms;
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
    [obj.uuidMslong, obj.uuidLslong],
  ];
}

function parentOf(shared: Shared, [type, uuid]: [ObjectType, string]): StoredObject['parent'] {
  let link = shared.parents.get(uuid);
  if (!link) shared.parents.set(uuid, (link = Object.freeze({ type, uuid })));
  return link;
}

/** Objects of one owner mostly share one perms2: one immutable copy each, not one per object. */
type Perms2Cache = Map<string, Perms2>;

function perms2Of(cache: Perms2Cache, [owner, ownerAccess, globalAccess, share]: ObjectRecord[10]): Perms2 {
  if (share.length > 0)
    return {
      owner,
      ownerAccess,
      globalAccess,
      share: share.map(([tenant, tenantAccess]) => ({ tenant, tenantAccess })),
    };
  const key = `${ownerAccess}${globalAccess}${owner}`;
  let perms2 = cache.get(key);
  if (!perms2)
    cache.set(key, (perms2 = Object.freeze({ owner, ownerAccess, globalAccess, share: NO_SHARE })));
  return perms2;
}

/** Restore-time sharing of immutable pieces many objects have in common. */
interface Shared {
  readonly perms2: Perms2Cache;
  /** Parent link per parent uuid: siblings share one frozen `{type, uuid}`. */
  readonly parents: Map<string, StoredObject['parent']>;
}

function fromRecord(record: ObjectRecord, shared: Shared): StoredObject {
  const [
    version,
    type,
    uuid,
    fqName,
    parent,
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
    [uuidMslong, uuidLslong],
  ] = record;
  if (version !== RECORD_VERSION)
    throw new Error(`config record ${uuid} has version ${version}, expected ${RECORD_VERSION}`);
  let refs: ReadonlyMap<ObjectType, readonly StoredRef[]> = NO_REFS;
  if (refList.length > 0)
    refs = new Map(refList.map(([t, links]) => [t, links.map(([u, attr]) => ({ uuid: u, attr }))] as const));
  const obj: StoredObject = {
    type,
    uuid,
    fqName,
    fqKey: fqName.join(':'),
    parent: parent ? parentOf(shared, parent) : null,
    displayName,
    props,
    refs,
    annotations,
    idPerms: id
      ? { ...DEFAULT_ID_PERMS, enable: id[0], description: id[1], creator: id[2], userVisible: id[3] }
      : DEFAULT_ID_PERMS,
    perms2: perms2Of(shared.perms2, perms2),
    uuidMslong,
    uuidLslong,
    created,
    lastModified,
    seq,
  };
  return listPositions ? { ...obj, listPositions } : obj;
}

/**
 * Reads the saved objects and key/values into the (empty) stores, then saves every later change
 * into the journal. Returns a function that stops saving.
 */
export function attachJournal(store: ConfigStore, kv: UserAgentKv, journal: RecordJournal): () => void {
  const objects: StoredObject[] = [];
  const values: [string, unknown][] = [];
  const shared: Shared = { perms2: new Map(), parents: new Map() };
  for (const [key, value] of journal.entries()) {
    if (key.startsWith(OBJECT_PREFIX)) objects.push(fromRecord(value as ObjectRecord, shared));
    else if (key.startsWith(KV_PREFIX)) values.push([key.slice(KV_PREFIX.length), value]);
  }
  store.restore(objects);
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
