// /openapi/v2 as kubectl < 1.27 (and Debian's 1.20) reads it: protobuf of gnostic's
// openapi_v2.Document (google/gnostic openapiv2/OpenAPIv2.proto), encoded from the same JSON
// document openapi.ts builds. Only the messages that document uses are written; vendor
// extensions and enums travel as `Any{yaml}` (JSON is YAML), as gnostic stores them.

type Json = Record<string, unknown>;

/** A protobuf message being written: fields appended in order, bytes joined at the end. */
class Writer {
  private readonly parts: Buffer[] = [];

  private varint(value: number): void {
    const bytes: number[] = [];
    let v = value;
    while (v > 0x7f) {
      bytes.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    bytes.push(v);
    this.parts.push(Buffer.from(bytes));
  }

  private tag(field: number, wireType: 0 | 2): void {
    this.varint(field * 8 + wireType);
  }

  string(field: number, value: string | undefined): this {
    if (value === undefined || value === '') return this;
    const bytes = Buffer.from(value, 'utf8');
    this.tag(field, 2);
    this.varint(bytes.length);
    this.parts.push(bytes);
    return this;
  }

  bool(field: number, value: boolean | undefined): this {
    if (!value) return this;
    this.tag(field, 0);
    this.varint(1);
    return this;
  }

  message(field: number, message: Writer | undefined): this {
    if (!message) return this;
    const bytes = message.bytes();
    this.tag(field, 2);
    this.varint(bytes.length);
    this.parts.push(bytes);
    return this;
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

const anyYaml = (value: unknown) => new Writer().string(2, JSON.stringify(value));

function vendorExtensions(w: Writer, field: number, object: Json): void {
  for (const [key, value] of Object.entries(object))
    if (key.startsWith('x-')) w.message(field, new Writer().string(1, key).message(2, anyYaml(value)));
}

/** openapi_v2.Schema. */
function schema(s: Json): Writer {
  const w = new Writer();
  w.string(1, s.$ref as string | undefined);
  w.string(2, s.format as string | undefined);
  w.string(4, s.description as string | undefined);
  for (const r of (s.required as string[] | undefined) ?? []) w.string(19, r);
  for (const e of (s.enum as unknown[] | undefined) ?? []) w.message(20, anyYaml(e));
  if (s.additionalProperties && typeof s.additionalProperties === 'object')
    w.message(21, new Writer().message(1, schema(s.additionalProperties as Json)));
  if (typeof s.type === 'string') w.message(22, new Writer().string(1, s.type));
  if (s.items) w.message(23, new Writer().message(1, schema(s.items as Json)));
  if (s.properties) {
    const props = new Writer();
    for (const [name, value] of Object.entries(s.properties as Record<string, Json>))
      props.message(1, new Writer().string(1, name).message(2, schema(value)));
    w.message(25, props);
  }
  vendorExtensions(w, 31, s);
  return w;
}

/** A query parameter: ParametersItem → Parameter → NonBodyParameter → QueryParameterSubSchema. */
function parameter(p: Json): Writer {
  const query = new Writer()
    .bool(1, p.required as boolean | undefined)
    .string(2, p.in as string)
    .string(3, p.description as string | undefined)
    .string(4, p.name as string)
    .string(6, p.type as string | undefined);
  const nonBody = new Writer().message(3, query);
  return new Writer().message(1, new Writer().message(2, nonBody));
}

function operation(op: Json): Writer {
  const w = new Writer();
  w.string(5, op.operationId as string | undefined);
  for (const c of (op.consumes as string[] | undefined) ?? []) w.string(7, c);
  for (const p of (op.parameters as Json[] | undefined) ?? []) w.message(8, parameter(p));
  const responses = new Writer();
  for (const [code, r] of Object.entries((op.responses ?? {}) as Record<string, Json>)) {
    const response = new Writer().string(1, r.description as string);
    if (r.schema) response.message(2, new Writer().message(1, schema(r.schema as Json)));
    responses.message(1, new Writer().string(1, code).message(2, new Writer().message(1, response)));
  }
  w.message(9, responses);
  vendorExtensions(w, 13, op);
  return w;
}

const VERBS: [string, number][] = [
  ['get', 2],
  ['put', 3],
  ['post', 4],
  ['delete', 5],
  ['patch', 8],
];

/** The protobuf form of an OpenAPI v2 JSON document. */
export function encodeOpenApiV2(doc: Json): Buffer {
  const info = (doc.info ?? {}) as Json;
  const paths = new Writer();
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, Json>)) {
    const pathItem = new Writer();
    for (const [verb, field] of VERBS) if (item[verb]) pathItem.message(field, operation(item[verb] as Json));
    paths.message(2, new Writer().string(1, path).message(2, pathItem));
  }
  const definitions = new Writer();
  for (const [name, s] of Object.entries((doc.definitions ?? {}) as Record<string, Json>))
    definitions.message(1, new Writer().string(1, name).message(2, schema(s)));
  return new Writer()
    .string(1, doc.swagger as string)
    .message(2, new Writer().string(1, info.title as string).string(2, info.version as string))
    .message(8, paths)
    .message(9, definitions)
    .bytes();
}

/** What kube-openapi's handler answers for either protobuf media type a client asks for. */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';
