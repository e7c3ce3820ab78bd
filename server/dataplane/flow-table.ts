// One vRouter's flow table: a hash table of 4-way buckets plus an overflow area, as the kernel
// module lays it out, with one interleaved 64-byte record per entry (one cache line), keyed by
// numbers only. Owns entries, aging and counters; knows nothing of routes or NAT
// (flow-processor.ts decides what goes in).

import type { FlowCounters } from '@model/dataplane/types.ts';

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

/** vRouter drop reasons we produce. */
export const DROP_NONE = 0;
export const DROP_NO_DST_ROUTE = 1;
export const DROP_PORT_MAP = 2;
export const DROP_FLOW_LIMIT = 3;
export const DROP_NO_SRC_ROUTE = 4;

export interface FlowTableOptions {
  /** Main table entries (a multiple of 4); the kernel default is 512K. */
  entries?: number;
  /** Overflow entries; the kernel default is 8K. */
  overflowEntries?: number;
  /** Idle time after which a flow is aged out (the agent's flow_cache_timeout, 180 s). */
  idleTimeoutMs?: number;
}

/** Entries one aging step looks at. */
const EXPIRE_STEP = 16384;

/** The kernel's sizeof(struct vr_flow_entry), for `Flow table(size …)`. */
export const KERNEL_FLOW_ENTRY_BYTES = 128;

/**
 * `fe_src_info` of a flow learnt from the fabric: the source address as the kernel stores it
 * (network byte order read as a little-endian u32, so inet_ntop prints it dotted). A flow from a
 * local interface stores the vif index instead.
 */
export function srcInfoOfAddress(ip: number): number {
  return (((ip & 255) << 24) | (((ip >>> 8) & 255) << 16) | (((ip >>> 16) & 255) << 8) | (ip >>> 24)) >>> 0;
}

/** One entry as plain values, for renderers and traces (never on the packet path). */
export interface FlowEntry {
  readonly index: number;
  readonly keyNh: number;
  readonly sip: number;
  readonly dip: number;
  readonly sport: number;
  readonly dport: number;
  readonly proto: number;
  readonly flags: number;
  readonly action: number;
  readonly dropReason: number;
  /** The reverse flow's index, −1 when none. */
  readonly rflow: number;
  /** The ECMP slot a forward flow was set up for, −1 when none. */
  readonly ecmpIndex: number;
  readonly vrf: number;
  readonly dvrf: number;
  /** RPF next hop (`S(nh)`). */
  readonly srcNh: number;
  readonly packets: number;
  readonly bytes: number;
  readonly lastUsedMs: number;
  readonly tcpFlags: number;
  /** `Gen`: counts reuse of the entry. */
  readonly gen: number;
  /** The underlay UDP source port the kernel derives from the flow hash (MPLSoUDP entropy). */
  readonly underlaySport: number;
  /** The backend placement id a forward flow was set up for (−1 when none); see flow-processor. */
  readonly memberId: number;
  /** `fe_src_info`: the vif index for a local interface, srcInfoOfAddress(source) for the fabric. */
  readonly srcInfo: number;
}

const WAYS = 4;
const NO_ENTRY = -1;

// Record layout: 16 32-bit words per entry. Words 0-11 are integers, words 12-15 two float64s.
const STRIDE = 16;
const W_SIP = 0;
const W_DIP = 1;
/** sport << 16 | dport */
const W_PORTS = 2;
/** key NH (24 bits) | gen << 24 */
const W_NH_GEN = 3;
/** flags (8 bits) | proto << 8 | action << 16 | drop reason << 24 */
const W_META = 4;
const W_RFLOW = 5;
/** ECMP index (signed 16 bits) | TCP flags << 16 */
const W_ECMP_TCP = 6;
/** vrf | dvrf << 16 */
const W_VRF = 7;
/** The backend placement id a forward flow was set up for (−1 when none). */
const W_MEMBER = 8;
const W_PACKETS = 9;
const W_CACHE_GEN = 10;
const W_CACHE_REF = 11;
/** float64 slots of a record (index into the Float64Array view). */
const F_BYTES = 6;
const F_LAST_USED = 7;
// Cold per-entry data (written on setup, read by renderers only) follows each bucket's four
// records in the same block, so a setup touches one page per entry: a block is 4 × 64 bytes of
// records + 4 × 8 bytes of cold data + 32 bytes of padding that keep every record on its own
// cache line (320 bytes).
const COLD_STRIDE = 2;
const C_SRC_NH = 0;
const C_SRC_INFO = 1;
const COLD_OFFSET = WAYS * STRIDE;
const BLOCK_WORDS = 80;

