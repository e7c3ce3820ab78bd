// Field ownership as the API server tracks it (k8s.io/apimachinery/pkg/util/managedfields and
// sigs.k8s.io/structured-merge-diff): field sets in the FieldsV1 form (`f:name`, `k:{"port":80,
// "protocol":"TCP"}`, `v:"x"`, `.`), `metadata.managedFields` entries per manager and operation,
// server-side apply (merge, removal of fields the applier stopped sending, conflicts with other
// managers unless forced) and ownership moving on updates. Pure; schema.ts says which lists are
// keyed maps, sets or atomic.

import type { ManagedFieldsEntry } from '@model/kubernetes/types.ts';
import { setOwn } from './patch.ts';
import { fieldSchema, itemSchema, listMeta, type Schema } from './schema.ts';

type Json = unknown;
type JsonObject = Record<string, Json>;
const isObject = (v: Json): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const SEP = '\u0001';

/** Top-level and metadata fields the server sets, never owned by a manager. */
const IGNORED_METADATA = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'managedFields',
  'selfLink',
]);

export type FieldSet = Set<string>;

function keyElement(item: JsonObject, keys: readonly string[]): string {
  const picked: Record<string, Json> = {};
  for (const k of [...keys].sort()) {
    // Map keys a manifest leaves out take the schema default (protocol TCP).
    const value = item[k] ?? (k === 'protocol' ? 'TCP' : undefined);
    if (value !== undefined) picked[k] = value;
  }
  return `k:${JSON.stringify(picked)}`;
}

function walk(value: Json, schema: Schema | undefined, prefix: string[], out: FieldSet): void {
  if (isObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) {
      if (prefix.length > 0) out.add(prefix.join(SEP));
      return;
    }
    for (const k of keys) {
      if (value[k] === undefined) continue;
      walk(value[k], fieldSchema(schema, k), [...prefix, `f:${k}`], out);
    }
    return;
  }
  if (Array.isArray(value)) {
    const meta = listMeta(schema);
    if (meta?.listType === 'map' && meta.mapKeys) {
      const items = itemSchema(schema);
      for (const item of value) {
        if (!isObject(item)) continue;
        const el = keyElement(item, meta.mapKeys);
        out.add([...prefix, el, '.'].join(SEP));
        for (const k of Object.keys(item))
          walk(item[k], fieldSchema(items, k), [...prefix, el, `f:${k}`], out);
      }
      return;
    }
    if (meta?.listType === 'set') {
      for (const v of value) out.add([...prefix, `v:${JSON.stringify(v)}`].join(SEP));
      return;
    }
  }
  if (prefix.length > 0) out.add(prefix.join(SEP));
}

/** The fields an object (or an applied configuration) sets, with the server's fields left out. */
function fieldSetOf(object: JsonObject, schema: Schema | undefined, subresource?: 'status'): FieldSet {
  const out: FieldSet = new Set();
  for (const [k, v] of Object.entries(object)) {
    if (k === 'apiVersion' || k === 'kind') continue;
    if (subresource === 'status' ? k !== 'status' : k === 'status') continue;
    if (k === 'metadata' && isObject(v)) {
      const meta: JsonObject = {};
      for (const [mk, mv] of Object.entries(v)) if (!IGNORED_METADATA.has(mk)) setOwn(meta, mk, mv);
      if (Object.keys(meta).length > 0) walk(meta, fieldSchema(schema, 'metadata'), ['f:metadata'], out);
      continue;
    }
    walk(v, fieldSchema(schema, k), [`f:${k}`], out);
  }
  return out;
}

/** FieldsV1 JSON of a set. */
function toFieldsV1(set: FieldSet): JsonObject {
  const root: JsonObject = {};
  for (const path of [...set].sort()) {
    let node = root;
    for (const el of path.split(SEP)) {
      if (!isObject(node[el])) node[el] = {};
      node = node[el] as JsonObject;
    }
  }
  return root;
}

