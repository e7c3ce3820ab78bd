// IPv4 and MAC text helpers for the vRouter model: addresses are kept as unsigned 32-bit numbers
// so the flow table never builds strings on the packet path. No I/O, no state.

/** `10.47.255.254` → 0x0a2ffffe; throws on anything that is not a dotted quad. */
export function parseIpv4(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4) throw new RangeError(`"${text}" is not an IPv4 address`);
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255)
      throw new RangeError(`"${text}" is not an IPv4 address`);
    value = value * 256 + Number(part);
  }
  return value;
}

export function isIpv4(text: string): boolean {
  try {
    parseIpv4(text);
    return true;
  } catch {
    return false;
  }
}

export function formatIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** `02:0a:0b:0c:0d:0e` → `2:a:b:c:d:e`, as glibc's ether_ntoa prints it in `rt` output. */
export function etherNtoa(mac: string): string {
  return mac
    .split(':')
    .map((octet) => parseInt(octet, 16).toString(16))
    .join(':');
}

/** The 6 bytes of a MAC as hex pairs (`Encap Data` in `nh` output). */
export function macBytes(mac: string): string[] {
  return mac.split(':').map((octet) => octet.toLowerCase().padStart(2, '0'));
}
