// An IPv4 address pool with a moving cursor, shared by the cluster's allocators and kube-manager's
// public floating-ip addresses. Only tracks which addresses are taken.

import { formatIpv4, parseCidr, parseIpv4, tryParseIpv4 } from '@model/net/ipv4.ts';

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
    const n = tryParseIpv4(ip);
    return n !== undefined && n >= this.first && n <= this.last;
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

  /** The address `allocate` would hand out next, without taking it (dry runs). */
  peek(): string {
    const saved = this.cursor;
    const ip = this.allocate();
    this.release(ip);
    this.cursor = saved;
    return ip;
  }

  allocate(): string {
    const span = this.last - this.first + 1;
    for (let i = 0; i < span; i++) {
      const n = this.cursor;
      this.cursor = this.step(n);
      if (!this.used.has(n)) {
        this.used.add(n);
        return formatIpv4(n);
      }
    }
    throw new Error(`address pool ${this.cidr} is exhausted`);
  }

  private step(n: number): number {
    if (this.direction === 'down') return n === this.first ? this.last : n - 1;
    return n === this.last ? this.first : n + 1;
  }

  /**
   * Reserves every address in `ips`. With `moveCursor`, puts the cursor just past the furthest
   * one along the direction, as if the pool had handed them all out itself (pod IPs); otherwise
   * from the start (clusterIPs, many of them asked for by address).
   */
  rebuild(ips: Iterable<string>, moveCursor = true): void {
    this.used.clear();
    let furthest: number | undefined;
    for (const ip of ips) {
      const n = tryParseIpv4(ip);
      if (n === undefined || n < this.first || n > this.last) continue;
      this.used.add(n);
      if (furthest === undefined || (this.direction === 'down' ? n < furthest : n > furthest)) furthest = n;
    }
    const start = this.direction === 'down' ? this.last : this.first;
    this.cursor = furthest === undefined || !moveCursor ? start : this.step(furthest);
  }
}
