// One vRouter's flow table: a hash table of 4-way buckets plus an overflow area, as the kernel
// module lays it out, in typed arrays keyed by numbers only. Owns entries, aging and counters;
// knows nothing of routes or NAT (flow-processor.ts decides what goes in).

export const FLOW_ACTION_HOLD = 0;
export const FLOW_ACTION_FORWARD = 1;
export const FLOW_ACTION_DROP = 2;
export const FLOW_ACTION_NAT = 3;

// Entry flag bits. The NAT bits keep the kernel's relative order (SNAT, SPAT, DNAT, DPAT), which
// is the order `flow -l` prints their letters in.
export const FLOW_FLAG_ACTIVE = 0x1;
export const FLOW_FLAG_SNAT = 0x2;
export const FLOW_FLAG_SPAT = 0x4;
export const FLOW_FLAG_DNAT = 0x8;
export const FLOW_FLAG_DPAT = 0x10;
export const FLOW_FLAG_VRFT = 0x20;
export const FLOW_FLAG_NEW = 0x40;
export const FLOW_FLAG_MODIFIED = 0x80;

// TCP state bits, printed in this order by `flow -l`.
export const TCP_SYN = 0x1;
export const TCP_SYN_R = 0x2;
export const TCP_ESTABLISHED = 0x4;
export const TCP_ESTABLISHED_R = 0x8;
export const TCP_FIN = 0x10;
export const TCP_FIN_R = 0x20;
export const TCP_RST = 0x40;
export const TCP_HALF_CLOSE = 0x80;
export const TCP_DEAD = 0x100;

/** vRouter drop reasons we produce (`flow -l` text in DROP_REASON_TEXT). */
export const DROP_NONE = 0;
export const DROP_NO_DST_ROUTE = 1;
export const DROP_PORT_MAP = 2;
export const DROP_FLOW_LIMIT = 3;
export const DROP_NO_SRC_ROUTE = 4;

export const DROP_REASON_TEXT: Readonly<Record<number, string>> = {
  [DROP_NONE]: 'Unknown',
  [DROP_NO_DST_ROUTE]: 'NoDstRt',
  [DROP_PORT_MAP]: 'NoFipPortMap',
  [DROP_FLOW_LIMIT]: 'FlowLim',
  [DROP_NO_SRC_ROUTE]: 'NoSrcRt',
};

export interface FlowTableOptions {
  /** Main table entries (a multiple of 4); the kernel default is 512K. */
  entries?: number;
  /** Overflow entries; the kernel default is 8K. */
  overflowEntries?: number;
  /** Idle time after which a flow is aged out (the agent's flow_cache_timeout, 180 s). */
  idleTimeoutMs?: number;
}

export interface FlowCounters {
  created: number;
  added: number;
  deleted: number;
  changed: number;
  processed: number;
  /** Overflow entries in use now. */
  overflowInUse: number;
  /** Lookups that found an entry. */
  hits: number;
  /** Lookups that found none. */
  misses: number;
  /** New flows refused because their bucket and the overflow area were full. */
  tableFull: number;
  /** Flows removed by idle aging. */
  aged: number;
  /** TCP flows evicted on FIN or RST. */
  evicted: number;
}

/** The kernel's sizeof(struct vr_flow_entry), for `Flow table(size …)`. */
export const KERNEL_FLOW_ENTRY_BYTES = 128;

const WAYS = 4;
const NO_ENTRY = -1;

export class FlowTable {
  readonly entries: number;
  readonly overflowEntries: number;
  readonly idleTimeoutMs: number;
  readonly counters: FlowCounters = {
    created: 0,
    added: 0,
    deleted: 0,
    changed: 0,
    processed: 0,
    overflowInUse: 0,
    hits: 0,
    misses: 0,
    tableFull: 0,
    aged: 0,
    evicted: 0,
  };

