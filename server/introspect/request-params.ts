// Request parameters as the generated `RequestFromHttp` reads them (contrail-sandesh
// compiler/generate/t_cpp_generator.cc `generate_sandesh_http_reader`). Pure.
//
// The agent does not look at parameter names: the query is split on `&` (boost::tokenizer,
// empty tokens dropped) and the i-th token fills the i-th declared field. Each token is split on
// `=` (empty parts dropped) and its second part is the value; a token without one leaves the
// field at its default. Strings are percent-decoded (curl_easy_unescape: `%XX` only, `+` stays a
// plus); integers and booleans go through contrail-common base/util.h `stringToInteger`, i.e.
// strtoul(…, 10) with its return value ignored — leading digits count, `abc` is 0, `-1` wraps —
// then the C++ assignment narrows it to the field's width. Nothing is ever rejected.

import type { SandeshBaseType, SandeshDef } from '@model/dataplane/sandesh/schema.ts';

const U64_MAX = (1n << 64n) - 1n;

/** strtoul/strtoull(text, &end, 10) in 64 bits. */
export function strtoul(text: string): bigint {
  const m = /^[\t\n\v\f\r ]*([+-]?)(\d*)/.exec(text)!;
  const digits = m[2]!;
  if (digits === '') return 0n;
  const value = BigInt(digits);
  if (value > U64_MAX) return U64_MAX;
  return m[1] === '-' ? (U64_MAX + 1n - value) & U64_MAX : value;
}

/** An unsigned 64-bit result assigned to a C++ field of this type. */
function narrow(type: SandeshBaseType, value: bigint): number | boolean {
  switch (type) {
    case 'bool':
      return value !== 0n;
    case 'byte':
      return Number(BigInt.asIntN(8, value));
    case 'i16':
      return Number(BigInt.asIntN(16, value));
    case 'u16':
      return Number(BigInt.asUintN(16, value));
    case 'i32':
      return Number(BigInt.asIntN(32, value));
    case 'u32':
      return Number(BigInt.asUintN(32, value));
    case 'i64':
      return Number(BigInt.asIntN(64, value));
    default:
      return Number(value);
  }
}

/** curl_easy_unescape: `%XX` with two hex digits is decoded (as bytes, then UTF-8); all else is kept. */
export function curlUnescape(text: string): string {
  if (!text.includes('%')) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25 && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(text[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

export type RequestValues = Record<string, string | number | boolean>;

/** The request's fields from the raw query string (without `?`), by position. */
export function parseRequestParams(def: SandeshDef, query: string): RequestValues {
  const tokens = query.split('&').filter((t) => t !== '');
  const out: RequestValues = {};
  def.fields.forEach((field, i) => {
    if (field.type.kind !== 'base') return;
    const type = field.type.type;
    const fallback =
      field.defaultValue ?? (type === 'string' || type === 'uuid_t' ? '' : type === 'bool' ? false : 0);
    out[field.name] = fallback;
    const token = tokens[i];
    if (token === undefined) return;
    const parts = token.split('=').filter((p) => p !== '');
    const raw = parts[1];
    if (raw === undefined) return;
    out[field.name] = type === 'string' || type === 'uuid_t' ? curlUnescape(raw) : narrow(type, strtoul(raw));
  });
  return out;
}
