// IPv4 address pools for the embedded cluster: pod IPs handed out from the top of a subnet
// downwards, Service clusterIPs upwards. Only tracks which addresses are taken.

import { formatIpv4, parseCidr, parseIpv4 } from '@model/net/ipv4.ts';

/**
 * Hands out addresses of a subnet in one direction with a moving cursor, so a released address
 * is not reused until the pool wraps (a recreated pod gets a new IP, as with Contrail's IPAM).
 */
export class IpPool {
  private readonly used = new Set<number>();
  private readonly first: number;
  private readonly last: number;
  private cursor: number;

  constructor(
    readonly cidr: string,
    private readonly direction: 'up' | 'down',
    /** Addresses skipped at the low end (network, gateway, reserved). */
    reservedLow = 1,
  ) {
    const { base, size } = parseCidr(cidr);
    this.first = base + reservedLow;
    this.last = base + size - 2; // the broadcast address is never handed out
    this.cursor = direction === 'down' ? this.last : this.first;
  }

  contains(ip: string): boolean {
    const n = parseIpv4(ip);
    return n >= this.first && n <= this.last;
  }

  isUsed(ip: string): boolean {
    return this.used.has(parseIpv4(ip));
  }

  /** Marks a given address taken; false when it already is. */
  reserve(ip: string): boolean {
    const n = parseIpv4(ip);
    if (this.used.has(n)) return false;
    this.used.add(n);
    return true;
  }

  release(ip: string): void {
    this.used.delete(parseIpv4(ip));
  }

  allocate(): string {
    const span = this.last - this.first + 1;
    for (let i = 0; i < span; i++) {
      const n = this.cursor;
      this.cursor =
        this.direction === 'down'
          ? n === this.first
            ? this.last
            : n - 1
          : n === this.last
            ? this.first
            : n + 1;
      if (!this.used.has(n)) {
        this.used.add(n);
        return formatIpv4(n);
      }
    }
    throw new Error(`address pool ${this.cidr} is exhausted`);
  }
}