  // Key.
  keyNh!: Uint32Array;
  keySip!: Uint32Array;
  keyDip!: Uint32Array;
  /** sport << 16 | dport */
  keyPorts!: Uint32Array;
  keyProto!: Uint8Array;
  // Data.
  flags!: Uint16Array;
  action!: Uint8Array;
  rflow!: Int32Array;
  ecmpIndex!: Int16Array;
  vrf!: Uint16Array;
  dvrf!: Uint16Array;
  srcNh!: Uint32Array;
  packets!: Uint32Array;
  bytes!: Float64Array;
  lastUsedMs!: Float64Array;
  tcpFlags!: Uint16Array;
  gen!: Uint8Array;
  dropReason!: Uint8Array;
  underlaySport!: Uint16Array;
  /** The backend placement id a forward flow was set up for (−1 when none); see flow-processor. */
  memberId!: Int32Array;
  /** `Sinfo`: the source compute's IP for fabric traffic, `<vif>.0.0.0` for a local interface. */
  srcInfo!: Uint32Array;
  /** Overflow chain: the next overflow entry of the same bucket. */
  private next!: Int32Array;
  /** Per bucket: the first overflow entry chained from it. */
  private bucketOverflow!: Int32Array;
  private overflowFree!: Int32Array;
  private overflowFreeTop = 0;
  private readonly buckets: number;
  private allocated = false;
  private activeCount = 0;
  private lastExpireMs = -Infinity;

  constructor(opts: FlowTableOptions = {}) {
    const entries = opts.entries ?? 524_288;
    const overflow = opts.overflowEntries ?? 8_192;
    if (!Number.isInteger(entries) || entries < WAYS || entries % WAYS !== 0)
      throw new RangeError(`flow table entries must be a positive multiple of ${WAYS}, got ${entries}`);
    if (!Number.isInteger(overflow) || overflow < 0)
      throw new RangeError(`overflow entries must be a non-negative integer, got ${overflow}`);
    this.entries = entries;
    this.overflowEntries = overflow;
    this.buckets = entries / WAYS;
    this.idleTimeoutMs = opts.idleTimeoutMs ?? 180_000;
  }

  /** Entries in use (main + overflow). */
  get size(): number {
    return this.activeCount;
  }

  /** Total slots, as `flow -l` reports `entries`. */
  get capacity(): number {
    return this.entries + this.overflowEntries;
  }

  /** Bytes the typed arrays take once allocated (for the memory-per-flow figure). */
  get allocatedBytes(): number {
    if (!this.allocated) return 0;
    const n = this.capacity;
    return (
      n * (4 * 4 + 1 + 2 + 1 + 4 + 2 + 2 + 2 + 4 + 4 + 8 + 8 + 2 + 1 + 1 + 2 + 4 + 4 + 4) +
      this.buckets * 4 +
      this.overflowEntries * 4
    );
  }

  // Typed arrays are allocated on first insert: a compute that never sees a flow costs nothing.
  private allocate(): void {
    const n = this.capacity;
    this.keyNh = new Uint32Array(n);
    this.keySip = new Uint32Array(n);
    this.keyDip = new Uint32Array(n);
    this.keyPorts = new Uint32Array(n);
    this.keyProto = new Uint8Array(n);
    this.flags = new Uint16Array(n);
    this.action = new Uint8Array(n);
    this.rflow = new Int32Array(n).fill(NO_ENTRY);
    this.ecmpIndex = new Int16Array(n).fill(-1);
    this.vrf = new Uint16Array(n);
    this.dvrf = new Uint16Array(n);
    this.srcNh = new Uint32Array(n);
    this.packets = new Uint32Array(n);
    this.bytes = new Float64Array(n);
    this.lastUsedMs = new Float64Array(n);
    this.tcpFlags = new Uint16Array(n);
    this.gen = new Uint8Array(n);
    this.dropReason = new Uint8Array(n);
    this.underlaySport = new Uint16Array(n);
    this.memberId = new Int32Array(n).fill(NO_ENTRY);
    this.srcInfo = new Uint32Array(n);
    this.next = new Int32Array(n).fill(NO_ENTRY);
    this.bucketOverflow = new Int32Array(this.buckets).fill(NO_ENTRY);
    this.overflowFree = new Int32Array(this.overflowEntries);
    // Hand out the lowest overflow index first.
    for (let i = 0; i < this.overflowEntries; i++) this.overflowFree[i] = this.capacity - 1 - i;
    this.overflowFreeTop = this.overflowEntries;
    this.allocated = true;
  }

