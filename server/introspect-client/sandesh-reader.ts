// Sandesh XML in, typed records out, as the text streams in: a saxes parser driven by the Sandesh
// declarations of model/dataplane/sandesh (the same tables the simulated agent's writer reads), so
// each response becomes the record type its declaration implies. Pure: no I/O, no HTTP.
//
// What it reads (contrail-sandesh library/cpp/protocol/TXMLProtocol.cpp, sandesh_http.cc):
// - a document is one response `<Name type="sandesh">…</Name>` or, for an answer of several,
//   `<__<First>_list type="slist">` around them; a `<?xml-stylesheet …?>` instruction may lead;
// - a field is `<name type="T" identifier="N" …>`: base text, a struct (`type="struct"`, one
//   element of the struct's name inside), or a list (`type="list"`, `<list type="E" size="K">`,
//   struct elements by name or base ones as `<element>`); `more` is every response's auto field;
// - integers in decimal, booleans `true`/`false`, text with the five XML entities decoded.
// Fields the declarations do not know are skipped (a newer agent may add some); a required field
// the document leaves out takes its declared default, else zero, as the generated C++ constructor
// does. Anything else that does not fit is an error naming where.

import { SaxesParser, type SaxesTagPlain } from 'saxes';
import type {
  BaseFieldType,
  FieldDef,
  FieldType,
  StructFieldType,
  SandeshBaseType,
  SandeshDef,
  StructDef,
} from '@model/dataplane/sandesh/schema.ts';

/** One response of an answer. */
export interface SandeshResponse {
  readonly name: string;
  readonly def: SandeshDef;
  readonly record: Record<string, unknown>;
  readonly more: boolean;
}

/** The document is not Sandesh XML as the declarations describe it. */
export class SandeshFormatError extends Error {
  override readonly name = 'SandeshFormatError';
}

type Frame =
  | { kind: 'doc' }
  | { kind: 'wrapper' }
  | {
      kind: 'struct';
      def: StructDef;
      record: Record<string, unknown>;
      /** A response carries `more`; a nested struct does not. */
      response: SandeshDef | null;
      more: boolean;
      /** Where a nested struct goes once complete (a list's items or its owner's field). */
      place: ((record: Record<string, unknown>) => void) | null;
    }
  /** A field of a struct: its value is text (base), a struct or a list, decided by its def. */
  | { kind: 'field'; owner: Record<string, unknown>; def: FieldDef | 'more'; text: string; filled: boolean }
  /** A list field, then its one `<list type="E" size="K">` body holding the elements. */
  | { kind: 'list'; owner: Record<string, unknown>; def: FieldDef; items: unknown[]; opened: boolean }
  | { kind: 'list-body'; items: unknown[]; elem: BaseFieldType | StructFieldType; field: string }
  | { kind: 'element'; list: unknown[]; type: SandeshBaseType; text: string }
  | { kind: 'skip' };

const fieldMaps = new WeakMap<StructDef, ReadonlyMap<string, FieldDef>>();

function fieldsByName(def: StructDef): ReadonlyMap<string, FieldDef> {
  let map = fieldMaps.get(def);
  if (!map) {
    map = new Map(def.fields.map((f) => [f.name, f]));
    fieldMaps.set(def, map);
  }
  return map;
}

const INTEGER = /^-?\d+$/;

/** A base value from its text; the declared type decides (the `type` attribute may be wider). */
function baseValue(type: SandeshBaseType, text: string, where: string): string | number | boolean {
  switch (type) {
    case 'string':
    case 'uuid_t':
      return owned(text);
    case 'bool':
      if (text === 'true') return true;
      if (text === 'false') return false;
      throw new SandeshFormatError(`${where}: "${text}" is not a bool (true or false)`);
    default: {
      const t = text.trim();
      // i64/u64 beyond 2^53 lose precision as numbers; counters never get there in practice.
      if (!INTEGER.test(t)) throw new SandeshFormatError(`${where}: "${text}" is not an integer (${type})`);
      return Number(t);
    }
  }
}

