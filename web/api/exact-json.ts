// JSON parsing and printing that keeps integers beyond 2^53 exact (id_perms.uuid.uuid_mslong and
// uuid_lslong are unsigned 64-bit): they become BigInt on read and bare digits on write.

type Reviver = (this: unknown, key: string, value: unknown, context?: { source?: string }) => unknown;

/** Engines without JSON.parse source text access (Node 20, older browsers): quote the two known keys. */
const U64_FIELDS = /("uuid_(?:ms|ls)long"\s*:\s*)(\d{16,})/g;
const BIGINT_MARK = '\u0000bigint:';

const exactReviver: Reviver = (_key, value, context) => {
  if (typeof value === 'number' && !Number.isSafeInteger(value) && Number.isInteger(value)) {
    const source = context?.source;
    if (source !== undefined && /^-?\d+$/.test(source)) return BigInt(source);
  }
  if (typeof value === 'string' && value.startsWith(BIGINT_MARK))
    return BigInt(value.slice(BIGINT_MARK.length));
  return value;
};

let hasSourceText: boolean | undefined;
function supportsSourceText(): boolean {
  if (hasSourceText === undefined) {
    let seen = false;
    JSON.parse('1', ((_k: string, v: unknown, c?: { source?: string }) => {
      seen = c?.source === '1';
      return v;
    }) as Parameters<typeof JSON.parse>[1]);
    hasSourceText = seen;
  }
  return hasSourceText;
}

/** JSON.parse that returns BigInt for integers a double cannot hold exactly. */
export function parseExactJson(text: string): unknown {
  const input = supportsSourceText() ? text : text.replace(U64_FIELDS, `$1"\\u0000bigint:$2"`);
  return JSON.parse(input, exactReviver as Parameters<typeof JSON.parse>[1]);
}

const BIGINT_OUT = /"\\u0000bigint:(-?\d+)"/g;

/** JSON.stringify that prints BigInt as bare digits, so the text matches what the API sent. */
export function stringifyExact(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => (typeof v === 'bigint' ? `${BIGINT_MARK}${v.toString()}` : v),
    indent,
  ).replace(BIGINT_OUT, '$1');
}
