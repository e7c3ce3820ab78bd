// The three patch formats the API server applies (staging/src/k8s.io/apiserver/pkg/endpoints/
// handlers/patch.go): JSON patch (RFC 6902), JSON merge patch (RFC 7386) and strategic merge
// patch (k8s.io/apimachinery/pkg/util/strategicpatch: merge lists by their patchMergeKey, the
// `$patch`, `$setElementOrder/`, `$deleteFromPrimitiveList/` and `$retainKeys` directives), the
// latter driven by schema.ts. Pure functions over plain JSON values.

import { fieldSchema, itemSchema, listMeta, type Schema } from './schema.ts';

export class PatchError extends Error {}

type Json = unknown;
type JsonObject = Record<string, Json>;

const isObject = (v: Json): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Sets an own property, whatever its name: a key like `__proto__` stays plain data. */
export function setOwn(target: JsonObject, key: string, value: Json): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

// ---- RFC 7386 ---------------------------------------------------------------------------------

export function applyMergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else setOwn(out, key, applyMergePatch(Object.hasOwn(out, key) ? out[key] : undefined, value));
  }
  return out;
}

// ---- RFC 6902 ---------------------------------------------------------------------------------

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new PatchError(`invalid JSON pointer ${JSON.stringify(pointer)}`);
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: Json, path: string[], op: string): { parent: JsonObject | Json[]; key: string } {
  let node: Json = doc;
  for (const part of path.slice(0, -1)) {
    if (Array.isArray(node)) node = node[Number(part)];
    else if (isObject(node) && Object.hasOwn(node, part)) node = node[part];
    else throw new PatchError(`${op} operation does not apply: doc is missing path: /${path.join('/')}`);
    if (node === undefined)
      throw new PatchError(`${op} operation does not apply: doc is missing path: /${path.join('/')}`);
  }
  if (!Array.isArray(node) && !isObject(node))
    throw new PatchError(`${op} operation does not apply: doc is missing path: /${path.join('/')}`);
  return { parent: node, key: path[path.length - 1]! };
}

function getAt(doc: Json, path: string[], op: string): Json {
  if (path.length === 0) return doc;
  const { parent, key } = parentOf(doc, path, op);
  const value = Array.isArray(parent)
    ? parent[Number(key)]
    : Object.hasOwn(parent, key)
      ? parent[key]
      : undefined;
  if (value === undefined)
    throw new PatchError(`${op} operation does not apply: doc is missing path: /${path.join('/')}`);
  return value;
}

function arrayIndex(parent: Json[], key: string, forAdd: boolean, op: string): number {
  if (forAdd && key === '-') return parent.length;
  if (!/^(0|[1-9]\d*)$/.test(key))
    throw new PatchError(`${op} operation does not apply: invalid array index ${JSON.stringify(key)}`);
  const i = Number(key);
  if (i > parent.length || (!forAdd && i === parent.length))
    throw new PatchError(`${op} operation does not apply: index ${i} out of range`);
  return i;
}

function addAt(doc: Json, path: string[], value: Json): Json {
  if (path.length === 0) return value;
  const { parent, key } = parentOf(doc, path, 'add');
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, true, 'add'), 0, value);
  else setOwn(parent, key, value);
  return doc;
}

function removeAt(doc: Json, path: string[], op = 'remove'): Json {
  const { parent, key } = parentOf(doc, path, op);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, false, op), 1);
  else {
    if (!Object.hasOwn(parent, key))
      throw new PatchError(`${op} operation does not apply: doc is missing path: /${path.join('/')}`);
    delete parent[key];
  }
  return doc;
}

