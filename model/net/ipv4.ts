// IPv4 text ↔ number conversions and CIDR arithmetic, the one home for them in web and server.
// Addresses are unsigned 32-bit numbers. Parsing is strict: four decimal octets, no leading
// zeros (`010.1.1.1` is refused rather than read as decimal or octal). Pure; no I/O.

const OCTET = /^(0|[1-9]\d{0,2})$/;

/** `10.47.255.254` → 0x0a2ffffe, or undefined when the text is not a strict dotted quad. */
export function tryParseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!OCTET.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

/** `10.47.255.254` → 0x0a2ffffe; throws a RangeError naming the text otherwise. */
export function parseIpv4(text: string): number {
  const value = tryParseIpv4(text);
  if (value === undefined) throw new RangeError(`"${text}" is not an IPv4 address`);
  return value;
}

export function isIpv4(text: string): boolean {
  return tryParseIpv4(text) !== undefined;
}

export function formatIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

export interface Cidr {
  /** The network address (host bits cleared). */
  readonly base: number;
  readonly prefixLength: number;
  /** Number of addresses, 2^(32 - prefixLength). */
  readonly size: number;
}

/** `10.32.0.0/12` → its network, or undefined when the text is not `<strict IPv4>/<0-32>`. */
export function tryParseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = tryParseIpv4(text.slice(0, slash));
  const lengthText = text.slice(slash + 1);
  if (ip === undefined || !/^(0|[1-9]\d?)$/.test(lengthText)) return undefined;
  const prefixLength = Number(lengthText);
  if (prefixLength > 32) return undefined;
  const size = 2 ** (32 - prefixLength);
  return { base: ip - (ip % size), prefixLength, size };
}

export function parseCidr(text: string): Cidr {
  const cidr = tryParseCidr(text);
  if (!cidr) throw new RangeError(`"${text}" is not an IPv4 CIDR`);
  return cidr;
}

export function cidrContains(cidr: Cidr, ip: number): boolean {
  return ip >= cidr.base && ip < cidr.base + cidr.size;
}