/** Word offset of entry `i`'s record. */
function rec(i: number): number {
  return (i >> 2) * BLOCK_WORDS + (i & 3) * STRIDE;
}

/** Word offset of entry `i`'s cold data. */
function coldAt(i: number): number {
  return (i >> 2) * BLOCK_WORDS + COLD_OFFSET + (i & 3) * COLD_STRIDE;
}

const NH_MASK = 0xffffff;
const MAX_KEY_NH = NH_MASK;

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

  private u32!: Uint32Array;
  private i32!: Int32Array;
  private f64!: Float64Array;
  /** Overflow chain: the next overflow entry of the same bucket (indexed from `entries`). */
  private next!: Int32Array;
  /** Per bucket: the first overflow entry chained from it. */
  private bucketOverflow!: Int32Array;
  private overflowFree!: Int32Array;
  private overflowFreeTop = 0;
  private readonly buckets: number;
  private allocated = false;
  private activeCount = 0;
  private peakCount = 0;
  private lastExpireMs = -Infinity;
  /** The next entry the current aging pass looks at (capacity: no pass running). */
  private expireCursor = Number.MAX_SAFE_INTEGER;
  private expireDeadline = -Infinity;
  private lastFullExpireMs = -Infinity;

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

  /** The most entries in use at once (the agent's `max_flow_count`, cmn/agent_stats.h). */
  get peak(): number {
    return this.peakCount;
  }

  /** Total slots, as `flow -l` reports `entries`. */
  get capacity(): number {
    return this.entries + this.overflowEntries;
  }

  /** Bytes the typed arrays take once allocated (for the memory-per-flow figure). */
  get allocatedBytes(): number {
    if (!this.allocated) return 0;
    return (
      this.u32.byteLength +
      this.next.byteLength +
      this.bucketOverflow.byteLength +
      this.overflowFree.byteLength
    );
  }

  // The records are allocated on first insert: a compute that never sees a flow costs nothing.
  /** Allocates the table now (it is otherwise allocated on the first flow). */
  ensureAllocated(): void {
    if (!this.allocated) this.allocate();
  }

  private allocate(): void {
    const n = this.capacity;
    const buffer = new ArrayBuffer(Math.ceil(n / WAYS) * BLOCK_WORDS * 4);
    this.u32 = new Uint32Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.f64 = new Float64Array(buffer);
    this.next = new Int32Array(this.overflowEntries).fill(NO_ENTRY);
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

  /** The index of the flow with this key, or −1. Counts a hit or a miss. */
  lookup(nh: number, sip: number, dip: number, proto: number, sport: number, dport: number): number {
    const found = this.allocated
      ? this.find(nh, sip >>> 0, dip >>> 0, proto, ((sport << 16) | dport) >>> 0)
      : NO_ENTRY;
    if (found >= 0) this.counters.hits++;
    else this.counters.misses++;
    return found;
  }

  private find(nh: number, sip: number, dip: number, proto: number, ports: number): number {
    const meta = ((proto << 8) | FLOW_FLAG_ACTIVE) >>> 0;
    const bucket = this.bucketOf(nh, sip, dip, proto, ports);
    for (let i = bucket * WAYS, end = i + WAYS; i < end; i++)
      if (this.holdsKey(i, nh, sip, dip, ports, meta)) return i;
    for (let o = this.bucketOverflow[bucket]!; o !== NO_ENTRY; o = this.next[o - this.entries]!)
      if (this.holdsKey(o, nh, sip, dip, ports, meta)) return o;
    return NO_ENTRY;
  }

  /** Whether entry `index` is active with this key (`meta` = protocol and the active bit). */
  private holdsKey(
    index: number,
    nh: number,
    sip: number,
    dip: number,
    ports: number,
    meta: number,
  ): boolean {
    const u = this.u32;
    const b = rec(index);
    return (
      u[b + W_SIP] === sip &&
      u[b + W_DIP] === dip &&
      u[b + W_PORTS] === ports &&
      (u[b + W_NH_GEN]! & NH_MASK) === nh &&
      (u[b + W_META]! & 0xff01) === meta
    );
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
    if (!Number.isInteger(nh) || nh < 0 || nh > MAX_KEY_NH)
      throw new RangeError(`flow key next-hop id must be 0-${MAX_KEY_NH}, got ${nh}`);
    if (!this.allocated) this.allocate();
    sip >>>= 0;
    dip >>>= 0;
    const u = this.u32;
    const ports = ((sport << 16) | dport) >>> 0;
    const bucket = this.bucketOf(nh, sip, dip, proto, ports);
    let index = NO_ENTRY;
    for (let i = bucket * WAYS, end = i + WAYS; i < end; i++)
      if ((u[rec(i) + W_META]! & FLOW_FLAG_ACTIVE) === 0) {
        index = i;
        break;
      }
    if (index === NO_ENTRY) {
      if (this.overflowFreeTop === 0) {
        this.counters.tableFull++;
        return NO_ENTRY;
      }
      index = this.overflowFree[--this.overflowFreeTop]!;
      this.next[index - this.entries] = this.bucketOverflow[bucket]!;
      this.bucketOverflow[bucket] = index;
      this.counters.overflowInUse++;
    }
    const b = rec(index);
    const gen = ((u[b + W_NH_GEN]! >>> 24) + 1) & 0xff;
    u[b + W_SIP] = sip;
    u[b + W_DIP] = dip;
    u[b + W_PORTS] = ports;
    u[b + W_NH_GEN] = (nh | (gen << 24)) >>> 0;
    u[b + W_META] = ((proto << 8) | FLOW_FLAG_ACTIVE | (FLOW_ACTION_HOLD << 16) | (DROP_NONE << 24)) >>> 0;
    this.i32[b + W_RFLOW] = NO_ENTRY;
    u[b + W_ECMP_TCP] = 0xffff; // ECMP index −1, no TCP flags
    u[b + W_VRF] = 0;
    this.i32[b + W_MEMBER] = NO_ENTRY;
    u[b + W_PACKETS] = 0;
    u[b + W_CACHE_GEN] = 0;
    u[b + W_CACHE_REF] = 0;
    const f = rec(index) >> 1;
    this.f64[f + F_BYTES] = 0;
    this.f64[f + F_LAST_USED] = nowMs;
    const c = coldAt(index);
    this.i32[c + C_SRC_NH] = 0;
    this.i32[c + C_SRC_INFO] = 0;
    this.activeCount++;
    if (this.activeCount > this.peakCount) this.peakCount = this.activeCount;
    this.counters.created++;
    this.counters.added++;
    return index;
  }

  /** Frees an entry (and unlinks it from its bucket's overflow chain). */
  remove(index: number): void {
    if (!this.isActive(index)) return;
    const u = this.u32;
    const b = rec(index);
    u[b + W_META] = u[b + W_META]! & ~0xff;
    this.i32[b + W_RFLOW] = NO_ENTRY;
    u[b + W_CACHE_GEN] = 0;
    this.i32[b + W_MEMBER] = NO_ENTRY;
    this.activeCount--;
    this.counters.deleted++;
    if (index >= this.entries) {
      const bucket = this.bucketOf(
        u[b + W_NH_GEN]! & NH_MASK,
        u[b + W_SIP]!,
        u[b + W_DIP]!,
        (u[b + W_META]! >>> 8) & 0xff,
        u[b + W_PORTS]!,
      );
      let prev = NO_ENTRY;
      for (let o = this.bucketOverflow[bucket]!; o !== NO_ENTRY; prev = o, o = this.next[o - this.entries]!) {
        if (o !== index) continue;
        if (prev === NO_ENTRY) this.bucketOverflow[bucket] = this.next[o - this.entries]!;
        else this.next[prev - this.entries] = this.next[o - this.entries]!;
        break;
      }
      this.next[index - this.entries] = NO_ENTRY;
      this.overflowFree[this.overflowFreeTop++] = index;
      this.counters.overflowInUse--;
    }
  }

  /** Removes a flow and its reverse flow. */
  removePair(index: number): void {
    const reverse = this.isActive(index) ? this.i32[rec(index) + W_RFLOW]! : NO_ENTRY;
    this.remove(index);
    if (reverse >= 0) this.remove(reverse);
  }

  /** Links two entries as each other's reverse flow. */
  link(forward: number, reverse: number): void {
    this.i32[rec(forward) + W_RFLOW] = reverse;
    this.i32[rec(reverse) + W_RFLOW] = forward;
  }

  /** Counts one packet on an entry. */
  touch(index: number, packetBytes: number, nowMs: number): void {
    const b = rec(index);
    this.u32[b + W_PACKETS] = this.u32[b + W_PACKETS]! + 1;
    const f = rec(index) >> 1;
    this.f64[f + F_BYTES] = this.f64[f + F_BYTES]! + packetBytes;
    this.f64[f + F_LAST_USED] = nowMs;
    this.counters.processed++;
  }

  isActive(index: number): boolean {
    return (
      this.allocated &&
      index >= 0 &&
      index < this.capacity &&
      (this.u32[rec(index) + W_META]! & FLOW_FLAG_ACTIVE) !== 0
    );
  }

  // ---- fields read and written by the flow processor on the packet path -----------------

  actionOf(index: number): number {
    return (this.u32[rec(index) + W_META]! >>> 16) & 0xff;
  }

  dropReasonOf(index: number): number {
    return this.u32[rec(index) + W_META]! >>> 24;
  }

  reverseOf(index: number): number {
    return this.i32[rec(index) + W_RFLOW]!;
  }

  ecmpIndexOf(index: number): number {
    return (this.u32[rec(index) + W_ECMP_TCP]! << 16) >> 16;
  }

  memberIdOf(index: number): number {
    return this.i32[rec(index) + W_MEMBER]!;
  }

  /** Moves a forward flow to another slot of its composite (same member): flags it Modified. */
  setEcmpIndex(index: number, slot: number): void {
    const b = rec(index);
    this.u32[b + W_ECMP_TCP] = ((this.u32[b + W_ECMP_TCP]! & 0xffff0000) | (slot & 0xffff)) >>> 0;
    this.u32[b + W_META] = this.u32[b + W_META]! | FLOW_FLAG_MODIFIED;
  }

  hasTcpFlags(index: number, bits: number): boolean {
    return ((this.u32[rec(index) + W_ECMP_TCP]! >>> 16) & bits) === bits;
  }

  addTcpFlags(index: number, bits: number): void {
    const b = rec(index);
    this.u32[b + W_ECMP_TCP] = (this.u32[b + W_ECMP_TCP]! | (bits << 16)) >>> 0;
  }

  /** Sets what a new entry does (the flow processor's decision). */
  configure(
    index: number,
    action: number,
    flags: number,
    dropReason: number,
    ecmpIndex: number,
    memberId: number,
    vrf: number,
    dvrf: number,
    srcNh: number,
    srcInfo: number,
  ): void {
    const u = this.u32;
    const b = rec(index);
    u[b + W_META] =
      ((u[b + W_META]! & 0xff00) |
        ((u[b + W_META]! | flags) & 0xff) |
        ((action & 0xff) << 16) |
        ((dropReason & 0xff) << 24)) >>>
      0;
    u[b + W_ECMP_TCP] = ((u[b + W_ECMP_TCP]! & 0xffff0000) | (ecmpIndex & 0xffff)) >>> 0;
    u[b + W_VRF] = ((vrf & 0xffff) | ((dvrf & 0xffff) << 16)) >>> 0;
    this.i32[b + W_MEMBER] = memberId;
    const c = coldAt(index);
    this.i32[c + C_SRC_NH] = srcNh;
    this.i32[c + C_SRC_INFO] = srcInfo | 0;
  }

  /**
   * Two words the flow processor may keep with an entry (a generation and a reference to its
   * cached decision); opaque to the table, zeroed whenever the entry is (re)used or freed.
   */
  cacheGenOf(index: number): number {
    return this.u32[rec(index) + W_CACHE_GEN]!;
  }

  cacheRefOf(index: number): number {
    return this.u32[rec(index) + W_CACHE_REF]!;
  }

  setCache(index: number, generation: number, ref: number): void {
    const b = rec(index);
    this.u32[b + W_CACHE_GEN] = generation;
    this.u32[b + W_CACHE_REF] = ref;
  }

  /** One entry as plain values (renderers, traces, benchmarks). */
  entry(index: number): FlowEntry {
    const u = this.u32;
    const b = rec(index);
    const f = rec(index) >> 1;
    const c = coldAt(index);
    const nh = u[b + W_NH_GEN]! & NH_MASK;
    const sip = u[b + W_SIP]!;
    const dip = u[b + W_DIP]!;
    const ports = u[b + W_PORTS]!;
    const meta = u[b + W_META]!;
    const proto = (meta >>> 8) & 0xff;
    const ecmpTcp = u[b + W_ECMP_TCP]!;
    const vrf = u[b + W_VRF]!;
    // The underlay UDP source port the kernel derives from the flow hash (MPLSoUDP entropy).
    let h =
      Math.imul(sip ^ Math.imul(dip, 0x9e3779b1), 0x85ebca6b) ^
      Math.imul(ports ^ (nh << 8) ^ proto, 0xc2b2ae35);
    h ^= h >>> 15;
    return {
      index,
      keyNh: nh,
      sip,
      dip,
      sport: ports >>> 16,
      dport: ports & 0xffff,
      proto,
      flags: meta & 0xff,
      action: (meta >>> 16) & 0xff,
      dropReason: meta >>> 24,
      rflow: this.i32[b + W_RFLOW]!,
      ecmpIndex: (ecmpTcp << 16) >> 16,
      vrf: vrf & 0xffff,
      dvrf: vrf >>> 16,
      srcNh: this.i32[c + C_SRC_NH]! >>> 0,
      packets: u[b + W_PACKETS]!,
      bytes: this.f64[f + F_BYTES]!,
      lastUsedMs: this.f64[f + F_LAST_USED]!,
      tcpFlags: ecmpTcp >>> 16,
      gen: u[b + W_NH_GEN]! >>> 24,
      underlaySport: 49152 + ((h >>> 0) & 0x3fff),
      memberId: this.i32[b + W_MEMBER]!,
      srcInfo: this.i32[c + C_SRC_INFO]! >>> 0,
    };
  }

  /**
   * Ages out flows idle for the idle timeout. A pair goes together, when both directions are
   * idle, as the agent deletes forward and reverse flows as one. A pass over the table starts at
   * most once per second of clock time and runs EXPIRE_STEP entries per call, so no single
   * packet pays for a whole table (the agent's aging also walks its table in steps). `force`
   * runs a whole pass at once.
   */
  expire(nowMs: number, force = false): number {
    if (!this.allocated || this.activeCount === 0) return 0;
    if (force) {
      this.lastExpireMs = nowMs;
      this.expireDeadline = nowMs - this.idleTimeoutMs;
      return this.ageRange(0, this.capacity);
    }
    if (this.expireCursor >= this.capacity) {
      if (nowMs - this.lastExpireMs < 1000) return 0;
      this.lastExpireMs = nowMs;
      this.expireDeadline = nowMs - this.idleTimeoutMs;
      this.expireCursor = 0;
    }
    const from = this.expireCursor;
    this.expireCursor = Math.min(this.capacity, from + EXPIRE_STEP);
    return this.ageRange(from, this.expireCursor);
  }

  /**
   * A whole aging pass, at most once per second of clock time: for views that list the table
   * (they must not show flows past their idle timeout), not for the packet path.
   */
  expireAll(nowMs: number): number {
    if (nowMs - this.lastFullExpireMs < 1000) return 0;
    this.lastFullExpireMs = nowMs;
    return this.expire(nowMs, true);
  }

  private lastUsedOf(i: number): number {
    return this.f64[(rec(i) >> 1) + F_LAST_USED]!;
  }

  private ageRange(from: number, to: number): number {
    const deadline = this.expireDeadline;
    let aged = 0;
    for (let i = from; i < to; i++) {
      if ((this.u32[rec(i) + W_META]! & FLOW_FLAG_ACTIVE) === 0 || this.lastUsedOf(i) > deadline) continue;
      const reverse = this.reverseOf(i);
      if (reverse >= 0 && this.isActive(reverse) && this.lastUsedOf(reverse) > deadline) continue;
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
    for (let o = this.bucketOverflow[bucket]!; o !== NO_ENTRY; o = this.next[o - this.entries]!) out.push(o);
    return out;
  }

  /** Indexes `flow -l` visits in order: active entries and buckets' last ways with a chain. */
  *slotIndexes(): IterableIterator<number> {
    if (!this.allocated) return;
    const n = this.capacity;
    for (let i = 0; i < n; i++)
      if (
        (this.u32[rec(i) + W_META]! & FLOW_FLAG_ACTIVE) !== 0 ||
        (i < this.entries && (i & 3) === 3 && this.bucketOverflow[i >> 2] !== NO_ENTRY)
      )
        yield i;
  }

  /** The first active entry at or after `from`, or −1. */
  nextActive(from: number): number {
    if (!this.allocated) return NO_ENTRY;
    const n = this.capacity;
    for (let i = Math.max(0, from); i < n; i++)
      if ((this.u32[rec(i) + W_META]! & FLOW_FLAG_ACTIVE) !== 0) return i;
    return NO_ENTRY;
  }

  /** Active entry indexes in table order. */
  *activeIndexes(): IterableIterator<number> {
    if (!this.allocated) return;
    const n = this.capacity;
    for (let i = 0; i < n; i++) if ((this.u32[rec(i) + W_META]! & FLOW_FLAG_ACTIVE) !== 0) yield i;
  }
}