  private bucketOf(nh: number, sip: number, dip: number, proto: number, ports: number): number {
    let h = Math.imul(nh ^ 0x9e3779b9, 0x85ebca6b);
    h = Math.imul(h ^ sip ^ (h >>> 15), 0xc2b2ae35);
    h = Math.imul(h ^ dip ^ (h >>> 13), 0x85ebca6b);
    h = Math.imul(h ^ ports ^ (h >>> 16), 0xc2b2ae35);
    h ^= proto + (h >>> 15);
    h = Math.imul(h ^ (h >>> 13), 0x27d4eb2d);
    h ^= h >>> 16;
    return (h >>> 0) % this.buckets;
  }

  private matches(i: number, nh: number, sip: number, dip: number, proto: number, ports: number): boolean {
    return (
      (this.flags[i]! & FLOW_FLAG_ACTIVE) !== 0 &&
      this.keySip[i] === sip &&
      this.keyDip[i] === dip &&
      this.keyPorts[i] === ports &&
      this.keyNh[i] === nh &&
      this.keyProto[i] === proto
    );
  }

  /** The index of the flow with this key, or −1. Counts a hit or a miss. */
  lookup(nh: number, sip: number, dip: number, proto: number, sport: number, dport: number): number {
    const found = this.find(nh, sip >>> 0, dip >>> 0, proto, ((sport << 16) | dport) >>> 0);
    if (found >= 0) this.counters.hits++;
    else this.counters.misses++;
    return found;
  }

  private find(nh: number, sip: number, dip: number, proto: number, ports: number): number {
    if (!this.allocated) return NO_ENTRY;
    const bucket = this.bucketOf(nh, sip, dip, proto, ports);
    const base = bucket * WAYS;
    for (let w = 0; w < WAYS; w++) if (this.matches(base + w, nh, sip, dip, proto, ports)) return base + w;
    for (let o = this.bucketOverflow[bucket]!; o !== NO_ENTRY; o = this.next[o]!)
      if (this.matches(o, nh, sip, dip, proto, ports)) return o;
    return NO_ENTRY;
  }

  /**
   * A new entry for this key (the caller has looked it up first), or −1 when its bucket's four
   * ways and the whole overflow area are taken.
   */
  insert(
    nh: number,
    sip: number,
    dip: number,
    proto: number,
    sport: number,
    dport: number,
    nowMs: number,
  ): number {
    if (!this.allocated) this.allocate();
    const ports = ((sport << 16) | dport) >>> 0;
    const bucket = this.bucketOf(nh, sip >>> 0, dip >>> 0, proto, ports);
    const base = bucket * WAYS;
    let index = NO_ENTRY;
    for (let w = 0; w < WAYS; w++)
      if ((this.flags[base + w]! & FLOW_FLAG_ACTIVE) === 0) {
        index = base + w;
        break;
      }
    if (index === NO_ENTRY) {
      if (this.overflowFreeTop === 0) {
        this.counters.tableFull++;
        return NO_ENTRY;
      }
      index = this.overflowFree[--this.overflowFreeTop]!;
      this.next[index] = this.bucketOverflow[bucket]!;
      this.bucketOverflow[bucket] = index;
      this.counters.overflowInUse++;
    }
    this.keyNh[index] = nh;
    this.keySip[index] = sip;
    this.keyDip[index] = dip;
    this.keyPorts[index] = ports;
    this.keyProto[index] = proto;
    this.flags[index] = FLOW_FLAG_ACTIVE;
    this.action[index] = FLOW_ACTION_HOLD;
    this.rflow[index] = NO_ENTRY;
    this.ecmpIndex[index] = -1;
    this.vrf[index] = 0;
    this.dvrf[index] = 0;
    this.srcNh[index] = 0;
    this.packets[index] = 0;
    this.bytes[index] = 0;
    this.lastUsedMs[index] = nowMs;
    this.tcpFlags[index] = 0;
    this.gen[index] = (this.gen[index]! + 1) & 0xff;
    this.dropReason[index] = DROP_NONE;
    this.memberId[index] = NO_ENTRY;
    this.srcInfo[index] = 0;
    // The underlay UDP source port the kernel derives from the flow hash (MPLSoUDP entropy).
    let h =
      Math.imul(sip ^ Math.imul(dip, 0x9e3779b1), 0x85ebca6b) ^
      Math.imul(ports ^ (nh << 8) ^ proto, 0xc2b2ae35);
    h ^= h >>> 15;
    this.underlaySport[index] = 49152 + ((h >>> 0) & 0x3fff);
    this.activeCount++;
    this.counters.created++;
    this.counters.added++;
    return index;
  }

