// MAC text helpers for the vRouter CLI renderers (IPv4 lives in model/net/ipv4.ts). Pure.

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
