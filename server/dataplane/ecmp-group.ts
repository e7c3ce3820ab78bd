// The member slots behind one VIP's ECMP composite next hop on one vRouter, and the member
// choice for a flow. Slots are stable as in the agent's CompositeNH: a removed member leaves a
// hole, a new one fills the first hole or is appended. No routes or flows here.

import type { EcmpHashing } from '@model/dataplane/ecmp-hashing.ts';
import { hashMod, type Hash64 } from './agent-hash.ts';
import { buildMaglevTable, maglevTableSize } from './maglev.ts';

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
  // Scratch list for the fallback pick; reused so picking allocates nothing.
  private readonly eligible: number[] = [];

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

  /** Refreshes the per-slot placement data after slots or placements changed. */
  refresh(memberId: (key: string) => number, isLocal: (key: string) => boolean): void {
    this.memberIds = this.slots.map((k) => (k === null ? -1 : memberId(k)));
    this.isLocal = this.slots.map((k) => k !== null && isLocal(k));
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
   * The slot for a flow. `affinity` is the flow's stored slot (kept while that member is
   * active); `fromFabric` restricts the choice to local members (a packet that came in over a
   * tunnel is never sent back out to another compute). −1 when nothing is eligible.
   */
  pick(hash: Hash64, affinity: number, fromFabric: boolean): number {
    const size = this.slots.length;
    if (size === 0) return NO_SLOT;
    if (affinity >= 0 && affinity < size && this.slots[affinity] !== null) return affinity;
    let idx: number;
    if (this.maglevTable !== null && this.maglevTable.length > 0) {
      const owner = this.maglevTable[hashMod(hash, this.maglevTable.length)]!;
      idx = owner >= 0 ? this.maglevSlots[owner]! : 0;
    } else {
      idx = hashMod(hash, size);
    }
    if (this.slots[idx] !== null && (!fromFabric || this.isLocal[idx])) return idx;
    const eligible = this.eligible;
    eligible.length = 0;
    for (let i = 0; i < size; i++) {
      if (i === idx || this.slots[i] === null) continue;
      if (fromFabric && !this.isLocal[i]) continue;
      eligible.push(i);
    }
    return eligible.length === 0 ? NO_SLOT : eligible[hashMod(hash, eligible.length)]!;
  }
}
