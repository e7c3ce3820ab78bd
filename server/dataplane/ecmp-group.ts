// A stand-alone member list with the agent's slot rules, for the disruption analysis (Contrail's
// PickMember next to the Maglev what-if): a removed member leaves a hole, a new one fills the
// first hole or is appended, and the pick is CompositeNH::PickMember (composite.ts). The
// dataplane's own composites are in vrouter.ts; no routes or flows here.

import type { EcmpHashing } from '@model/dataplane/ecmp-hashing.ts';
import { hashMod, pickSeed, type Hash64 } from '@model/dataplane/agent-hash.ts';
import { INVALID_COMPONENT, pickMember } from '@model/dataplane/pick-member.ts';
import { buildMaglevTable, maglevTableSize } from '@model/dataplane/maglev.ts';
import type { Component } from './composite.ts';

export type { EcmpHashing };

export const NO_SLOT = -1;

export class EcmpGroup {
  /** Member key (VMI uuid) per slot, null for a hole. */
  readonly slots: (string | null)[] = [];
  /** Placement id per slot (−1 for a hole), for the flow table's "is my member still here" check. */
  memberIds: number[] = [];
  /** Per slot: the member is on this compute (an interface NH rather than a tunnel). */
  isLocal: boolean[] = [];
  private maglevTable: Int32Array | null = null;
  /**
   * Maglev table size, kept across membership changes (a new size reshuffles every entry); it
   * only grows when 100 × members outgrows it. 0 until the first Maglev build.
   */
  maglevTableSize = 0;
  /** Slot index per Maglev table entry owner (Maglev is built over active slots only). */
  private maglevSlots: number[] = [];

  constructor(public hashing: EcmpHashing = 'contrail') {}

  get activeCount(): number {
    let n = 0;
    for (const s of this.slots) if (s !== null) n++;
    return n;
  }

  slotOf(key: string): number {
    return this.slots.indexOf(key);
  }

  /** Puts a member in the first hole, else appends it; returns its slot. */
  add(key: string): number {
    const existing = this.slots.indexOf(key);
    if (existing >= 0) return existing;
    const hole = this.slots.indexOf(null);
    if (hole >= 0) {
      this.slots[hole] = key;
      return hole;
    }
    this.slots.push(key);
    return this.slots.length - 1;
  }

  /** Leaves a hole where the member was; returns its old slot or −1. */
  remove(key: string): number {
    const slot = this.slots.indexOf(key);
    if (slot >= 0) this.slots[slot] = null;
    return slot;
  }

  /**
   * The agent drops the composite when a single path is left and builds a fresh one when a
   * second path arrives, so at ≤ 1 member the slots collapse to that member.
   */
  compactIfSingle(): void {
    if (this.activeCount > 1) return;
    const only = this.slots.filter((s): s is string => s !== null);
    this.slots.length = 0;
    this.slots.push(...only);
  }

  /** The slots as composite components (a remote member is a tunnel), for PickMember. */
  private components: (Component | null)[] = [];

  /** Refreshes the per-slot placement data after slots or placements changed. */
  refresh(memberId: (key: string) => number, isLocal: (key: string) => boolean): void {
    this.memberIds = this.slots.map((k) => (k === null ? -1 : memberId(k)));
    this.isLocal = this.slots.map((k) => k !== null && isLocal(k));
    this.components = this.slots.map((k, i) =>
      k === null ? null : { kind: this.isLocal[i] ? 'interface' : 'tunnel', target: k, label: 0 },
    );
    if (this.hashing === 'maglev') {
      this.maglevSlots = [];
      const names: string[] = [];
      this.slots.forEach((k, i) => {
        if (k !== null) {
          this.maglevSlots.push(i);
          names.push(k);
        }
      });
      if (this.maglevTableSize === 0 || 100 * names.length > this.maglevTableSize)
        this.maglevTableSize = maglevTableSize(names.length);
      this.maglevTable = buildMaglevTable(names, this.maglevTableSize);
    } else {
      this.maglevTable = null;
      this.maglevSlots = [];
    }
  }

  get maglevSize(): number {
    return this.maglevTable?.length ?? 0;
  }

  /**
   * The slot for a flow: CompositeNH::PickMember with the hash's 32-bit seed. `affinity` is the
   * flow's stored slot (kept while that member is active); `fromFabric` is PickMember's
   * `ingress == false` (remote members are not eligible). The Maglev what-if only replaces the
   * first choice (`seed % size`) with its table's. −1 when nothing is eligible.
   */
  pick(hash: Hash64, affinity: number, fromFabric: boolean): number {
    const size = this.slots.length;
    if (size === 0) return NO_SLOT;
    const seed = pickSeed(hash);
    let first = seed % size;
    if (this.maglevTable !== null && this.maglevTable.length > 0) {
      const owner = this.maglevTable[hashMod(hash, this.maglevTable.length)]!;
      first = owner >= 0 ? this.maglevSlots[owner]! : 0;
    }
    const slot = pickMember(
      this.components,
      seed,
      affinity >= 0 ? affinity : INVALID_COMPONENT,
      !fromFabric,
      first,
    );
    return slot === INVALID_COMPONENT ? NO_SLOT : slot;
  }
}
