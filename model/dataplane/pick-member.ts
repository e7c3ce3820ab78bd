// CompositeNH::PickMember (tf-controller src/vnsw/agent/oper/nexthop.cc): which slot of an ECMP
// composite a new flow takes. One pure implementation shared by the simulated vRouters and the UI
// server's prediction from introspect, so both name the same member for the same 5-tuple.

/** CompositeNH::kInvalidComponentNHIdx as the flow table stores it. */
export const INVALID_COMPONENT = -1;

/** What PickMember looks at in a slot: present or a NULL hole, and whether it is a tunnel. */
export type PickComponent = { readonly kind: 'interface' | 'tunnel' } | null;

/** A slot PickMember may choose: present, and not a tunnel when the packet came from the fabric. */
const usable = (c: PickComponent | undefined, ingress: boolean): boolean =>
  !!c && (ingress || c.kind !== 'tunnel');

/**
 * CompositeNH::PickMember(seed, affinity, ingress), exactly:
 * - no components → invalid;
 * - an affinity index whose NH is present and active is kept;
 * - else `idx = seed % size`; if that slot is NULL, inactive, or a tunnel while the packet did
 *   not come from a VM (`ingress == false`, i.e. it arrived from the fabric), the pick is
 *   `active_list[seed % active_list.size()]` over the other usable slots (tunnels excluded
 *   for fabric ingress), or invalid when there are none.
 * `seed` is the 32-bit seed (pickSeed). `first` replaces `seed % size` for the Maglev what-if
 * only. Runs on every new flow: no allocation.
 */
export function pickMember(
  components: readonly PickComponent[],
  seed: number,
  affinity: number,
  ingress: boolean,
  first: number = (seed >>> 0) % Math.max(components.length, 1),
): number {
  const size = components.length;
  if (size === 0) return INVALID_COMPONENT;
  if (affinity !== INVALID_COMPONENT && affinity >= 0 && affinity < size && components[affinity])
    return affinity;
  if (usable(components[first], ingress)) return first;
  let count = 0;
  for (let i = 0; i < size; i++) if (i !== first && usable(components[i], ingress)) count++;
  if (count === 0) return INVALID_COMPONENT;
  let target = (seed >>> 0) % count;
  for (let i = 0; i < size; i++) {
    if (i === first || !usable(components[i], ingress)) continue;
    if (target-- === 0) return i;
  }
  return INVALID_COMPONENT;
}
