import { describe, expect, it } from 'vitest';
import { exactDigits, ExactInteger, parseExactJson, stringifyExact } from './exact-json.ts';

const TEXT =
  '{"id_perms":{"uuid":{"uuid_mslong":11096429455468089833,"uuid_lslong":13054939217015823356}},"n":1.5,"k":7}';

describe('exact JSON', () => {
  it('reads unsigned 64-bit uuid halves as exact BigInt and leaves other numbers alone', () => {
    const value = parseExactJson(TEXT) as {
      id_perms: { uuid: Record<string, unknown> };
      n: number;
      k: number;
    };
    expect(value.id_perms.uuid.uuid_mslong).toBe(11096429455468089833n);
    expect(value.id_perms.uuid.uuid_lslong).toBe(13054939217015823356n);
    expect(value.n).toBe(1.5);
    expect(value.k).toBe(7);
  });

  it('writes them back digit for digit', () => {
    expect(stringifyExact(parseExactJson(TEXT))).toBe(TEXT);
    expect(stringifyExact({ a: 1n }, 2)).toBe('{\n  "a": 1\n}');
  });

  it('shows an ExactInteger as its digits everywhere a display or copy reads it', () => {
    const max = new ExactInteger(18446744073709551615n);
    expect(max.toISOString()).toBe('18446744073709551615');
    expect(`${max}`).toBe('18446744073709551615');
    expect(stringifyExact({ lslong: max })).toBe('{"lslong":18446744073709551615}');
    expect(exactDigits(max)).toBe('18446744073709551615');
    expect(exactDigits(1n)).toBe('1');
    expect(exactDigits(1)).toBeUndefined();
  });
});