function fromFieldsV1(tree: Json): FieldSet {
  const out: FieldSet = new Set();
  const visit = (node: Json, prefix: string[]) => {
    if (!isObject(node)) return;
    const keys = Object.keys(node);
    if (keys.length === 0 && prefix.length > 0) out.add(prefix.join(SEP));
    for (const k of keys) visit(node[k], [...prefix, k]);
  };
  visit(tree, []);
  return out;
}

/** `.spec.ports[port=80,protocol="TCP"].targetPort`, as structured-merge-diff prints a path. */
export function formatFieldPath(path: string): string {
  let out = '';
  for (const el of path.split(SEP)) {
    if (el === '.') continue;
    if (el.startsWith('f:')) out += `.${el.slice(2)}`;
    else if (el.startsWith('k:')) {
      const key = JSON.parse(el.slice(2)) as Record<string, Json>;
      out += `[${Object.entries(key)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}]`;
    } else if (el.startsWith('v:')) out += `[=${el.slice(2)}]`;
  }
  return out;
}

/** The value at a field path (undefined when absent); a list item's `.` is the item itself. */
function valueAt(object: Json, path: string): Json {
  let node: Json = object;
  for (const el of path.split(SEP)) {
    if (node === undefined) return undefined;
    if (el === '.') continue;
    if (el.startsWith('f:')) node = isObject(node) ? node[el.slice(2)] : undefined;
    else if (el.startsWith('k:')) {
      const key = JSON.parse(el.slice(2)) as Record<string, Json>;
      node = Array.isArray(node)
        ? node.find(
            (item) =>
              isObject(item) &&
              Object.entries(key).every(
                ([k, v]) =>
                  JSON.stringify(item[k] ?? (k === 'protocol' ? 'TCP' : undefined)) === JSON.stringify(v),
              ),
          )
        : undefined;
    } else if (el.startsWith('v:')) {
      const v = el.slice(2);
      node = Array.isArray(node) && node.some((x) => JSON.stringify(x) === v) ? JSON.parse(v) : undefined;
    }
  }
  return node;
}

/** Whether a path is a list item's existence (`…k:{…}.`), not one of its fields. */
const isItem = (path: string) => path.endsWith(`${SEP}.`);

/** Removes the field at a path from an object in place (a list item, a set value, a field). */
function removeAt(object: JsonObject, path: string): void {
  const els = path.split(SEP).filter((e) => e !== '.');
  const last = els.pop();
  if (last === undefined) return;
  const parent = valueAt(object, els.join(SEP));
  if (last.startsWith('f:') && isObject(parent)) delete parent[last.slice(2)];
  else if (Array.isArray(parent)) {
    const target = valueAt(object, [...els, last].join(SEP));
    const at = last.startsWith('v:')
      ? parent.findIndex((x) => JSON.stringify(x) === last.slice(2))
      : parent.indexOf(target);
    if (at >= 0) parent.splice(at, 1);
  }
}

/** Apply semantics of a merge: the applied configuration over the live object. */
function mergeApplied(live: Json, applied: Json, schema: Schema | undefined): Json {
  if (isObject(applied)) {
    const out: JsonObject = isObject(live) ? { ...live } : {};
    for (const [k, v] of Object.entries(applied))
      setOwn(out, k, mergeApplied(Object.hasOwn(out, k) ? out[k] : undefined, v, fieldSchema(schema, k)));
    return out;
  }
  if (Array.isArray(applied)) {
    const meta = listMeta(schema);
    const current = Array.isArray(live) ? live : [];
    if (meta?.listType === 'map' && meta.mapKeys) {
      const keys = meta.mapKeys;
      const items = itemSchema(schema);
      const out = [...current];
      for (const item of applied) {
        if (!isObject(item)) continue;
        const id = keyElement(item, keys);
        const at = out.findIndex((o) => isObject(o) && keyElement(o, keys) === id);
        if (at >= 0) out[at] = mergeApplied(out[at], item, items);
        else out.push(item);
      }
      return out;
    }
    if (meta?.listType === 'set') {
      const seen = new Set(current.map((v) => JSON.stringify(v)));
      return [...current, ...applied.filter((v) => !seen.has(JSON.stringify(v)))];
    }
    return applied;
  }
  return applied;
}

