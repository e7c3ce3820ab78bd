// IPv4 address pools for the embedded cluster: pod IPs handed out from the top of a subnet
// downwards, Service clusterIPs upwards. Only tracks which addresses are taken.

export function ipToNumber(ip: string): number {
  const parts = ip.split('.').map(Number);
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

export function numberToIp(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

export function parseCidr(cidr: string): { base: number; prefixLength: number; size: number } {
  const [ip, len] = cidr.split('/');
  const prefixLength = Number(len);
  const size = 2 ** (32 - prefixLength);
  return { base: ipToNumber(ip!) & (~(size - 1) >>> 0), prefixLength, size };
}

export function cidrContains(cidr: string, ip: string): boolean {
  const { base, size } = parseCidr(cidr);
  const n = ipToNumber(ip);
  return n >= base && n < base + size;
}

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
    const n = ipToNumber(ip);
    return n >= this.first && n <= this.last;
  }

  isUsed(ip: string): boolean {
    return this.used.has(ipToNumber(ip));
  }

  /** Marks a given address taken; false when it already is. */
  reserve(ip: string): boolean {
    const n = ipToNumber(ip);
    if (this.used.has(n)) return false;
    this.used.add(n);
    return true;
  }

  release(ip: string): void {
    this.used.delete(ipToNumber(ip));
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
        return numberToIp(n);
      }
    }
    throw new Error(`address pool ${this.cidr} is exhausted`);
  }
}
