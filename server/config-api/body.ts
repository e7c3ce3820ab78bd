// Parses a request body of the VNC API into a JSON object, refusing before anything is stored
// what no Contrail object needs and what could make a later read fail: nesting deeper than
// MAX_BODY_DEPTH and `__proto__` keys. The size bound (MAX_REQUEST_BYTES) is the listener's.
// Pure: text in, object or Invalid out.

import { Invalid } from './errors.ts';

/** contrail-api's max_request_size (bottle MEMFILE_MAX): larger bodies get 413. */
export const MAX_REQUEST_BYTES = 1_024_000;

/**
 * The deepest nesting a body may have. The deepest typed value we serve (a network's ipam link:
 * body → object → network_ipam_refs → ref → attr → ipam_subnets → subnet → allocation_pools →
 * pool) is 9 levels; 32 leaves room without letting a 10,000-level attr through.
 */
const MAX_BODY_DEPTH = 32;

/** The nesting depth of JSON text, counted by brackets outside strings, stopping past `limit`. */
function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > deepest && (deepest = depth) > limit) return deepest;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

function hasProtoKey(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some(hasProtoKey);
  for (const key of Object.keys(value)) {
    if (key === '__proto__') return true;
    if (hasProtoKey((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

/** The body as a JSON object, or a 400 naming what is wrong with it. */
export function parseBody(raw: unknown): Record<string, unknown> {
  if (typeof raw !== 'string' || raw.trim().length === 0)
    throw new Invalid('Bad Request, empty body: a JSON object is required');
  if (jsonDepth(raw, MAX_BODY_DEPTH) > MAX_BODY_DEPTH)
    throw new Invalid(`Bad Request, body nests deeper than ${MAX_BODY_DEPTH} levels`);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw new Invalid(`Bad Request, invalid JSON in body: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Invalid('Bad Request, body must be a JSON object');
  // A `__proto__` key is an own property after JSON.parse, but would become a prototype in any
  // later plain assignment or decoding: no Contrail field has that name.
  if (hasProtoKey(value)) throw new Invalid('Bad Request, "__proto__" is not a valid key');
  return value as Record<string, unknown>;
}