const entryId = (e: Pick<ManagedFieldsEntry, 'manager' | 'operation' | 'subresource'>) =>
  `${e.manager}\u0000${e.operation}\u0000${e.subresource ?? ''}`;

function setsOf(
  entries: readonly ManagedFieldsEntry[] | undefined,
): Map<string, { entry: ManagedFieldsEntry; set: FieldSet }> {
  const out = new Map<string, { entry: ManagedFieldsEntry; set: FieldSet }>();
  for (const entry of entries ?? []) out.set(entryId(entry), { entry, set: fromFieldsV1(entry.fieldsV1) });
  return out;
}

function toEntries(sets: Map<string, { entry: ManagedFieldsEntry; set: FieldSet }>): ManagedFieldsEntry[] {
  return [...sets.values()]
    .filter(({ set }) => set.size > 0)
    .map(({ entry, set }) => ({ ...entry, fieldsV1: toFieldsV1(set) }));
}

export interface Conflict {
  readonly manager: string;
  readonly apiVersion: string;
  readonly operation: 'Apply' | 'Update';
  readonly subresource?: string | undefined;
  readonly path: string;
}

export class ApplyConflicts extends Error {
  constructor(readonly conflicts: readonly Conflict[]) {
    super(conflictMessage(conflicts));
  }
}

/** How the API server names a manager in a conflict (managedfields internal/conflict.go). */
export function printManager(
  c: Pick<Conflict, 'manager' | 'operation' | 'apiVersion' | 'subresource'>,
): string {
  let s = JSON.stringify(c.manager);
  if (c.subresource) s += ` with subresource ${JSON.stringify(c.subresource)}`;
  return c.operation === 'Update' ? `${s} using ${c.apiVersion}` : s;
}

