// ListProperty / MapProperty fields element by element: `POST /prop-collection-update` and
// `GET /prop-collection-get` (api_server.py prop_collection_http_post/get, vnc_cassandra.py
// `_add_to_prop_list`, `_set_in_prop_map`, `prop_collection_read`). Cassandra keeps each element
// in its own column named by position (lists) or key (maps) and reads them back in column
// order; this module keeps that model over the store's props. Pure: no store access.

import { SCHEMA, collectionsOf, type FieldSpec, type ObjectType } from '@model/contrail/schema.ts';
import { randomUUID } from 'node:crypto';
import { Invalid } from './errors.ts';
import { checkField, kindOf } from './field-check.ts';
import { pyJsonDumps } from './python-format.ts';
import type { StoredObject } from './stored-object.ts';

/** One element of a collection with its Cassandra column suffix (list position or map key). */
interface Element {
  readonly value: unknown;
  readonly position: string;
}

/** What a prop-collection update changes: the props and annotations to store. */
export interface CollectionChange {
  readonly props: Readonly<Record<string, unknown>>;
  readonly annotations: StoredObject['annotations'];
  readonly listPositions: StoredObject['listPositions'];
}

const ANNOTATION_ITEM: FieldSpec = {
  kind: 'struct',
  fields: { key: { kind: 'string' }, value: { kind: 'string' } },
};

/** Column names sort as text: positions `0`…`10` read back as 0, 1, 10, 2… (UTF8Type comparator). */
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A collection's wrapper (`{"subnets": [...]}`), its element field and element type. */
function wrapperOf(type: ObjectType, field: string): { wrapper: string; item: FieldSpec } {
  if (field === 'annotations') return { wrapper: 'key_value_pair', item: ANNOTATION_ITEM };
  const spec = SCHEMA[type].props[field];
  if (spec?.kind !== 'struct') throw new Error(`${type}.${field} is not a wrapped collection`);
  const [wrapper, list] = Object.entries(spec.fields)[0]!;
  if (list.kind !== 'list') throw new Error(`${type}.${field} is not a wrapped collection`);
  return { wrapper, item: list.items };
}

/** The elements of a collection field as Cassandra holds them, in column order. */
function elementsOf(obj: StoredObject, field: string, kind: 'list' | 'map'): Element[] {
  if (field === 'annotations')
    return (obj.annotations ?? []).map((pair) => ({ value: pair, position: pair.key }));
  const { wrapper } = wrapperOf(obj.type, field);
  const prop = obj.props[field] as Record<string, unknown> | undefined;
  const items = Array.isArray(prop?.[wrapper]) ? (prop[wrapper] as unknown[]) : [];
  if (kind === 'map') {
    const key = (collectionsOf(obj.type)[field] as { key: string }).key;
    return items.map((value) => ({ value, position: String((value as Record<string, unknown>)[key]) }));
  }
  const positions = obj.listPositions?.[field] ?? items.map((_, i) => String(i));
  return items.map((value, i) => ({ value, position: positions[i]! }));
}

/**
 * A list or map property as written by a create or PUT, in the order contrail-api reads it back:
 * list elements at positions `0`, `1`, … in column order, map elements deduplicated by key (the
 * last wins) and sorted by key.
 */
export function normaliseCollection(type: ObjectType, field: string, value: unknown): unknown {
  const collections = collectionsOf(type);
  if (field === 'annotations' || !Object.hasOwn(collections, field)) return value;
  const { wrapper } = wrapperOf(type, field);
  const items = (value as Record<string, unknown> | null)?.[wrapper];
  if (!Array.isArray(items)) return value;
  const kind = collections[field]!;
  if (kind.kind === 'map') {
    const byKey = new Map<string, unknown>();
    for (const item of items) byKey.set(String((item as Record<string, unknown> | null)?.[kind.key]), item);
    const keys = [...byKey.keys()].sort(byText);
    return { ...(value as object), [wrapper]: keys.map((k) => byKey.get(k)) };
  }
  if (items.length <= 10) return value;
  const order = items.map((_, i) => i).sort((a, b) => byText(String(a), String(b)));
  return { ...(value as object), [wrapper]: order.map((i) => items[i]) };
}

function neither(field: unknown): Invalid {
  return new Invalid(`${String(field)} neither "ListProperty" nor "MapProperty"`);
}

/**
 * `POST /prop-collection-update` of one object: validates every operation first (the API server's
 * order and texts), then applies them in request order. Throws Invalid; changes nothing itself.
 */
