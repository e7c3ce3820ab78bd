// One compute's next-hop table: NHs keyed as the agent keys them (an NH is found by its key, so
// identical composites are one NH shared by every route using them), ids from the agent's index
// table (lowest free), and two reference counts kept incrementally — the agent's (paths,
// composite components, MPLS labels and interfaces holding it; NhSandeshData.ref_count) and the
// kernel's (1 for the NH itself + mtrie leaves + composite components + MPLS entries; what
// `nh --list` prints as Ref_cnt, tf-vrouter dp-core/vr_nexthop.c vrouter_get_nexthop). No routes.

import type { HashFieldMask } from '@model/dataplane/ecmp-load-balance.ts';
import type { Component } from './composite.ts';
import { IdPool } from './id-pool.ts';

/** NH ids below this are the fixed ones every compute has; allocated ids start here. */
export const FIRST_ALLOCATED_NH = 10;
export const DISCARD_NH = 0;
export const VHOST_RECEIVE_NH = 1;
export const PKT0_NH = 2;

export type NextHopData =
  | { readonly type: 'discard' }
  | { readonly type: 'receive'; readonly vifIndex: number }
  | {
      readonly type: 'interface';
      readonly vifIndex: number;
      /** The VMI, or null for the agent's own pkt0 interface NH. */
      readonly vmiUuid: string | null;
      readonly mac: string;
      readonly policy: boolean;
      readonly vrfId: number;
    }
  | { readonly type: 'tunnel'; readonly dip: number; readonly dipText: string }
  | {
      readonly type: 'composite';
      readonly ecmpType: 'ECMP' | 'LOCAL_ECMP';
      readonly vrfId: number;
      readonly components: readonly (Component | null)[];
      /** NH id of each component, −1 for a hole (the kernel's 0xFFFFFFFF). */
      readonly componentNh: readonly number[];
      readonly policy: boolean;
    };

export type NextHop = NextHopData & {
  readonly id: number;
  readonly key: string;
  agentRefs: number;
  kernelRefs: number;
  /**
   * For a composite: the hash fields programmed in the kernel (nhr_ecmp_config_hash). The
   * intersection of the fields of the paths using it (EcmpHashFields refcounting,
   * oper/ecmp_load_balance.h); a LOCAL_ECMP composite is never narrowed, so it keeps all five.
   */
  hashFields: HashFieldMask;
  /** For a controller composite: per hash field, how many paths using it leave it out. */
  hashExclusions?: number[];
};

export class NextHopTable {
  private readonly byId = new Map<number, NextHop>();
  private readonly byKey = new Map<string, NextHop>();
  private readonly ids = new IdPool(FIRST_ALLOCATED_NH);
  /** Bumped whenever an NH is created or deleted (for cached sorted views). */
  version = 0;

  get size(): number {
    return this.byId.size;
  }

  get(id: number): NextHop | undefined {
    return this.byId.get(id);
  }

  find(key: string): NextHop | undefined {
    return this.byKey.get(key);
  }

  values(): IterableIterator<NextHop> {
    return this.byId.values();
  }

  /** A fixed NH (discard, vhost receive, pkt0) with its id; held forever. */
  pin(id: number, key: string, data: NextHopData, hashFields: HashFieldMask): NextHop {
    // Object.assign, not a spread: NHs are read on every new flow and keep a fast shape this way.
    const nh = Object.assign(data, { id, key, agentRefs: 1, kernelRefs: 1, hashFields }) as NextHop;
    this.byId.set(id, nh);
    this.byKey.set(key, nh);
    this.version++;
    return nh;
  }

  /** The NH with this key, created (lowest free id) when missing; takes one agent reference. */
  acquire(key: string, make: () => NextHopData, hashFields: HashFieldMask): NextHop {
    let nh = this.byKey.get(key);
    if (!nh) {
      const id = this.ids.allocate();
      nh = Object.assign(make(), { id, key, agentRefs: 0, kernelRefs: 1, hashFields }) as NextHop;
      this.byId.set(id, nh);
      this.byKey.set(key, nh);
      this.version++;
      if (nh.type === 'composite') for (const c of nh.componentNh) if (c >= 0) this.componentRef(c, +1);
    }
    nh.agentRefs++;
    return nh;
  }

  /** Drops one agent reference; the NH goes when none is left. */
  release(nh: NextHop): void {
    if (--nh.agentRefs > 0) return;
    if (nh.type === 'composite') for (const c of nh.componentNh) if (c >= 0) this.componentRef(c, -1);
    this.byId.delete(nh.id);
    this.byKey.delete(nh.key);
    this.ids.release(nh.id);
    this.version++;
  }

  /** A composite component holds both an agent and a kernel reference on its NH. */
  private componentRef(id: number, delta: 1 | -1): void {
    const nh = this.byId.get(id);
    if (!nh) return;
    nh.kernelRefs += delta;
    if (delta > 0) nh.agentRefs++;
    else this.release(nh);
  }

  /**
   * A path with hash fields `mask` starts (+1) or stops (−1) using composite `nh`: a field stays
   * in the kernel's hash config only while no path using the composite leaves it out
   * (EcmpHashFields::CalculateHashFieldsToUse, refcounts of one EcmpField per hash field).
   */
  narrowHash(nh: NextHop, mask: HashFieldMask, delta: 1 | -1): void {
    const exclusions = (nh.hashExclusions ??= [0, 0, 0, 0, 0]);
    let fields = 0;
    for (let f = 0; f < exclusions.length; f++) {
      if ((mask & (1 << f)) === 0) exclusions[f]! += delta;
      if (exclusions[f] === 0) fields |= 1 << f;
    }
    nh.hashFields = fields;
  }

  kernelGet(id: number): void {
    const nh = this.byId.get(id);
    if (nh) nh.kernelRefs++;
  }

  kernelPut(id: number): void {
    const nh = this.byId.get(id);
    if (nh) nh.kernelRefs--;
  }
}
