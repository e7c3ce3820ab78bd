// Parses the query string of `GET /<type>s` (and the flags of `GET /<type>/<uuid>`) into a store
// query, paging and render options, with contrail-api's 400 texts. Pure: no HTTP types.

import { parseTypeName } from '@model/contrail/schema.ts';
import { Invalid, NotFound } from './errors.ts';
import { pyRepr } from './python-format.ts';
import type { ListQuery, PageRequest } from './list-selection.ts';

export type QueryParams = Readonly<Record<string, string | string[] | undefined>>;

export interface ListRequest {
  query: ListQuery;
  detail: boolean;
  count: boolean;
  excludeHrefs: boolean;
  fields: ReadonlySet<string> | undefined;
  /** Set only when the request pages (`page_marker` present). */
  page: PageRequest | undefined;
}

/** contrail-api's `paginate_count`: the page size when a client pages without page_limit. */
export const DEFAULT_PAGE_LIMIT = 256;

/** bottle's `query.get`: the last of repeated values. */
export function param(params: QueryParams, key: string): string | undefined {
  const value = params[key];
  return Array.isArray(value) ? value[value.length - 1] : value;
}

/** `exclude_hrefs`, `exclude_back_refs`, `exclude_children`: on when present, whatever the value. */
export function isPresent(params: QueryParams, key: string): boolean {
  return params[key] !== undefined;
}

/** `detail`, `count`, `shared`: on iff the value contains `true`, any case (AS:1730-1746). */
export function isTrue(params: QueryParams, key: string): boolean {
  return param(params, key)?.toLowerCase().includes('true') ?? false;
}

function csv(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return items;
}

/** `fields=a,b`: the extra fields to render. */
export function parseFields(params: QueryParams): ReadonlySet<string> | undefined {
  const fields = csv(param(params, 'fields'));
  return fields && fields.length > 0 ? new Set(fields) : undefined;
}

/**
 * `filters=key==value,key==value` (utils.get_filters): each value is JSON-decoded when it parses
 * (`5`, `true`, `"x"`), else kept as text. Objects and lists cannot be compared: 400.
 */
export function parseFilters(text: string): [string, unknown][] {
  return text.split(',').map((item) => {
    const parts = item.split('==');
    if (parts.length !== 2) throw new Invalid(`Invalid filter ${text}`);
    const [key, raw] = parts as [string, string];
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw;
    }
    if (typeof value === 'object' && value !== null) throw new Invalid(`Invalid filter ${text}`);
    return [key, value];
  });
}

/** Python's int() on the page_limit text, with its error wording. */
function parsePageLimit(text: string): number {
  if (!/^\s*[+-]?\d+(_\d+)*\s*$/.test(text))
    throw new Invalid(`Invalid page_limit ${text}: invalid literal for int() with base 10: ${pyRepr(text)}`);
  const value = Number(text.replace(/_/g, '').trim());
  if (value <= 0) throw new Invalid(`Invalid page_limit ${text}: page_limit has to be greater than zero`);
  return value;
}

/** The last ':'-part of a marker must be a uuid that Python's uuid.UUID() accepts. */
function checkPageMarker(marker: string): void {
  const last = marker.slice(marker.lastIndexOf(':') + 1);
  const hex = last.replace(/^[{}]+|[{}]+$/g, '').replace(/-/g, '');
  if (hex.length !== 32)
    throw new Invalid(`Invalid page_marker ${marker}: badly formed hexadecimal UUID string`);
  if (!/^[0-9a-fA-F]{32}$/.test(hex))
    throw new Invalid(
      `Invalid page_marker ${marker}: invalid literal for int() with base 16: ${pyRepr(hex)}`,
    );
}

export function parseListRequest(params: QueryParams): ListRequest {
  const query: ListQuery = {};
  const parentIds = csv(param(params, 'parent_id'));
  if (parentIds) query.parentUuids = parentIds;
  const parentFq = param(params, 'parent_fq_name_str');
  if (parentFq !== undefined && parentFq !== '') {
    const parentTypeName = param(params, 'parent_type');
    const parentType = parentTypeName ? parseTypeName(parentTypeName) : undefined;
    if (parentTypeName && !parentType) throw new NotFound(`Resource type '${parentTypeName}' not found`);
    query.parentFqName = { fqName: parentFq.split(':'), ...(parentType ? { type: parentType } : {}) };
  }
  const backRefs = csv(param(params, 'back_ref_id'));
  if (backRefs) query.backRefUuids = backRefs;
  const objUuids = csv(param(params, 'obj_uuids'));
  if (objUuids) query.objUuids = objUuids;
  const fqNames = csv(param(params, 'fq_names'));
  if (fqNames) query.fqNames = fqNames.map((s) => s.split(':'));
  const filters = param(params, 'filters');
  if (filters) query.filters = parseFilters(filters);

  const limitText = param(params, 'page_limit');
  const limit = limitText === undefined ? DEFAULT_PAGE_LIMIT : parsePageLimit(limitText);
  const markerText = param(params, 'page_marker');
  let page: PageRequest | undefined;
  // page_limit alone does not page: only a page_marker does (AS:4127-4136).
  if (markerText !== undefined) {
    const fromStart = markerText === '' || markerText === 'None';
    if (!fromStart) checkPageMarker(markerText);
    page = { limit, marker: fromStart ? undefined : markerText };
  }

  return {
    query,
    detail: isTrue(params, 'detail'),
    count: isTrue(params, 'count'),
    excludeHrefs: isPresent(params, 'exclude_hrefs'),
    fields: parseFields(params),
    page,
  };
}

/** Python truthiness of a JSON value: false, null, 0, '', [] and {} are false. */
function pyTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/**
 * The body of `POST /list-bulk-collection` (list_bulk_collection_http_post): the same keys as the
 * GET query, as vnc_api's resource_list sends them — id lists and `fields` as comma-joined text,
 * `detail`/`count`/`exclude_hrefs` as JSON booleans (Python truthiness), `type` naming the type.
 */
export function parseBulkListRequest(body: Readonly<Record<string, unknown>>): ListRequest {
  const text = (key: string): string | undefined => {
    const value = body[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw new Invalid(`Bad Request, ${key} must be a comma-separated string`);
    return value;
  };
  const params: Record<string, string> = {};
  for (const key of [
    'parent_id',
    'back_ref_id',
    'obj_uuids',
    'fq_names',
    'parent_fq_name_str',
    'parent_type',
    'fields',
  ]) {
    const value = text(key);
    if (value !== undefined) params[key] = value;
  }
  const filters = body.filters;
  if (filters !== undefined && filters !== null && filters !== '') {
    if (typeof filters !== 'string') throw new Invalid(`Invalid filter ${String(filters)}`);
    params.filters = filters;
  }
  for (const key of ['page_marker', 'page_limit']) {
    const value = body[key];
    if (value !== undefined) params[key] = value === null ? 'None' : String(value);
  }
  const request = parseListRequest(params);
  return {
    ...request,
    detail: pyTruthy(body.detail),
    count: pyTruthy(body.count),
    excludeHrefs: pyTruthy(body.exclude_hrefs),
  };
}
