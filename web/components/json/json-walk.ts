// Pure helpers of the JSON view: jq-style paths, search over values and keys, splitting large
// arrays into pages, and which fields are bulky. No React here.

import { exactDigits, ExactInteger, stringifyExact } from '@web/api/exact-json.ts';

/** Arrays longer than this are shown as pages of this many items. */
export const ARRAY_PAGE_SIZE = 100;

/** Fields hidden by the "Hide bulky fields" toggle (also every href inside refs). */
export const BULKY_FIELDS = new Set(['id_perms', 'perms2', 'href', 'parent_href']);

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `.loadbalancer.loadbalancer_properties.vip_address`, `.x.refs[0].uuid`: pasteable into jq. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return IDENT.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

/** Objects and arrays; an ExactInteger (the display form of a BigInt) is a leaf. */
function isBranch(value: unknown): value is object {
  return value !== null && typeof value === 'object' && !(value instanceof ExactInteger);
}

export function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  return exactDigits(value) ?? stringifyExact(value) ?? String(value);
}

export function copyableValue(value: unknown): string {
  if (typeof value === 'string') return value;
  return exactDigits(value) ?? stringifyExact(value, 2);
}

const containsCache = new Map<string, WeakMap<object, boolean>>();

/** Whether a key or value anywhere under `value` contains `term` (lower-case), memoised per term. */
export function subtreeContains(value: unknown, term: string): boolean {
  if (term === '') return false;
  if (!isBranch(value)) return valueText(value).toLowerCase().includes(term);
  let cache = containsCache.get(term);
  if (!cache) {
    if (containsCache.size > 20) containsCache.clear();
    cache = new WeakMap();
    containsCache.set(term, cache);
  }
  const known = cache.get(value);
  if (known !== undefined) return known;
  let found = false;
  if (Array.isArray(value)) found = value.some((v) => subtreeContains(v, term));
  else
    for (const [k, v] of Object.entries(value))
      if (k.toLowerCase().includes(term) || subtreeContains(v, term)) {
        found = true;
        break;
      }
  cache.set(value, found);
  return found;
}

export interface JsonMatch {
  path: string;
  value: unknown;
}

/** The first `limit` leaves or keys matching `term`, with their paths. */
export function findMatches(
  root: unknown,
  term: string,
  basePath: string,
  limit = 50,
): { matches: JsonMatch[]; total: number } {
  const matches: JsonMatch[] = [];
  let total = 0;
  const visit = (value: unknown, path: string, key: string | undefined) => {
    const keyHit = key !== undefined && key.toLowerCase().includes(term);
    if (!isBranch(value)) {
      if (keyHit || valueText(value).toLowerCase().includes(term)) {
        total++;
        if (matches.length < limit) matches.push({ path, value });
      }
      return;
    }
    if (keyHit) {
      total++;
      if (matches.length < limit) matches.push({ path, value });
    }
    if (!subtreeContains(value, term)) return;
    if (Array.isArray(value)) value.forEach((v, i) => visit(v, childPath(path, i), undefined));
    else for (const [k, v] of Object.entries(value)) visit(v, childPath(path, k), k);
  };
  if (term !== '') visit(root, basePath, undefined);
  return { matches, total };
}

/**
 * Display copy of a value for react-json-view-lite: every array longer than a page becomes an
 * object of pages (`"[0…99]": [...]`), so opening it renders one collapsed line per page instead of
 * every item, and every BigInt becomes an ExactInteger, which the library prints as bare digits.
 */
export function toDisplayValue(value: unknown): unknown {
  if (typeof value === 'bigint') return new ExactInteger(value);
  if (!isBranch(value)) return value;
  if (Array.isArray(value)) {
    const items = value.map(toDisplayValue);
    if (items.length <= ARRAY_PAGE_SIZE) return items;
    const pages: Record<string, unknown[]> = {};
    for (let start = 0; start < items.length; start += ARRAY_PAGE_SIZE) {
      const end = Math.min(start + ARRAY_PAGE_SIZE, items.length) - 1;
      pages[`[${start}…${end}]`] = items.slice(start, end + 1);
    }
    return pages;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = toDisplayValue(v);
  return out;
}

/** The object without bulky fields, and without hrefs inside refs, back-refs and children. */
export function withoutBulky(value: unknown): unknown {
  if (!isBranch(value)) return value;
  if (Array.isArray(value)) return value.map(withoutBulky);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!BULKY_FIELDS.has(k)) out[k] = withoutBulky(v);
  return out;
}
