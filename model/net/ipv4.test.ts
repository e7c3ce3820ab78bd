import { describe, expect, it } from 'vitest';
import {
  cidrContains,
  formatIpv4,
  isIpv4,
  parseCidr,
  parseIpv4,
  tryParseCidr,
  tryParseIpv4,
} from './ipv4.ts';

describe('IPv4', () => {
  it('reads a dotted quad as an unsigned 32-bit number and writes it back', () => {
    expect(parseIpv4('10.47.255.254')).toBe(0x0a2ffffe);
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffff);
    expect(formatIpv4(0x0a2ffffe)).toBe('10.47.255.254');
    expect(formatIpv4(0)).toBe('0.0.0.0');
  });

  it('refuses leading zeros, signs, spaces, short forms and out-of-range octets', () => {
    for (const text of [
      '010.105.053.064',
      '1.2.3',
      '1.2.3.4.5',
      '256.1.1.1',
      '1.2.3.-4',
      ' 1.2.3.4',
      '1.2.3.4 ',
      '1..3.4',
      '0x1.2.3.4',
      '1.2.3.4/32',
      '',
    ])
      expect(tryParseIpv4(text), text).toBeUndefined();
    expect(() => parseIpv4('010.105.053.064')).toThrow('"010.105.053.064" is not an IPv4 address');
    expect(isIpv4('0.0.0.0')).toBe(true);
  });

  it('reads a CIDR to its network and size, and tests membership', () => {
    const pod = parseCidr('10.32.0.0/12');
    expect(pod).toEqual({ base: 0x0a200000, prefixLength: 12, size: 2 ** 20 });
    expect(parseCidr('10.47.1.2/12').base).toBe(0x0a200000);
    expect(cidrContains(pod, parseIpv4('10.47.255.255'))).toBe(true);
    expect(cidrContains(pod, parseIpv4('10.48.0.0'))).toBe(false);
    expect(parseCidr('0.0.0.0/0').size).toBe(2 ** 32);
    for (const text of ['10.0.0.0', '10.0.0.0/33', '10.0.0.0/012', '10.0.0.0/', '010.0.0.0/8'])
      expect(tryParseCidr(text), text).toBeUndefined();
  });
});