function conflictMessage(conflicts: readonly Conflict[]): string {
  if (conflicts.length === 1)
    return `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0]!)}: ${formatFieldPath(conflicts[0]!.path)}`;
  const byManager = new Map<string, string[]>();
  for (const c of conflicts)
    byManager.set(printManager(c), [...(byManager.get(printManager(c)) ?? []), formatFieldPath(c.path)]);
  const lines: string[] = [];
  for (const manager of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${manager}:`);
    for (const path of byManager.get(manager)!) lines.push(`- ${path}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

export interface ApplyRequest {
  readonly live: JsonObject | undefined;
  readonly applied: JsonObject;
  readonly schema: Schema | undefined;
  readonly manager: string;
  readonly apiVersion: string;
  readonly force: boolean;
  readonly time: string;
  readonly subresource?: 'status' | undefined;
}

/**
 * Server-side apply: the object after merging `applied` into `live` (fields the manager applied
 * before and no longer sends are removed unless someone else owns them), and its managedFields.
 * Throws ApplyConflicts when an applied value differs from one another manager owns.
 */
export function serverSideApply(req: ApplyRequest): JsonObject {
  const live = req.live ?? {};
  const liveMeta = (isObject(live.metadata) ? live.metadata : {}) as { managedFields?: ManagedFieldsEntry[] };
  const sets = setsOf(liveMeta.managedFields);
  const me = entryId({ manager: req.manager, operation: 'Apply', subresource: req.subresource });
  const previous = sets.get(me)?.set ?? new Set<string>();
  const appliedSet = fieldSetOf(req.applied, req.schema, req.subresource);

  const conflicts: Conflict[] = [];
  for (const [id, { entry, set }] of sets) {
    if (id === me) continue;
    for (const path of appliedSet) {
      if (!set.has(path)) continue;
      // A list item's `.` only says the item exists: both have it, so there is no conflict.
      const same =
        path.endsWith(`${SEP}.`) ||
        JSON.stringify(valueAt(live, path)) === JSON.stringify(valueAt(req.applied, path));
      if (same) continue;
      if (req.force) set.delete(path);
      else
        conflicts.push({
          manager: entry.manager,
          apiVersion: entry.apiVersion,
          operation: entry.operation,
          subresource: entry.subresource,
          path,
        });
    }
  }
  if (conflicts.length > 0) throw new ApplyConflicts(conflicts);

  const merged = mergeApplied(live, stripServerFields(req.applied), req.schema) as JsonObject;
  // Fields this manager applied before and dropped now go, unless another manager owns them.
  const ownedElsewhere = (path: string) => [...sets].some(([id, { set }]) => id !== me && set.has(path));
  // A dropped list item goes before its fields: removing its key fields first would leave the
  // item unfindable by its key (and half of it behind).
  const dropped = [...previous].filter((path) => !appliedSet.has(path) && !ownedElsewhere(path));
  for (const path of [
    ...dropped.filter(isItem),
    ...dropped
      .filter((p) => !isItem(p))
      .sort()
      .reverse(),
  ])
    removeAt(merged, path);

  sets.set(me, {
    entry: {
      manager: req.manager,
      operation: 'Apply',
      apiVersion: req.apiVersion,
      time: req.time,
      fieldsType: 'FieldsV1',
      fieldsV1: {},
      ...(req.subresource ? { subresource: req.subresource } : {}),
    },
    set: appliedSet,
  });
  const meta = {
    ...((isObject(merged.metadata) ? merged.metadata : {}) as JsonObject),
    managedFields: toEntries(sets),
  };
  return { ...merged, metadata: meta };
}

/** An applied configuration's server fields (resourceVersion etc.) are not applied. */
function stripServerFields(applied: JsonObject): JsonObject {
  if (!isObject(applied.metadata)) return applied;
  const {
    managedFields: _m,
    resourceVersion: _r,
    uid: _u,
    creationTimestamp: _c,
    generation: _g,
    ...meta
  } = applied.metadata as JsonObject;
  return { ...applied, metadata: meta };
}

/**
 * An update (create, PUT, non-apply PATCH) by `manager`: fields it changed become its own and
 * leave other managers' sets; fields that disappeared leave every set.
 */
export function recordUpdate(req: {
  before: JsonObject | undefined;
  after: JsonObject;
  schema: Schema | undefined;
  manager: string;
  apiVersion: string;
  time: string;
  subresource?: 'status' | undefined;
}): ManagedFieldsEntry[] {
  const beforeMeta = (isObject(req.before?.metadata) ? req.before!.metadata : {}) as {
    managedFields?: ManagedFieldsEntry[];
  };
  const sets = setsOf(beforeMeta.managedFields);
  const beforeSet = req.before ? fieldSetOf(req.before, req.schema, req.subresource) : new Set<string>();
  const afterSet = fieldSetOf(req.after, req.schema, req.subresource);
  const changed: string[] = [];
  for (const path of afterSet)
    if (
      !beforeSet.has(path) ||
      JSON.stringify(valueAt(req.before, path)) !== JSON.stringify(valueAt(req.after, path))
    )
      changed.push(path);
  const removed = [...beforeSet].filter((p) => !afterSet.has(p));
  const me = entryId({ manager: req.manager, operation: 'Update', subresource: req.subresource });
  for (const [id, { set }] of sets) {
    for (const p of removed) set.delete(p);
    if (id !== me) for (const p of changed) set.delete(p);
  }
  if (changed.length > 0) {
    const mine = sets.get(me)?.set ?? new Set<string>();
    for (const p of changed) mine.add(p);
    sets.set(me, {
      entry: {
        manager: req.manager,
        operation: 'Update',
        apiVersion: req.apiVersion,
        time: req.time,
        fieldsType: 'FieldsV1',
        fieldsV1: {},
        ...(req.subresource ? { subresource: req.subresource } : {}),
      },
      set: mine,
    });
  }
  return toEntries(sets);
}
