// Parses the query string of `GET /<type>s` into a store query and render options, with the
// API server's 400s for bad values. Pure: no HTTP types.

import { parseTypeName } from '@model/contrail/schema.ts';
import { Invalid } from './errors.ts';
import type { ListQuery, StoredObject } from './store.ts';

export type QueryParams = Readonly<Record<string, string | string[] | undefined>>;

export interface ListRequest {
  query: ListQuery;
  detail: boolean;
  count: boolean;
  excludeHrefs: boolean;
  excludeBackRefs: boolean;
  excludeChildren: boolean;
  fields: Set<string> | undefined;
  pageLimit: number | undefined;
  pageMarker: string | undefined;
  anchored: boolean;
}

/** Contrail's default page when a client asks for pages without a size. */
export const DEFAULT_PAGE_LIMIT = 256;

function param(params: QueryParams, key: string): string | undefined {
  const value = params[key];
  return Array.isArray(value) ? value[value.length - 1] : value;
}

/** Presence flags: `?detail`, `?detail=true`, `?detail=True` are on; `false`/`0`/`no` are off. */
export function flag(params: QueryParams, key: string): boolean {
  const value = param(params, key);
  if (value === undefined) return false;
  return !['false', 'False', '0', 'no', 'off'].includes(value);
}

function csv(value: string | undefined): string[] | undefined {
  return value === undefined
    ? undefined
    : value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
}

export function parseFilters(value: string): [string, unknown][] {
  return value.split(',').map((item) => {
    const at = item.indexOf('==');
    if (at <= 0) throw new Invalid(`Invalid filter ${item}`);
    const key = item.slice(0, at);
    const raw = item.slice(at + 2);
    try {
      return [key, JSON.parse(raw)];
    } catch {
      return [key, raw];
    }
  });
}

export function parseListRequest(params: QueryParams): ListRequest {
  const query: ListQuery = {};
  const parentIds = csv(param(params, 'parent_id'));
  if (parentIds) query.parentUuids = parentIds;
  const parentFq = param(params, 'parent_fq_name_str');
  if (parentFq !== undefined) {
    const parentTypeName = param(params, 'parent_type');
    const parentType = parentTypeName === undefined ? undefined : parseTypeName(parentTypeName);
    if (parentTypeName !== undefined && !parentType)
      throw new Invalid(`Invalid parent_type ${parentTypeName}`);
    query.parentFqName = { fqName: parentFq.split(':'), ...(parentType ? { type: parentType } : {}) };
  }
  const backRefs = csv(param(params, 'back_ref_id'));
  if (backRefs) query.backRefUuids = backRefs;
  const objUuids = csv(param(params, 'obj_uuids'));
  if (objUuids) query.objUuids = objUuids;
  const fqNames = csv(param(params, 'fq_names'));
  if (fqNames) query.fqNames = fqNames.map((s) => s.split(':'));
  const filters = param(params, 'filters');
  if (filters !== undefined && filters.length > 0) query.filters = parseFilters(filters);

  let pageLimit: number | undefined;
  const limitText = param(params, 'page_limit');
  if (limitText !== undefined) {
    pageLimit = Number(limitText);
    if (!Number.isInteger(pageLimit) || pageLimit <= 0)
      throw new Invalid(`Invalid page_limit ${limitText}: must be a positive integer`);
  }
  const markerText = param(params, 'page_marker');
  const pageMarker = markerText === undefined || markerText === 'None' ? undefined : markerText;
  if (pageMarker !== undefined && pageLimit === undefined) pageLimit = DEFAULT_PAGE_LIMIT;
  const fields = csv(param(params, 'fields'));

  return {
    query,
    detail: flag(params, 'detail'),
    count: flag(params, 'count'),
    excludeHrefs: flag(params, 'exclude_hrefs'),
    excludeBackRefs: flag(params, 'exclude_back_refs'),
    excludeChildren: flag(params, 'exclude_children'),
    fields: fields ? new Set(fields) : undefined,
    pageLimit,
    pageMarker,
    anchored: Boolean(
      query.parentUuids || query.parentFqName || query.backRefUuids || query.objUuids || query.fqNames,
    ),
  };
}

/** One page of a sorted list; the marker is the sort key of the page's last object. */
export function paginate(
  objects: readonly StoredObject[],
  anchored: boolean,
  limit: number,
  marker: string | undefined,
): { page: readonly StoredObject[]; marker: string | null } {
  const key = anchored ? (o: StoredObject) => o.uuid : (o: StoredObject) => o.fqKey;
  let start = 0;
  if (marker !== undefined) {
    let lo = 0;
    let hi = objects.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (key(objects[mid]!) <= marker) lo = mid + 1;
      else hi = mid;
    }
    start = lo;
  }
  const page = objects.slice(start, start + limit);
  const more = start + limit < objects.length;
  return { page, marker: more && page.length > 0 ? key(page[page.length - 1]!) : null };
}
