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

/**
 * An exact integer for display: its digits, exactly as the API sent them. It extends Date only so
 * that react-json-view-lite renders it as a primitive (via toISOString) instead of a bigint with a
 * trailing `n`; toISOString, toString and toJSON all return the digits, and nothing reads it as a date.
 */
export class ExactInteger extends Date {
  readonly #digits: string;

  constructor(value: bigint) {
    super(0);
    this.#digits = value.toString();
  }

  override toISOString(): string {
    return this.#digits;
  }

  override toString(): string {
    return this.#digits;
  }

  override toJSON(): string {
    return this.#digits;
  }
}

/** The digits of a BigInt or ExactInteger, else undefined. */
export function exactDigits(value: unknown): string | undefined {
  return typeof value === 'bigint' || value instanceof ExactInteger ? value.toString() : undefined;
}

/** JSON.stringify that prints BigInt and ExactInteger as bare digits, matching what the API sent. */
export function stringifyExact(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    function (this: Record<string, unknown>, key: string, v: unknown) {
      // toJSON has already run on `v`; the holder still has the ExactInteger itself.
      const digits = exactDigits(this[key]);
      return digits === undefined ? v : `${BIGINT_MARK}${digits}`;
    },
    indent,
  ).replace(BIGINT_OUT, '$1');
}
