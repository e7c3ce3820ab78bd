// One VRF's IPv4 route table as the vRouter kernel module stores it: a 4-level mtrie of 256-entry
// buckets (tf-vrouter dp-core/vr_ip_mtrie.c, IPBUCKET_LEVEL_BITS = 8). Owns the leaf entries
// (next hop, covering prefix length, label, label flags) and tells its owner when an entry starts
// or stops pointing at a next hop, which is exactly the kernel's NH reference count. Pure.
//
// Rules kept from vr_ip_mtrie.c:
// - add (`__mtrie_add`): descend while the prefix is longer than the level's granularity,
//   creating a bucket from a leaf by copying the leaf into all 256 entries
//   (`mtrie_alloc_bucket`); at the route's level, set the 2^(level len − plen) entries it
//   covers, and inside any bucket below them every entry whose prefix length is ≤ the route's
//   (`add_to_tree`);
// - delete (`__mtrie_delete`): entries holding exactly this prefix length take the
//   replacement the agent sends (the covering route, or the default drop with length 0), then a
//   bucket whose 256 entries are all equal collapses back into a leaf;
// - dump (`mtrie_dump_entry`): every leaf in address order, its prefix cut to the level's
//   length (/8, /16, /24, /32), `replace_plen` = the covering route's length; a table that is
//   a single leaf dumps as `0.0.0.0/0`.

const LEVEL_BITS = 8;
const BUCKET_SIZE = 256;
const LEVELS = 4;

/** What a leaf entry holds (`struct ip_bucket_entry` minus the bridge index). */
export interface MtrieLeaf {
  nhId: number;
  /** `entry_prefix_len`: the length of the route covering this entry, 0 for the default. */
  plen: number;
  label: number;
  labelFlags: number;
}

interface Bucket {
  readonly entries: (Bucket | MtrieLeaf)[];
}

/** One dumped entry (`vr_route_req` of a dump response). */
export interface MtrieDumpEntry {
  /** The entry's address, masked to `prefixLen`. */
  readonly prefix: number;
  /** The bucket granularity: 0 (whole table), 8, 16, 24 or 32. */
  readonly prefixLen: number;
  readonly leaf: Readonly<MtrieLeaf>;
}

/** Reference-count callbacks: a leaf started or stopped pointing at a next hop. */
export interface NhRefs {
  get(nhId: number): void;
  put(nhId: number): void;
}

const isBucket = (e: Bucket | MtrieLeaf): e is Bucket => 'entries' in e;

const sameLeaf = (a: MtrieLeaf, b: MtrieLeaf) =>
  a.nhId === b.nhId && a.plen === b.plen && a.label === b.label && a.labelFlags === b.labelFlags;

/** Index of `prefix` in the bucket at `level` (0 = most significant byte). */
const indexAt = (prefix: number, level: number) => (prefix >>> (24 - LEVEL_BITS * level)) & 0xff;

export class Mtrie {
  private root: Bucket | MtrieLeaf;

  /** A table whose every address goes to `defaultNh` (the discard NH 0 in the kernel). */
  constructor(
    private readonly refs: NhRefs,
    defaultNh = 0,
  ) {
    this.root = { nhId: defaultNh, plen: 0, label: 0, labelFlags: 0 };
    refs.get(defaultNh);
  }

  private setLeaf(leaf: MtrieLeaf, value: MtrieLeaf): void {
    if (leaf.nhId !== value.nhId) {
      this.refs.get(value.nhId);
      this.refs.put(leaf.nhId);
    }
    leaf.nhId = value.nhId;
    leaf.plen = value.plen;
    leaf.label = value.label;
    leaf.labelFlags = value.labelFlags;
  }

  private bucketFrom(leaf: MtrieLeaf): Bucket {
    const entries: MtrieLeaf[] = Array.from({ length: BUCKET_SIZE }, () => ({ ...leaf }));
    // The leaf's own reference moves to its 256 copies.
    for (let i = 1; i < BUCKET_SIZE; i++) this.refs.get(leaf.nhId);
    return { entries };
  }

  /** Adds or replaces a route (the kernel's route add; a change is an add with the same length). */
  add(prefix: number, plen: number, value: Omit<MtrieLeaf, 'plen'>): void {
    if (plen < 0 || plen > 32) throw new RangeError(`prefix length must be 0-32, got ${plen}`);
    const leafValue: MtrieLeaf = { ...value, plen };
    if (plen === 0 && !isBucket(this.root)) {
      this.setLeaf(this.root, leafValue);
      return;
    }
    if (!isBucket(this.root)) this.root = this.bucketFrom(this.root);
    let bucket = this.root;
    for (let level = 0; level < LEVELS; level++) {
      const levelLen = LEVEL_BITS * (level + 1);
      const index = indexAt(prefix, level);
      if (plen > levelLen) {
        let entry = bucket.entries[index]!;
        if (!isBucket(entry)) bucket.entries[index] = entry = this.bucketFrom(entry);
        bucket = entry;
        continue;
      }
      const span = plen > levelLen - LEVEL_BITS ? 1 << (levelLen - plen) : BUCKET_SIZE;
      const first = span === BUCKET_SIZE ? 0 : index;
      for (let i = first; i < first + span && i < BUCKET_SIZE; i++)
        this.addToTree(bucket.entries, i, leafValue);
      return;
    }
  }

