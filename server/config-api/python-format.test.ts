import { describe, expect, it } from 'vitest';
import { pyPformat, pyRepr, pyStr } from './python-format.ts';
import { hexToDecimal, uuidLongs } from './uuid-longs.ts';

describe('python formatting', () => {
  it('quotes like CPython repr', () => {
    expect(pyStr('a')).toBe("'a'");
    expect(pyStr("it's")).toBe(`"it's"`);
    expect(pyStr(`'"`)).toBe(`'\\'"'`);
    expect(pyStr('a\\b\n')).toBe("'a\\\\b\\n'");
    expect(pyRepr(['a', null, 5])).toBe("['a', None, 5]");
  });

  it('wraps lists longer than 80 characters one element per line', () => {
    expect(pyPformat(['default-domain', 'default-project', 'vn1'])).toBe(
      "['default-domain', 'default-project', 'vn1']",
    );
    const long = ['default-domain', 'k8s-ns-user-1', `service-web-clusterip__${'9'.repeat(40)}`];
    expect(pyPformat(long)).toBe(
      `['default-domain',\n 'k8s-ns-user-1',\n 'service-web-clusterip__${'9'.repeat(40)}']`,
    );
  });
});

describe('uuid longs', () => {
  it('are exact beyond 2^53', () => {
    expect(hexToDecimal('ffffffffffffffff')).toBe('18446744073709551615');
    expect(hexToDecimal('0000000000000000')).toBe('0');
    expect(hexToDecimal('001fffffffffffff')).toBe(String(2 ** 53 - 1));
    expect(hexToDecimal('0020000000000000')).toBe('9007199254740992');
    expect(hexToDecimal('8000000000000001')).toBe('9223372036854775809');
    for (const hex of ['99fe8ce79e7511e9', 'b4850050569e6cfc', '0123456789abcdef'])
      expect(hexToDecimal(hex)).toBe(BigInt(`0x${hex}`).toString());
    expect(uuidLongs('99fe8ce7-9e75-11e9-b485-0050569e6cfc')).toEqual({
      mslong: BigInt('0x99fe8ce79e7511e9').toString(),
      lslong: BigInt('0xb4850050569e6cfc').toString(),
    });
  });
});
