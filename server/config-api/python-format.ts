// Python's repr/pformat of strings and lists, because contrail-api puts them verbatim into its
// error texts (`['default-domain', 'p'] already exists …`). Pure formatting, no store access.

const PFORMAT_WIDTH = 80;

/** `repr(str)` as CPython prints it: single quotes unless the text holds only `'`. */
export function pyStr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/** `repr(value)` for the strings, numbers, None, lists and dicts that appear in API messages. */
export function pyRepr(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => pyRepr(v)).join(', ')}]`;
  if (typeof value === 'object' && value !== null)
    return `{${Object.entries(value)
      .map(([k, v]) => `${pyStr(k)}: ${pyRepr(v)}`)
      .join(', ')}}`;
  if (typeof value === 'string') return pyStr(value);
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  return String(value);
}

/**
 * `pprint.pformat(list)` (width 80): the repr when it fits, otherwise one element per line.
 * CPython would also split a single over-long element at whitespace; fq_name parts carry none
 * in practice, so that case is not reproduced.
 */
export function pyPformat(value: unknown): string {
  const flat = pyRepr(value);
  if (!Array.isArray(value) || flat.length <= PFORMAT_WIDTH || value.length < 2) return flat;
  return `[${value.map((v) => pyRepr(v)).join(',\n ')}]`;
}

/** Python's `json.dumps(value)` with its default `', '` / `': '` separators and ASCII escapes. */
export function pyJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(pyJsonDumps).join(', ')}]`;
  if (typeof value === 'object')
    return `{${Object.entries(value)
      .map(([k, v]) => `${pyJsonDumps(k)}: ${pyJsonDumps(v)}`)
      .join(', ')}}`;
  if (typeof value === 'string')
    return JSON.stringify(value).replace(
      /[\u0080-\uffff]/g,
      (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  if (typeof value === 'number' && !Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  return String(value);
}
