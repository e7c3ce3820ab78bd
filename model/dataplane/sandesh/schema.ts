// How a Sandesh struct, request or response is declared (field name, id, type, optional, `link`
// annotation, default) and the TypeScript record type each declaration implies. Pure data: the
// XML writer, the request parser and (later) the introspect client all read these tables.
//
// Declarations transcribe the .sandesh files of tf-controller (src/vnsw/agent/oper/agent.sandesh,
// kstate/kstate.sandesh, pkt/pkt.sandesh, controller/controller.sandesh) in declaration order,
// which is the order the generated C++ writes fields in (contrail-sandesh
// compiler/generate/t_cpp_generator.cc `generate_struct_writer` iterates `get_members()`).

/** Sandesh base types, spelled as TXMLProtocol writes them in the `type` attribute. */
export type SandeshBaseType =
  'bool' | 'byte' | 'i16' | 'i32' | 'i64' | 'u16' | 'u32' | 'u64' | 'string' | 'uuid_t';

type BaseValue<T extends SandeshBaseType> = T extends 'bool'
  ? boolean
  : T extends 'string' | 'uuid_t'
    ? string
    : number;

export interface BaseFieldType<T extends SandeshBaseType = SandeshBaseType> {
  readonly kind: 'base';
  readonly type: T;
}

export interface StructFieldType<R = unknown> {
  readonly kind: 'struct';
  readonly struct: StructDef<R>;
}

export interface ListFieldType<E = unknown> {
  readonly kind: 'list';
  readonly elem: BaseFieldType | StructFieldType<E>;
}

export type FieldType = BaseFieldType | StructFieldType | ListFieldType;

export interface FieldDef {
  readonly name: string;
  /** The field id (`identifier` attribute). */
  readonly id: number;
  readonly type: FieldType;
  /** `optional` fields are written only when set (`__isset`). */
  readonly optional: boolean;
  /** Annotations written as extra attributes (std::map order, so sorted by key). */
  readonly annotations: readonly (readonly [string, string])[];
  /** The declared default (`= -1`), used when a request parameter is absent. */
  readonly defaultValue?: string | number | boolean;
}

export interface StructDef<R = unknown> {
  readonly name: string;
  readonly fields: readonly FieldDef[];
  /** Phantom: the record type this struct describes. */
  readonly __record?: R;
}

/** A response sandesh: a struct written as `<Name type="sandesh">` with the auto field `more`. */
export interface SandeshDef<R = unknown> extends StructDef<R> {
  readonly sandesh: 'response' | 'request';
}

// ---- field builders -----------------------------------------------------------------------

interface FieldSpec<V, O extends boolean> {
  readonly id: number;
  readonly type: FieldType;
  readonly optional: O;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly defaultValue?: string | number | boolean;
  /** Phantom: the value type. */
  readonly __value?: V;
}

type AnyFieldSpec = FieldSpec<unknown, boolean>;

interface FieldOptions {
  link?: string;
  default?: string | number | boolean;
}

function base<T extends SandeshBaseType>(type: T) {
  const make =
    <O extends boolean>(optional: O) =>
    (id: number, opts: FieldOptions = {}): FieldSpec<BaseValue<T>, O> => ({
      id,
      type: { kind: 'base', type },
      optional,
      ...(opts.link ? { annotations: { link: opts.link } } : {}),
      ...(opts.default !== undefined ? { defaultValue: opts.default } : {}),
    });
  return Object.assign(make(false), { opt: make(true) });
}

function listOf<E>(elem: BaseFieldType | StructFieldType<E>) {
  const make =
    <O extends boolean>(optional: O) =>
    (id: number, opts: FieldOptions = {}): FieldSpec<E[], O> => ({
      id,
      type: { kind: 'list', elem },
      optional,
      ...(opts.link ? { annotations: { link: opts.link } } : {}),
    });
  return Object.assign(make(false), { opt: make(true) });
}

/** Field builders: `f.i32(1)`, `f.string.opt(5, { link: 'ItfReq' })`, `f.list(SomeStruct)(16)`. */
export const f = {
  bool: base('bool'),
  byte: base('byte'),
  i16: base('i16'),
  i32: base('i32'),
  i64: base('i64'),
  u16: base('u16'),
  u32: base('u32'),
  u64: base('u64'),
  string: base('string'),
  uuid: base('uuid_t'),
  struct<R>(def: StructDef<R>) {
    const make =
      <O extends boolean>(optional: O) =>
      (id: number): FieldSpec<R, O> => ({ id, type: { kind: 'struct', struct: def }, optional });
    return Object.assign(make(false), { opt: make(true) });
  },
  list<R>(elem: StructDef<R>) {
    return listOf<R>({ kind: 'struct', struct: elem });
  },
  listOf<T extends SandeshBaseType>(type: T) {
    return listOf<BaseValue<T>>({ kind: 'base', type });
  },
};

type ValueOf<S> = S extends FieldSpec<infer V, boolean> ? V : never;
type RequiredKeys<S> = { [K in keyof S]: S[K] extends FieldSpec<unknown, false> ? K : never }[keyof S];
type OptionalKeys<S> = { [K in keyof S]: S[K] extends FieldSpec<unknown, true> ? K : never }[keyof S];

/** The record a set of field specs describes: required fields required, optional ones optional. */
export type RecordOf<S> = { -readonly [K in RequiredKeys<S>]: ValueOf<S[K]> } & {
  -readonly [K in OptionalKeys<S>]?: ValueOf<S[K]>;
};

export type RecordOfDef<D> = D extends StructDef<infer R> ? R : never;

function fieldsOf(spec: Record<string, AnyFieldSpec>): FieldDef[] {
  return Object.entries(spec).map(([name, s]) => ({
    name,
    id: s.id,
    type: s.type,
    optional: s.optional,
    annotations: Object.entries(s.annotations ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    ...(s.defaultValue !== undefined ? { defaultValue: s.defaultValue } : {}),
  }));
}

export function struct<const S extends Record<string, AnyFieldSpec>>(
  name: string,
  spec: S,
): StructDef<RecordOf<S>> {
  return { name, fields: fieldsOf(spec) };
}

export function response<const S extends Record<string, AnyFieldSpec>>(
  name: string,
  spec: S,
): SandeshDef<RecordOf<S>> {
  return { name, fields: fieldsOf(spec), sandesh: 'response' };
}

export function request<const S extends Record<string, AnyFieldSpec>>(
  name: string,
  spec: S,
): SandeshDef<RecordOf<S>> {
  return { name, fields: fieldsOf(spec), sandesh: 'request' };
}
