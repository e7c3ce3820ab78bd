// What a membership change does to flows, for Contrail's `hash % slots` with holes and for
// Maglev: share per member, and for one member removed or added the fraction of established
// flows that keep their member and of new flows that now map elsewhere. Pure and deterministic.

import { hashFlow, type Hash64 } from '@model/dataplane/agent-hash.ts';
import { EcmpGroup, type EcmpHashing } from './ecmp-group.ts';

export interface ChangeImpact {
  /** Established flows that keep their member (the flow table's affinity protects survivors). */
  establishedKept: number;
  /** The same without flow-table affinity: every flow re-hashed (a stateless balancer). */
  establishedKeptWithoutAffinity: number;
  /** New flows whose member differs from what the same 5-tuple got before the change. */
  newFlowsMoved: number;
}

export interface DisruptionReport {
  scheme: EcmpHashing;
  members: number;
  flows: number;
  /** Fraction of flows per member, in slot order. */
  share: number[];
  /** Removing the member in the middle slot (it leaves a hole). */
  remove: ChangeImpact;
  /** Adding one member (fills the first hole or is appended). */
  add: ChangeImpact;
}

export interface DisruptionOptions {
  scheme: EcmpHashing;
  /** Members, or the slots of an existing composite (null = hole). */
  members: number | readonly (string | null)[];
  /** Synthetic flows (client IP, source port vary; VIP and port fixed). Default 100,000. */
  flows?: number;
  /** The router id used in the hash (the source compute's IP). */
  routerId?: number;
}

function groupOf(scheme: EcmpHashing, slots: readonly (string | null)[], tableSize = 0): EcmpGroup {
  const group = new EcmpGroup(scheme);
  group.maglevTableSize = tableSize;
  group.slots.push(...slots);
  refresh(group);
  return group;
}

function refresh(group: EcmpGroup): void {
  group.refresh(
    () => 0,
    () => true,
  );
}

export function analyzeDisruption(opts: DisruptionOptions): DisruptionReport {
  const flows = opts.flows ?? 100_000;
  const routerId = opts.routerId ?? 0x0a000001;
  const slots =
    typeof opts.members === 'number'
      ? Array.from({ length: opts.members }, (_, i) => `member-${i}`)
      : [...opts.members];
  const active = slots.filter((s) => s !== null);
  if (active.length < 1) throw new RangeError('a disruption analysis needs at least one member');
  const before = groupOf(opts.scheme, slots);
  const removed = active[Math.floor(active.length / 2)]!;
  // The changed groups keep the table size, as a live group does.
  const afterRemove = groupOf(opts.scheme, slots, before.maglevTableSize);
  afterRemove.remove(removed);
  refresh(afterRemove);
  const afterAdd = groupOf(opts.scheme, slots, before.maglevTableSize);
  afterAdd.add(`member-added-${slots.length}`);
  refresh(afterAdd);

  const hash: Hash64 = { hi: 0, lo: 0 };
  const vip = 0x0a690001;
  const counts = Array.from({ length: slots.length }, () => 0);
  let removeKept = 0;
  let removeKeptStateless = 0;
  let removeMoved = 0;
  let addKeptStateless = 0;
  let addMoved = 0;
  for (let i = 0; i < flows; i++) {
    const client = 0x0a200000 + (i % 4096);
    const sport = 1024 + Math.floor(i / 4096);
    hashFlow(routerId, client, vip, 6, sport, 8888, hash);
    const slot = before.pick(hash, -1, false);
    const member = before.slots[slot]!;
    counts[slot]!++;
    const r = afterRemove.slots[afterRemove.pick(hash, -1, false)];
    if (member !== removed) removeKept++;
    if (r === member) removeKeptStateless++;
    else removeMoved++;
    const a = afterAdd.slots[afterAdd.pick(hash, -1, false)];
    if (a === member) addKeptStateless++;
    else addMoved++;
  }
  return {
    scheme: opts.scheme,
    members: active.length,
    flows,
    share: counts.map((c) => c / flows),
    remove: {
      establishedKept: removeKept / flows,
      establishedKeptWithoutAffinity: removeKeptStateless / flows,
      newFlowsMoved: removeMoved / flows,
    },
    add: {
      establishedKept: 1,
      establishedKeptWithoutAffinity: addKeptStateless / flows,
      newFlowsMoved: addMoved / flows,
    },
  };
}