/**
 * The text as a string of its own. The parser's text is a slice of the chunk it came in, and V8
 * keeps a slice of 13 characters or more as a view of its parent: a kept record would hold every
 * chunk it was read from (a flow table's records, ~2.5 KB each, instead of the fields' few bytes).
 */
function owned(text: string): string {
  return text.length < 13 ? text : (' ' + text).slice(1);
}

/** The value an unset required field holds (its declared default, else zero, empty or false). */
function zeroOf(field: FieldDef): unknown {
  if (field.defaultValue !== undefined) return field.defaultValue;
  const type: FieldType = field.type;
  if (type.kind === 'list') return [];
  if (type.kind === 'struct') return completeStruct(type.struct, {});
  if (type.type === 'bool') return false;
  if (type.type === 'string' || type.type === 'uuid_t') return '';
  return 0;
}

function completeStruct(def: StructDef, record: Record<string, unknown>): Record<string, unknown> {
  for (const field of def.fields)
    if (!field.optional && !(field.name in record)) record[field.name] = zeroOf(field);
  return record;
}

/**
 * Parses one answer. `write` text as it arrives, then `close`; every complete response is handed
 * to `onResponse` in document order as soon as its closing tag is read.
 */
export class SandeshReader {
  private readonly parser = new SaxesParser<{ xmlns: false; position: false }>({
    xmlns: false,
    position: false,
  });
  private readonly stack: Frame[] = [{ kind: 'doc' }];
  private error: Error | null = null;
  private responses = 0;

  constructor(
    private readonly defs: ReadonlyMap<string, SandeshDef>,
    private readonly onResponse: (response: SandeshResponse) => void,
    /** For messages: where the document came from (`k8s-node1 /Snh_NhListReq`). */
    private readonly source = 'introspect',
  ) {
    this.parser.on('opentag', (tag) => this.guard(() => this.open(tag)));
    this.parser.on('text', (text) => this.guard(() => this.text(text)));
    this.parser.on('closetag', () => this.guard(() => this.close()));
    this.parser.on('error', (err) => {
      this.error ??= new SandeshFormatError(`${this.source}: not well-formed XML: ${err.message}`);
    });
  }

  /** Number of responses read so far. */
  get count(): number {
    return this.responses;
  }

  write(chunk: string): void {
    if (this.error) throw this.error;
    this.parser.write(chunk);
    if (this.error) throw this.error;
  }

  /** Ends the document; throws when it was empty or cut short. */
  end(): void {
    if (this.error) throw this.error;
    this.parser.close();
    if (this.error) throw this.error;
    if (this.stack.length !== 1 || this.responses === 0)
      throw new SandeshFormatError(`${this.source}: the document ended before a complete response`);
  }

  private guard(step: () => void): void {
    if (this.error) return;
    try {
      step();
    } catch (err) {
      this.error = err instanceof Error ? err : new Error(String(err));
    }
  }

  private top(): Frame {
    return this.stack[this.stack.length - 1]!;
  }

  private openResponse(tag: SaxesTagPlain): void {
    const def = this.defs.get(tag.name);
    if (!def) throw new SandeshFormatError(`${this.source}: unexpected response <${tag.name}>`);
    this.stack.push({ kind: 'struct', def, record: {}, response: def, more: false, place: null });
  }