export function applyCollectionUpdates(obj: StoredObject, updates: unknown): CollectionChange {
  const list = updates === null || updates === undefined || updates === false ? [] : updates;
  if (!Array.isArray(list)) throw new Invalid(`Bad Request, updates must be a list, not ${kindOf(list)}`);
  const collections = collectionsOf(obj.type);
  const ops: { field: string; kind: 'list' | 'map'; operation: string; value: unknown; position: unknown }[] =
    [];
  for (const raw of list) {
    const param = (typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : {}) as Record<
      string,
      unknown
    >;
    const field = param.field;
    if (typeof field !== 'string' || !Object.hasOwn(collections, field)) throw neither(field);
    const kind = collections[field]!.kind;
    const operation = typeof param.operation === 'string' ? param.operation.toLowerCase() : 'None';
    const value = param.value ?? null;
    const shown = pyJsonDumps(param);
    const { item } = wrapperOf(obj.type, field);
    if (value !== null)
      checkField('Bad property in prop-collection-update: ', `${obj.type}.${field}`, item, value);
    if (kind === 'list') {
      if (!['add', 'modify', 'delete'].includes(operation))
        throw new Invalid(`Unsupported operation ${operation} in request ${shown}`);
      if (operation === 'add' && value === null)
        throw new Invalid(`Add needs field value in request ${shown}`);
      if (operation === 'modify' && value === null)
        throw new Invalid(`Modify needs field value and position in request ${shown}`);
    } else {
      if (!['set', 'delete'].includes(operation))
        throw new Invalid(`Unsupported operation ${operation} in request ${shown}`);
      if (operation === 'set' && value === null)
        throw new Invalid(`Set needs field value in request ${shown}`);
      if (operation === 'delete' && (param.position === undefined || param.position === null))
        throw new Invalid(`Delete needs field position in request ${shown}`);
    }
    ops.push({ field, kind, operation, value, position: param.position });
  }

  const columns = new Map<string, Map<string, unknown>>();
  const current = (field: string, kind: 'list' | 'map') => {
    let cols = columns.get(field);
    if (!cols) {
      cols = new Map(elementsOf(obj, field, kind).map((e) => [e.position, e.value]));
      columns.set(field, cols);
    }
    return cols;
  };
  for (const op of ops) {
    const cols = current(op.field, op.kind);
    if (op.kind === 'list') {
      // vnc_cassandra prop_collection_update: add without a position gets a fresh uuid4 one.
      const position =
        op.operation === 'add' && !op.position
          ? randomUUID()
          : op.position == null
            ? 'None'
            : String(op.position);
      if (op.operation === 'delete') cols.delete(position);
      else cols.set(position, op.value);
    } else {
      const key = (collections[op.field] as { key: string }).key;
      const position =
        op.operation === 'set' ? String((op.value as Record<string, unknown>)[key]) : String(op.position);
      if (op.operation === 'delete') cols.delete(position);
      else cols.set(position, op.value);
    }
  }

  let props: Record<string, unknown> = obj.props as Record<string, unknown>;
  let annotations = obj.annotations;
  let listPositions = obj.listPositions;
  for (const [field, cols] of columns) {
    const positions = [...cols.keys()].sort(byText);
    if (field === 'annotations') {
      annotations = positions.map((key) => {
        const pair = cols.get(key) as { key: string; value?: string | null };
        return { key: pair.key, value: pair.value ?? '' };
      });
      continue;
    }
    const { wrapper } = wrapperOf(obj.type, field);
    if (props === obj.props) props = { ...obj.props };
    props[field] = { [wrapper]: positions.map((p) => cols.get(p)) };
    if (collections[field]!.kind === 'list') listPositions = { ...listPositions, [field]: positions };
  }
  return { props, annotations, listPositions };
}

/**
 * `GET /prop-collection-get`: per field, `[value, position]` pairs in column order; with a
 * position, only that element.
 */
export function readCollections(
  obj: StoredObject,
  fields: readonly string[],
  position: string | undefined,
): Record<string, [unknown, string][]> {
  const collections = collectionsOf(obj.type);
  for (const field of fields) if (!Object.hasOwn(collections, field)) throw neither(field);
  const out: Record<string, [unknown, string][]> = {};
  for (const field of fields) {
    const elements = elementsOf(obj, field, collections[field]!.kind);
    out[field] = elements
      .filter((e) => position === undefined || e.position === position)
      .map((e) => [e.value, e.position]);
  }
  return out;
}
