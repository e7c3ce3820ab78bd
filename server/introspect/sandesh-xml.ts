// Sandesh XML exactly as the agent writes it (contrail-sandesh library/cpp/protocol/TXMLProtocol.cpp
// and the generated writers of compiler/generate/t_cpp_generator.cc), from the schema tables in
// model/dataplane/sandesh. Pure: text goes to a sink in chunks, never as one whole document.
//
// What the C++ writes, and so what this writes:
// - a response: `<Name type="sandesh">` + its fields + the auto field
//   `<more type="bool" identifier="0">…</more>` (compiler/sandeshy.yy appends it to every
//   response) + `</Name>`; no whitespace anywhere (TXMLPROTOCOL_DEBUG_PRETTY_PRINT is off);
// - a field: `<name type="T" identifier="ID"` + its annotations sorted by key (a std::map), so
//   `link="…"` + `>` value `</name>`; an `optional` field only when set;
// - a struct field: `<nh type="struct" identifier="1"><NhSandeshData>…</NhSandeshData></nh>`;
// - a list: `<f type="list" identifier="N"><list type="struct" size="K">` elements `</list></f>`,
//   base-type elements each in `<element>…</element>`;
// - integers in decimal after the C++ cast to the declared width (an i16 field holding 40000
//   prints -25536), booleans `true`/`false`, strings with `&`, `'`, `<`, `>` escaped
//   (TXMLProtocol::escapeXMLControlChars; `"` is left alone).

import type {
  FieldDef,
  FieldType,
  SandeshBaseType,
  SandeshDef,
  StructDef,
} from '@model/dataplane/sandesh/schema.ts';

/** The processing instruction sandesh_http.cc puts in front of every response document. */
export const XSL_PROCESSING_INSTRUCTION = '<?xml-stylesheet type="text/xsl" href="/universal_parse.xsl"?>';

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', "'": '&apos;', '<': '&lt;', '>': '&gt;' };
const NEEDS_ESCAPE = /[&'<>]/;
const ESCAPE_ALL = /[&'<>]/g;

export function escapeXmlText(text: string): string {
  return NEEDS_ESCAPE.test(text) ? text.replace(ESCAPE_ALL, (c) => ESCAPES[c]!) : text;
}

/** A base value as TXMLProtocol prints it after the C++ conversion to the field's type. */
export function formatBase(type: SandeshBaseType, value: unknown): string {
  switch (type) {
    case 'bool':
      return value ? 'true' : 'false';
    case 'string':
    case 'uuid_t':
      return escapeXmlText(typeof value === 'string' ? value : String(value ?? ''));
    case 'byte':
      return String((Number(value) << 24) >> 24);
    case 'i16':
      return String((Number(value) << 16) >> 16);
    case 'u16':
      return String(Number(value) & 0xffff);
    case 'i32':
      return String(Number(value) | 0);
    case 'u32':
      return String(Number(value) >>> 0);
    case 'i64':
    case 'u64':
      return typeof value === 'bigint' ? value.toString() : String(Math.trunc(Number(value ?? 0)));
  }
}

/** The value an unset required field holds in the generated C++ (zero, empty, false). */
function zeroOf(type: FieldType): unknown {
  if (type.kind === 'list') return [];
  if (type.kind === 'struct') return {};
  if (type.type === 'bool') return false;
  if (type.type === 'string' || type.type === 'uuid_t') return '';
  return 0;
}

interface CompiledField {
  readonly def: FieldDef;
  readonly open: string;
  readonly close: string;
  /** For lists: `<list type="…" size="` (the size and `">` follow). */
  readonly listOpen: string;
}

const compiled = new WeakMap<StructDef, readonly CompiledField[]>();

function typeName(type: FieldType): string {
  return type.kind === 'base' ? type.type : type.kind;
}

function compile(def: StructDef): readonly CompiledField[] {
  let fields = compiled.get(def);
  if (fields) return fields;
  fields = def.fields.map((field): CompiledField => {
    const attrs = field.annotations.map(([k, v]) => ` ${k}="${v}"`).join('');
    const elemType = field.type.kind === 'list' ? typeName(field.type.elem) : '';
    return {
      def: field,
      open: `<${field.name} type="${typeName(field.type)}" identifier="${field.id}"${attrs}>`,
      close: `</${field.name}>`,
      listOpen: `<list type="${elemType}" size="`,
    };
  });
  compiled.set(def, fields);
  return fields;
}

/**
 * Writes Sandesh XML into a sink in chunks of about `chunkBytes` characters. Call `flush()` at
 * the end; `pending` says how much is buffered (for callers that want to apply backpressure).
 */
export class SandeshXmlWriter {
  private buffer = '';

  constructor(
    private readonly sink: (chunk: string) => void,
    private readonly chunkChars = 64 * 1024,
  ) {}

  get pending(): number {
    return this.buffer.length;
  }

  // Appending to one string is cheap in V8 (a rope); it is flattened once per chunk.
  raw(text: string): void {
    this.buffer += text;
    if (this.buffer.length >= this.chunkChars) this.flush();
  }

  flush(): void {
    if (this.buffer.length === 0) return;
    const chunk = this.buffer;
    this.buffer = '';
    this.sink(chunk);
  }

  /** One response sandesh with its `more` flag. */
  response<R>(def: SandeshDef<R>, record: R, more: boolean): void {
    this.raw(`<${def.name} type="sandesh">`);
    this.fields(def, record as Record<string, unknown>);
    this.raw(`<more type="bool" identifier="0">${more ? 'true' : 'false'}</more></${def.name}>`);
  }

  private fields(def: StructDef, record: Record<string, unknown>): void {
    for (const field of compile(def)) {
      let value = record[field.def.name];
      if (value === undefined) {
        if (field.def.optional) continue;
        // The generated constructor initialises a field to its declared default, else zero.
        value = field.def.defaultValue ?? zeroOf(field.def.type);
      }
      const type = field.def.type;
      if (type.kind === 'base') {
        this.raw(field.open + formatBase(type.type, value) + field.close);
      } else if (type.kind === 'struct') {
        this.raw(field.open);
        this.struct(type.struct, value as Record<string, unknown>);
        this.raw(field.close);
      } else {
        const items = value as readonly unknown[];
        this.raw(`${field.open}${field.listOpen}${items.length}">`);
        const elem = type.elem;
        if (elem.kind === 'struct')
          for (const item of items) this.struct(elem.struct, item as Record<string, unknown>);
        else for (const item of items) this.raw(`<element>${formatBase(elem.type, item)}</element>`);
        this.raw(`</list>${field.close}`);
      }
    }
  }

  private struct(def: StructDef, record: Record<string, unknown>): void {
    this.raw(`<${def.name}>`);
    this.fields(def, record);
    this.raw(`</${def.name}>`);
  }
}
