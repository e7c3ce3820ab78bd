// An ECMP composite next hop as slots a person can read, from the VIP's topology: each slot's label,
// its component next hop (a local Encap, or a Tunnel to another compute) and the member pod behind
// it; holes stay where the agent keeps them. A tunnel's pod is the remote compute's: the member
// whose MPLS label the tunnel carries, or, for a local-ECMP label, the pods of that compute's local
// composite. Pure.

import type {
  ComputeTopology,
  TopologyComposite,
  TopologySlot,
  VipTopology,
} from '@model/api/dataplane-views.ts';
import type { NhSandeshData } from '@model/dataplane/types.ts';

export type SlotKind = 'interface' | 'tunnel' | 'hole';

export interface CompositeSlot {
  slot: number;
  kind: SlotKind;
  /** The member VMI's MPLS label (or a compute's local-ECMP label); null for a hole. */
  label: number | null;
  /** The component's own next hop on this compute (Encap or Tunnel). */
  nexthopId: number | null;
  /** Local: the tap interface. */
  itf: string | null;
  /** Tunnel: the remote compute's address and name. */
  remote: { ip: string; node: string | null } | null;
  /** The label is the remote compute's local-ECMP label: it picks again among `localPods`. */
  localEcmp: boolean;
  localPods: string[];
  /** `<namespace>/<pod>` of the member, when resolved. */
  pod: string | null;
  /** The compute the member pod runs on. */
  node: string | null;
  /** The member pod's VMI, and the pool member it is (uuid) when the server matched one. */
  vmiUuid: string | null;
  member: string | null;
  /** Flows to the VIP this compute sent through the slot, and their share; null when unknown. */
  flows: number | null;
  share: number | null;
}

export interface ResolvedComposite {
  node: string;
  nhId: number;
  /** The backend's local-ECMP composite (reached by a label), rather than the VIP route's. */
  isLocal: boolean;
  /** Its local-ECMP label, when it is one. */
  label: number | null;
  hashFields: string[];
  slots: CompositeSlot[];
}

const HOLE: Omit<CompositeSlot, 'slot'> = {
  kind: 'hole',
  label: null,
  nexthopId: null,
  itf: null,
  remote: null,
  localEcmp: false,
  localPods: [],
  pod: null,
  node: null,
  vmiUuid: null,
  member: null,
  flows: null,
  share: null,
};

function podsOf(composite: TopologyComposite | null | undefined): string[] {
  return (composite?.slots ?? []).flatMap((s) =>
    s.kind === 'interface' && s.names.pod ? [s.names.pod] : [],
  );
}

/** The member a label names on a compute: an interface slot of its composites carrying that label. */
function memberByLabel(remote: ComputeTopology | undefined, label: number) {
  for (const composite of [remote?.composite, remote?.localComposite])
    for (const s of composite?.slots ?? []) if (s.kind === 'interface' && s.label === label) return s;
  return undefined;
}

export function resolveSlot(topology: VipTopology, slot: TopologySlot): CompositeSlot {
  if (slot.kind === 'hole') return { ...HOLE, slot: slot.slot };
  if (slot.kind === 'interface')
    return {
      ...HOLE,
      slot: slot.slot,
      kind: 'interface',
      label: slot.label,
      nexthopId: slot.nhId >= 0 ? slot.nhId : null,
      itf: slot.itf,
      pod: slot.names.pod ?? null,
      node: slot.names.node ?? null,
      vmiUuid: slot.names.vmi ?? null,
      member: slot.member,
      flows: slot.flows,
      share: slot.share,
    };
  const remote = topology.computes.find((c) =>
    slot.node !== null ? c.node === slot.node : c.ip === slot.dip,
  );
  const target = slot.localEcmp ? undefined : memberByLabel(remote, slot.label);
  return {
    ...HOLE,
    slot: slot.slot,
    kind: 'tunnel',
    label: slot.label,
    nexthopId: slot.nhId >= 0 ? slot.nhId : null,
    remote: { ip: slot.dip, node: slot.node },
    localEcmp: slot.localEcmp,
    localPods: slot.localEcmp ? podsOf(remote?.localComposite) : [],
    pod: target?.kind === 'interface' ? (target.names.pod ?? null) : null,
    node: slot.node,
    vmiUuid: target?.kind === 'interface' ? (target.names.vmi ?? null) : null,
    member: target?.kind === 'interface' ? target.member : null,
    flows: slot.flows,
    share: slot.share,
  };
}

/** Next hop `nhId` of compute `node` in the VIP's topology: the VIP route's composite or the local one. */
export function resolveComposite(
  topology: VipTopology,
  node: string,
  nhId: number,
): ResolvedComposite | null {
  const compute = topology.computes.find((c) => c.node === node);
  if (!compute) return null;
  const local = compute.localComposite?.nhId === nhId ? compute.localComposite : null;
  const composite = local ?? (compute.composite?.nhId === nhId ? compute.composite : null);
  if (!composite) return null;
  return {
    node,
    nhId,
    isLocal: local !== null,
    label: local?.label ?? null,
    hashFields: composite.hashFields,
    slots: composite.slots.map((s) => resolveSlot(topology, s)),
  };
}

/** The slots as the next hop alone says them, before the topology names their members. */
export function slotsOfRecord(nh: NhSandeshData): CompositeSlot[] {
  return nh.mc_list.map((c, slot): CompositeSlot => {
    if (c.type === 'NULL') return { ...HOLE, slot };
    if (c.type === 'Interface') return { ...HOLE, slot, kind: 'interface', label: c.label, itf: c.itf };
    return { ...HOLE, slot, kind: 'tunnel', label: c.label, remote: { ip: c.dip, node: null } };
  });
}

/**
 * Whether slots read from the topology are those of this next hop as last read: the same number,
 * holes in the same places, the same labels. The topology is read apart from the next hop, so
 * right after a change one can be older than the other; the next hop's own slots win until both
 * agree.
 */
export function slotsAgree(slots: readonly CompositeSlot[], nh: NhSandeshData): boolean {
  return (
    slots.length === nh.mc_list.length &&
    nh.mc_list.every((c, i) => {
      const slot = slots[i]!;
      return c.type === 'NULL' ? slot.kind === 'hole' : slot.kind !== 'hole' && slot.label === c.label;
    })
  );
}