  private addToTree(entries: (Bucket | MtrieLeaf)[], i: number, value: MtrieLeaf): void {
    const entry = entries[i]!;
    if (isBucket(entry)) {
      for (let j = 0; j < BUCKET_SIZE; j++) this.addToTree(entry.entries, j, value);
      return;
    }
    if (entry.plen > value.plen) return;
    this.setLeaf(entry, value);
  }

  /**
   * Deletes the route `prefix/plen`: entries holding that length take `replacement` (the next
   * less specific route, or the default with length 0), then equal buckets collapse.
   */
  delete(prefix: number, plen: number, replacement: MtrieLeaf): void {
    if (!isBucket(this.root)) {
      if (this.root.plen === plen) this.setLeaf(this.root, replacement);
      return;
    }
    this.deleteIn(this.root, 0, prefix, plen, replacement);
    const collapsed = this.collapse(this.root);
    if (collapsed) this.root = collapsed;
  }

  private deleteIn(bucket: Bucket, level: number, prefix: number, plen: number, repl: MtrieLeaf): void {
    const levelLen = LEVEL_BITS * (level + 1);
    const index = indexAt(prefix, level);
    if (plen > levelLen) {
      const entry = bucket.entries[index]!;
      if (isBucket(entry)) {
        this.deleteIn(entry, level + 1, prefix, plen, repl);
        const collapsed = this.collapse(entry);
        if (collapsed) bucket.entries[index] = collapsed;
      }
      return;
    }
    let first = 0;
    let span = BUCKET_SIZE;
    if (plen > levelLen - LEVEL_BITS) {
      span = 1 << (levelLen - plen);
      first = index & ~(span - 1);
    }
    for (let i = first; i < first + span && i < BUCKET_SIZE; i++) {
      const entry = bucket.entries[i]!;
      if (isBucket(entry)) {
        this.replaceIn(entry, plen, repl);
        const collapsed = this.collapse(entry);
        if (collapsed) bucket.entries[i] = collapsed;
      } else if (entry.plen === plen) {
        this.setLeaf(entry, repl);
      }
    }
  }

  private replaceIn(bucket: Bucket, plen: number, repl: MtrieLeaf): void {
    for (let i = 0; i < BUCKET_SIZE; i++) {
      const entry = bucket.entries[i]!;
      if (isBucket(entry)) {
        this.replaceIn(entry, plen, repl);
        const collapsed = this.collapse(entry);
        if (collapsed) bucket.entries[i] = collapsed;
      } else if (entry.plen === plen) {
        this.setLeaf(entry, repl);
      }
    }
  }

  /** A leaf to replace `bucket` with when its 256 entries are equal leaves, else undefined. */
  private collapse(bucket: Bucket): MtrieLeaf | undefined {
    const first = bucket.entries[0]!;
    if (isBucket(first)) return undefined;
    for (let i = 1; i < BUCKET_SIZE; i++) {
      const e = bucket.entries[i]!;
      if (isBucket(e) || !sameLeaf(e, first)) return undefined;
    }
    for (let i = 1; i < BUCKET_SIZE; i++) this.refs.put(first.nhId);
    return first;
  }

  /** The leaf an address resolves to (longest prefix match). */
  lookup(address: number): Readonly<MtrieLeaf> {
    let entry = this.root;
    for (let level = 0; isBucket(entry); level++) entry = entry.entries[indexAt(address, level)]!;
    return entry;
  }

  /** Every leaf in address order, as `rt --dump` lists them. */
  *dump(): Generator<MtrieDumpEntry> {
    if (!isBucket(this.root)) {
      yield { prefix: 0, prefixLen: 0, leaf: this.root };
      return;
    }
    yield* this.dumpBucket(this.root, 0, 0);
  }

  private *dumpBucket(bucket: Bucket, level: number, base: number): Generator<MtrieDumpEntry> {
    const shift = 24 - LEVEL_BITS * level;
    for (let i = 0; i < BUCKET_SIZE; i++) {
      const entry = bucket.entries[i]!;
      const prefix = (base | (i << shift)) >>> 0;
      if (isBucket(entry)) yield* this.dumpBucket(entry, level + 1, prefix);
      else yield { prefix, prefixLen: LEVEL_BITS * (level + 1), leaf: entry };
    }
  }

  /** Entries `dump()` would yield, without walking them (for paging and table sizes). */
  get dumpSize(): number {
    const count = (e: Bucket | MtrieLeaf): number =>
      isBucket(e) ? e.entries.reduce((n, x) => n + count(x), 0) : 1;
    return count(this.root);
  }

  /** Drops every reference this table holds (the VRF went away). */
  release(): void {
    const drop = (e: Bucket | MtrieLeaf): void => {
      if (isBucket(e)) e.entries.forEach(drop);
      else this.refs.put(e.nhId);
    };
    drop(this.root);
  }
}