export function applyJsonPatch(target: Json, patch: Json): Json {
  if (!Array.isArray(patch)) throw new PatchError('a JSON patch must be a list of operations');
  let doc = clone(target);
  for (const [i, raw] of patch.entries()) {
    if (!isObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string')
      throw new PatchError(`operation ${i} must have "op" and "path"`);
    const path = parsePointer(raw.path);
    switch (raw.op) {
      case 'add':
        doc = addAt(doc, path, clone(raw.value));
        break;
      case 'remove':
        doc = removeAt(doc, path);
        break;
      case 'replace':
        getAt(doc, path, 'replace');
        if (path.length === 0) doc = clone(raw.value);
        else {
          doc = removeAt(doc, path, 'replace');
          doc = addAt(doc, path, clone(raw.value));
        }
        break;
      case 'move':
      case 'copy': {
        if (typeof raw.from !== 'string') throw new PatchError(`operation ${i} (${raw.op}) needs "from"`);
        const from = parsePointer(raw.from);
        const value = clone(getAt(doc, from, raw.op));
        if (raw.op === 'move') doc = removeAt(doc, from, 'move');
        doc = addAt(doc, path, value);
        break;
      }
      case 'test':
        if (JSON.stringify(getAt(doc, path, 'test')) !== JSON.stringify(raw.value))
          throw new PatchError(`testing value /${path.join('/')} failed: test failed`);
        break;
      default:
        throw new PatchError(`Unexpected kind: ${raw.op}`);
    }
  }
  return doc;
}

// ---- strategic merge patch ------------------------------------------------------------------------

const SET_ORDER = '$setElementOrder/';
const DELETE_FROM_PRIMITIVE = '$deleteFromPrimitiveList/';

export function applyStrategicMergePatch(target: Json, patch: Json, schema: Schema | undefined): Json {
  if (!isObject(patch)) throw new PatchError('a strategic merge patch must be a JSON object');
  return mergeMap(isObject(target) ? target : {}, patch, schema) ?? {};
}

function mergeMap(
  original: JsonObject,
  patch: JsonObject,
  schema: Schema | undefined,
): JsonObject | undefined {
  const directive = patch.$patch;
  if (directive === 'delete') return undefined;
  if (directive === 'replace') {
    const { $patch: _d, ...rest } = patch;
    return clone(rest);
  }
  let out: JsonObject = { ...original };
  const retain = patch.$retainKeys;
  if (Array.isArray(retain)) {
    const keep = new Set(retain.map(String));
    out = Object.fromEntries(Object.entries(out).filter(([k]) => keep.has(k)));
  }
  const orders = new Map<string, Json[]>();
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys') continue;
    if (key.startsWith(SET_ORDER)) {
      if (Array.isArray(value)) orders.set(key.slice(SET_ORDER.length), value);
      continue;
    }
    if (key.startsWith(DELETE_FROM_PRIMITIVE)) {
      const field = key.slice(DELETE_FROM_PRIMITIVE.length);
      const drop = new Set((Array.isArray(value) ? value : []).map((v) => JSON.stringify(v)));
      const current = Object.hasOwn(out, field) ? out[field] : undefined;
      if (Array.isArray(current))
        setOwn(
          out,
          field,
          current.filter((v) => !drop.has(JSON.stringify(v))),
        );
      continue;
    }
    const sub = fieldSchema(schema, key);
    const current = Object.hasOwn(out, key) ? out[key] : undefined;
    if (value === null) delete out[key];
    else if (isObject(value)) {
      const merged = mergeMap(isObject(current) ? current : {}, value, sub);
      if (merged === undefined) delete out[key];
      else setOwn(out, key, merged);
    } else if (Array.isArray(value))
      setOwn(out, key, mergeList(Array.isArray(current) ? current : [], value, sub));
    else setOwn(out, key, value);
  }
  for (const [field, order] of orders) {
    const list = Object.hasOwn(out, field) ? out[field] : undefined;
    if (Array.isArray(list))
      setOwn(out, field, reorder(list, order, listMeta(fieldSchema(schema, field))?.mergeKey));
  }
  return out;
}

function mergeList(original: Json[], patch: Json[], schema: Schema | undefined): Json[] {
  const meta = listMeta(schema);
  if (!meta?.patchStrategy?.includes('merge')) {
    // Replace, but a lone `{$patch: replace}` or `{$patch: delete}` item means "empty".
    return patch.filter((item) => !(isObject(item) && item.$patch !== undefined)).map(clone);
  }
  const items = itemSchema(schema);
  const key = meta.mergeKey;
  if (!key) {
    // A merged list of scalars: a set union, original order first.
    const out = [...original];
    const seen = new Set(original.map((v) => JSON.stringify(v)));
    for (const v of patch) if (!seen.has(JSON.stringify(v))) out.push(v);
    return out;
  }
  if (patch.some((p) => isObject(p) && p.$patch === 'replace' && Object.keys(p).length === 1))
    return patch.filter((p) => !(isObject(p) && p.$patch === 'replace')).map(clone);
  const out = original.map(clone);
  for (const p of patch) {
    if (!isObject(p)) throw new PatchError(`the list items must be objects with "${key}"`);
    const at = out.findIndex((o) => isObject(o) && JSON.stringify(o[key]) === JSON.stringify(p[key]));
    if (p.$patch === 'delete') {
      if (at >= 0) out.splice(at, 1);
      continue;
    }
    if (at >= 0) {
      const merged = mergeMap(out[at] as JsonObject, p, items);
      if (merged === undefined) out.splice(at, 1);
      else out[at] = merged;
    } else {
      const merged = mergeMap({}, p, items);
      if (merged !== undefined) out.push(merged);
    }
  }
  return out;
}

/** `$setElementOrder`: the listed elements in that order, then the others as they were. */
function reorder(list: Json[], order: Json[], key: string | undefined): Json[] {
  const id = (v: Json) => JSON.stringify(key && isObject(v) ? v[key] : v);
  const rank = new Map(order.map((v, i) => [id(v), i]));
  const listed = list.filter((v) => rank.has(id(v))).sort((a, b) => rank.get(id(a))! - rank.get(id(b))!);
  return [...listed, ...list.filter((v) => !rank.has(id(v)))];
}