  private open(tag: SaxesTagPlain): void {
    const top = this.top();
    const attrs = tag.attributes as Record<string, string>;
    switch (top.kind) {
      case 'doc':
        if (attrs.type === 'slist') this.stack.push({ kind: 'wrapper' });
        else if (attrs.type === 'sandesh') this.openResponse(tag);
        else throw new SandeshFormatError(`${this.source}: <${tag.name}> is not a Sandesh response`);
        return;
      case 'wrapper':
        if (attrs.type !== 'sandesh')
          throw new SandeshFormatError(`${this.source}: <${tag.name}> in a response list is not a response`);
        this.openResponse(tag);
        return;
      case 'struct': {
        if (tag.name === 'more' && top.response) {
          this.stack.push({ kind: 'field', owner: top.record, def: 'more', text: '', filled: false });
          return;
        }
        const def = fieldsByName(top.def).get(tag.name);
        if (!def) {
          this.stack.push({ kind: 'skip' });
          return;
        }
        if (def.type.kind === 'list') {
          if (attrs.type !== 'list')
            throw new SandeshFormatError(
              `${this.where(top.def, def)}: declared a list, sent as ${attrs.type}`,
            );
          this.stack.push({ kind: 'list', owner: top.record, def, items: [], opened: false });
        } else {
          if ((def.type.kind === 'struct') !== (attrs.type === 'struct'))
            throw new SandeshFormatError(
              `${this.where(top.def, def)}: declared ${def.type.kind === 'struct' ? 'a struct' : def.type.type}, sent as ${attrs.type}`,
            );
          this.stack.push({ kind: 'field', owner: top.record, def, text: '', filled: false });
        }
        return;
      }
      case 'field': {
        // A struct field's one element: the struct itself.
        if (top.def === 'more' || top.def.type.kind !== 'struct' || top.filled)
          throw new SandeshFormatError(`${this.source}: unexpected <${tag.name}> inside a value`);
        top.filled = true;
        const { owner, def } = top;
        this.stack.push({
          kind: 'struct',
          def: top.def.type.struct,
          record: {},
          response: null,
          more: false,
          place: (record) => (owner[def.name] = record),
        });
        return;
      }
      case 'list': {
        if (tag.name !== 'list' || top.opened)
          throw new SandeshFormatError(
            `${this.source}: list ${top.def.name} holds <${tag.name}>, not one <list>`,
          );
        top.opened = true;
        const elem = (top.def.type as Extract<FieldType, { kind: 'list' }>).elem;
        this.stack.push({ kind: 'list-body', items: top.items, elem, field: top.def.name });
        return;
      }
      case 'list-body': {
        if (top.elem.kind === 'struct') {
          const { items } = top;
          this.stack.push({
            kind: 'struct',
            def: top.elem.struct,
            record: {},
            response: null,
            more: false,
            place: (record) => items.push(record),
          });
        } else {
          this.stack.push({ kind: 'element', list: top.items, type: top.elem.type, text: '' });
        }
        return;
      }
      case 'element':
        throw new SandeshFormatError(`${this.source}: unexpected <${tag.name}> inside a list element`);
      case 'skip':
        this.stack.push({ kind: 'skip' });
        return;
    }
  }

  private text(text: string): void {
    const top = this.top();
    if (top.kind === 'field' || top.kind === 'element') top.text += text;
  }

  private close(): void {
    const frame = this.stack.pop()!;
    switch (frame.kind) {
      case 'struct': {
        completeStruct(frame.def, frame.record);
        // Filled field by field by name, a record of many fields is a hash table (V8 leaves fast
        // properties after a dozen added that way), ~3× the memory of the copy, which is a plain
        // object again: kept tables (a flow table's records) hold the copies.
        if (frame.place) frame.place({ ...frame.record });
        if (frame.response) {
          this.responses++;
          this.onResponse({
            name: frame.def.name,
            def: frame.response,
            record: frame.record,
            more: frame.more,
          });
        }
        return;
      }
      case 'field': {
        if (frame.def === 'more') {
          const owner = this.top();
          if (owner.kind === 'struct') owner.more = frame.text.trim() === 'true';
          return;
        }
        const type = frame.def.type;
        if (type.kind === 'base')
          frame.owner[frame.def.name] = baseValue(type.type, frame.text, `${this.source}: ${frame.def.name}`);
        else if (!frame.filled) frame.owner[frame.def.name] = zeroOf(frame.def);
        return;
      }
      case 'list':
        frame.owner[frame.def.name] = frame.items;
        return;
      case 'list-body':
        return;
      case 'element':
        frame.list.push(baseValue(frame.type, frame.text, `${this.source}: list element`));
        return;
      case 'doc':
        throw new SandeshFormatError(`${this.source}: unbalanced closing tag`);
      case 'wrapper':
      case 'skip':
        return;
    }
  }

  private where(def: StructDef, field: FieldDef): string {
    return `${this.source}: ${def.name}.${field.name}`;
  }
}