  /** Frees an entry (and unlinks it from its bucket's overflow chain). */
  remove(index: number): void {
    if (!this.allocated || (this.flags[index]! & FLOW_FLAG_ACTIVE) === 0) return;
    this.flags[index] = 0;
    this.rflow[index] = NO_ENTRY;
    this.memberId[index] = NO_ENTRY;
    this.activeCount--;
    this.counters.deleted++;
    if (index >= this.entries) {
      const bucket = this.bucketOf(
        this.keyNh[index]!,
        this.keySip[index]!,
        this.keyDip[index]!,
        this.keyProto[index]!,
        this.keyPorts[index]!,
      );
      let prev = NO_ENTRY;
      for (let o = this.bucketOverflow[bucket]!; o !== NO_ENTRY; prev = o, o = this.next[o]!) {
        if (o !== index) continue;
        if (prev === NO_ENTRY) this.bucketOverflow[bucket] = this.next[o]!;
        else this.next[prev] = this.next[o]!;
        break;
      }
      this.next[index] = NO_ENTRY;
      this.overflowFree[this.overflowFreeTop++] = index;
      this.counters.overflowInUse--;
    }
  }

  /** Removes a flow and its reverse flow. */
  removePair(index: number): void {
    const reverse = this.allocated ? this.rflow[index]! : NO_ENTRY;
    this.remove(index);
    if (reverse >= 0) this.remove(reverse);
  }

  /** Links two entries as each other's reverse flow. */
  link(forward: number, reverse: number): void {
    this.rflow[forward] = reverse;
    this.rflow[reverse] = forward;
  }

  /** Counts one packet on an entry. */
  touch(index: number, packetBytes: number, nowMs: number): void {
    this.packets[index] = (this.packets[index]! + 1) >>> 0;
    this.bytes[index] = this.bytes[index]! + packetBytes;
    this.lastUsedMs[index] = nowMs;
    this.counters.processed++;
  }

  isActive(index: number): boolean {
    return (
      this.allocated && index >= 0 && index < this.capacity && (this.flags[index]! & FLOW_FLAG_ACTIVE) !== 0
    );
  }

  /**
   * Ages out flows idle for the idle timeout. A pair goes together, when both directions are
   * idle, as the agent deletes forward and reverse flows as one. At most one scan per second of
   * clock time unless `force`.
   */
  expire(nowMs: number, force = false): number {
    if (!this.allocated || this.activeCount === 0) return 0;
    if (!force && nowMs - this.lastExpireMs < 1000) return 0;
    this.lastExpireMs = nowMs;
    const deadline = nowMs - this.idleTimeoutMs;
    let aged = 0;
    const n = this.capacity;
    for (let i = 0; i < n; i++) {
      if ((this.flags[i]! & FLOW_FLAG_ACTIVE) === 0 || this.lastUsedMs[i]! > deadline) continue;
      const reverse = this.rflow[i]!;
      if (reverse >= 0 && this.isActive(reverse) && this.lastUsedMs[reverse]! > deadline) continue;
      this.remove(i);
      aged++;
      if (reverse >= 0 && this.isActive(reverse)) {
        this.remove(reverse);
        aged++;
      }
    }
    this.counters.aged += aged;
    return aged;
  }

  /** Overflow entries chained from a main-table bucket, in chain order. */
  overflowChain(bucket: number): number[] {
    const out: number[] = [];
    if (!this.allocated) return out;
    for (let o = this.bucketOverflow[bucket]!; o !== NO_ENTRY; o = this.next[o]!) out.push(o);
    return out;
  }

  /** Active entry indexes in table order. */
  *activeIndexes(): IterableIterator<number> {
    if (!this.allocated) return;
    const n = this.capacity;
    for (let i = 0; i < n; i++) if ((this.flags[i]! & FLOW_FLAG_ACTIVE) !== 0) yield i;
  }
}
