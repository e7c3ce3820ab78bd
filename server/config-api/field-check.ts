// Checks a property, a struct field or a ref attribute against its schema type, the way the API
// server's `_validate_props_in_request` / `_validate_complex_type` / `_validate_simple_type` do
// (api_server.py), and returns the value to store. Pure: no store access.

import { isIPv6 } from 'node:net';
import type { FieldSpec } from '@model/contrail/schema.ts';
import { formatIpv4, tryParseIpv4 } from '@model/net/ipv4.ts';
import { Invalid } from './errors.ts';
import { pyRepr } from './python-format.ts';

/** How deep a subtree the schema leaves untyped may nest below its own field. */
const UNTYPED_MAX_DEPTH = 16;

/** `Bad property in create: ` / `Bad reference in update: `: contrail-api's prefixes (AS:1003-1013). */
export type ErrorPrefix = `Bad ${'property' | 'reference'} in ${string}: `;

/** `null` for a JSON null, `a list`, `an object`, `a string`… for the error texts. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** IpAddressType: a strict dotted quad (no leading zeros) or an IPv6 address. */
function isIpAddress(text: string): boolean {
  return tryParseIpv4(text) !== undefined || isIPv6(text);
}

function wrong(prefix: ErrorPrefix, path: string, what: string, value: unknown): Invalid {
  return new Invalid(`${prefix}${path} must be ${what}, not ${kindOf(value)}`);
}

/**
 * `value` checked against `spec`, with integers given as decimal text converted the way the API
 * server's `int(value)` does. Nulls are unset fields and pass. Throws Invalid naming the path.
 */
export function checkField(prefix: ErrorPrefix, path: string, spec: FieldSpec, value: unknown): unknown {
  if (value === null) return null;
  switch (spec.kind) {
    case 'boolean':
      if (typeof value !== 'boolean') throw wrong(prefix, path, 'a boolean', value);
      return value;
    case 'string':
      if (typeof value !== 'string') throw wrong(prefix, path, 'a string', value);
      if (spec.values && !spec.values.includes(value))
        throw new Invalid(`${prefix}${path}: value must be one of ${pyRepr(spec.values)}`);
      if (spec.format === 'ip-address' && !isIpAddress(value))
        throw new Invalid(`${prefix}${path}: ${pyRepr(value)} is not an IP address`);
      return value;
    case 'integer': {
      const n = toInteger(value);
      if (n === undefined) throw wrong(prefix, path, 'an integer', value);
      if (spec.range && (n < spec.range[0] || n > spec.range[1]))
        throw new Invalid(`${prefix}${path}: value must be between ${spec.range[0]} and ${spec.range[1]}`);
      return n;
    }
    case 'list': {
      if (!Array.isArray(value)) throw wrong(prefix, path, 'a list', value);
      let out: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const item = checkField(prefix, `${path}[${i}]`, spec.items, value[i]);
        if (item !== value[i]) (out ??= [...value])[i] = item;
      }
      return out ?? value;
    }
    case 'struct': {
      if (typeof value !== 'object' || Array.isArray(value)) throw wrong(prefix, path, 'an object', value);
      const record = value as Record<string, unknown>;
      let out: Record<string, unknown> | undefined;
      for (const key of Object.keys(record)) {
        // Own keys only: `constructor` or `__proto__` must never reach Object.prototype.
        if (!Object.hasOwn(spec.fields, key)) throw new Invalid(`${prefix}${path} has no field ${key}`);
        const field = checkField(prefix, `${path}.${key}`, spec.fields[key]!, record[key]);
        if (field !== record[key]) (out ??= { ...record })[key] = field;
      }
      const checked = out ?? record;
      return spec.format === 'subnet' ? checkSubnet(prefix, path, checked) : checked;
    }
    case 'untyped':
      if (depthOf(value, UNTYPED_MAX_DEPTH + 1) > UNTYPED_MAX_DEPTH)
        throw new Invalid(`${prefix}${path} nests deeper than ${UNTYPED_MAX_DEPTH} levels`);
      return value;
  }
}

/** Python's `int()` of a JSON value: integers, and decimal text; never a fraction or a bool. */
function toInteger(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*[+-]?\d{1,15}\s*$/.test(value)) return Number(value.trim());
  return undefined;
}

/**
 * `_validate_subnet_type`: the prefix must parse as a CIDR; the stored prefix is the network
 * address (`10.0.0.5/24` → `10.0.0.0`), as `str(cidr.network)` gives.
 */
function checkSubnet(
  prefix: ErrorPrefix,
  path: string,
  subnet: Record<string, unknown>,
): Record<string, unknown> {
  const ip = subnet.ip_prefix;
  const len = subnet.ip_prefix_len;
  if (ip === undefined || ip === null || len === undefined || len === null) return subnet;
  const base = typeof ip === 'string' ? tryParseIpv4(ip) : undefined;
  if (base === undefined || typeof len !== 'number' || len < 0 || len > 32) {
    if (typeof ip === 'string' && isIPv6(ip) && typeof len === 'number' && len >= 0 && len <= 128)
      return subnet;
    throw new Invalid(`${prefix}${path}: Subnet type '${String(ip)}/${String(len)}' is invalid`);
  }
  const size = 2 ** (32 - len);
  const network = base - (base % size);
  if (network === base) return subnet;
  return { ...subnet, ip_prefix: formatIpv4(network) };
}

/** The nesting depth of a JSON value (a scalar is 0), counted no further than `limit`. */
function depthOf(value: unknown, limit: number): number {
  if (typeof value !== 'object' || value === null) return 0;
  if (limit <= 0) return 1;
  let deepest = 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  for (const child of children) {
    deepest = Math.max(deepest, depthOf(child, limit - 1));
    if (deepest >= limit) break;
  }
  return deepest + 1;
}
