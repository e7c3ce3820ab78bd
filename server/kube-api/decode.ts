// Decoding a request body into an object of a served kind: JSON or YAML text, then the fields
// checked against schema.ts as the API server's decoder does: a value of the wrong type is a
// BadRequest, and an unknown field is an error (`fieldValidation=Strict`), a warning (`Warn`,
// the default) or dropped silently (`Ignore`) — handlers/rest.go and fieldmanager's validation.

import { parseYamlDocuments } from '../cluster/manifest.ts';
import { kindSchema, resolve, type Schema } from './schema.ts';
import { badRequest } from './status.ts';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

type JsonObject = Record<string, unknown>;
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** JSON first (the common case), YAML otherwise; one document, an object. */
export function parseBody(text: string, yaml: boolean): unknown {
  if (!yaml) {
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw badRequest(`error decoding JSON: ${(err as Error).message}`);
    }
  }
  let docs: unknown[];
  try {
    docs = parseYamlDocuments(text);
  } catch (err) {
    throw badRequest(`error converting YAML to JSON: ${(err as Error).message}`);
  }
  const present = docs.filter((d) => d !== null && d !== undefined);
  if (present.length !== 1) throw badRequest(`expected one YAML document, found ${present.length}`);
  return present[0];
}

const GO_TYPES: Record<string, string> = {
  integer: 'int32',
  number: 'float64',
  boolean: 'bool',
  string: 'string',
};

function typeOf(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'number') return 'number';
  return typeof v;
}

/**
 * Walks `value` against `schema`, collecting unknown fields (`.spec.foo`) and throwing on a value
 * of the wrong type. Unknown fields are removed from the value unless `keep`.
 */
function check(
  value: unknown,
  schema: Schema | undefined,
  path: string,
  unknown: string[],
  kindName: string,
): void {
  if (schema === undefined || value === null || value === undefined) return;
  const s = resolve(schema);
  if (!('type' in s)) return;
  const mismatch = (expected: string) => {
    throw badRequest(
      `json: cannot unmarshal ${typeOf(value)} into Go struct field ${kindName}${path} of type ${expected}`,
    );
  };
  switch (s.type) {
    case 'object': {
      if (!isObject(value)) return mismatch(s.additionalProperties ? 'map[string]string' : 'object');
      for (const key of Object.keys(value)) {
        const field = `${path}.${key}`;
        if (s.properties && Object.hasOwn(s.properties, key))
          check(value[key], s.properties[key], field, unknown, kindName);
        else if (s.additionalProperties) check(value[key], s.additionalProperties, field, unknown, kindName);
        else if (!s.preserveUnknown) {
          unknown.push(field.slice(1));
          delete value[key];
        }
      }
      return;
    }
    case 'array':
      if (!Array.isArray(value))
        return mismatch(`[]${'ref' in s.items ? s.items.ref.split('.').pop() : 'string'}`);
      value.forEach((item, i) => check(item, s.items, `${path}[${i}]`, unknown, kindName));
      return;
    case 'int-or-string':
      if (typeof value !== 'number' && typeof value !== 'string') mismatch('intstr.IntOrString');
      return;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) mismatch(GO_TYPES.integer!);
      return;
    default:
      if (typeOf(value) !== s.type) mismatch(GO_TYPES[s.type]!);
  }
}

export interface Decoded {
  readonly object: JsonObject;
  /** Warning header values (`unknown field "spec.foo"`), for fieldValidation=Warn. */
  readonly warnings: string[];
}

/** Decodes and checks an object of `kind`; unknown fields per `validation`. */
export function decodeObject(
  raw: unknown,
  kind: string,
  apiVersion: string,
  validation: FieldValidation,
): Decoded {
  if (!isObject(raw)) throw badRequest('the object provided is unrecognized (must be of type ' + kind + ')');
  const object = structuredClone(raw);
  const unknown: string[] = [];
  const givenKind = typeof object.kind === 'string' ? object.kind : kind;
  const version =
    typeof object.apiVersion === 'string' ? object.apiVersion.split('/').pop() : apiVersion.split('/').pop();
  try {
    for (const key of Object.keys(object)) {
      const schema = kindSchema(kind);
      const s = schema ? resolve(schema) : undefined;
      const known = s && 'type' in s && s.type === 'object' && s.properties ? s.properties : {};
      if (Object.hasOwn(known, key)) check(object[key], known[key], `.${key}`, unknown, kind);
      else if (key !== 'kind' && key !== 'apiVersion') {
        unknown.push(key);
        delete object[key];
      }
    }
  } catch (err) {
    const e = err as Error;
    throw badRequest(`${givenKind} in version "${version}" cannot be handled as a ${kind}: ${e.message}`);
  }
  if (unknown.length > 0 && validation === 'Strict')
    throw badRequest(
      `${givenKind} in version "${version}" cannot be handled as a ${kind}: strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`,
    );
  return { object, warnings: validation === 'Warn' ? unknown.map((f) => `unknown field "${f}"`) : [] };
}
