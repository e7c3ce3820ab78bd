// ECMP composite next hops as the vRouter agent builds and changes them: component key lists
// with stable slots and NULL holes, the local-ECMP composite of one compute,
// the expansion of a local composite inside a controller composite, the reorder that keeps old
// positions (CompositeNH::PickMember is model/dataplane/pick-member.ts, shared with the UI
// server's prediction). Pure list logic; no routes, NH ids or flows here.
//
// Sources (tf-controller src/vnsw/agent):
// - oper/nexthop.cc CompositeNHKey::insert (skip a present key, else fill the first NULL, else
//   append), CompositeNHKey::erase (the first equal key becomes NULL),
//   CompositeNH::AddComponentNHKey / DeleteComponentNHKey (same rules on the live list),
//   CompositeNHKey::ExpandLocalCompositeNH and CompositeNHKey::Reorder;
// - oper/ecmp.cc EcmpData::AllocateEcmpPath (the second local path makes a LOCAL_ECMP composite
//   listing the existing path first, the new one second), AppendEcmpPath, EcmpDeletePath (one
//   local path left: the composite and its label go).

/** One component: an interface NH (a local VMI) or a tunnel NH (a remote compute), with its label. */
export interface Component {
  readonly kind: 'interface' | 'tunnel';
  /** VMI uuid for an interface, the remote compute's address (dotted) for a tunnel. */
  readonly target: string;
  readonly label: number;
}

/** A controller next hop naming this compute's local ECMP composite by its MPLS label. */
export interface LocalCompositeRef {
  readonly kind: 'local-composite';
  readonly label: number;
}

export type ComponentList = (Component | null)[];

export const sameComponent = (a: Component, b: Component): boolean =>
  a.kind === b.kind && a.target === b.target && a.label === b.label;

const indexOfComponent = (list: readonly (Component | null)[], c: Component): number =>
  list.findIndex((x) => x !== null && sameComponent(x, c));

/** CompositeNHKey::insert: nothing if present, else into the first NULL slot, else appended. */
export function insertComponent(list: ComponentList, c: Component): void {
  if (indexOfComponent(list, c) >= 0) return;
  const hole = list.indexOf(null);
  if (hole >= 0) list[hole] = c;
  else list.push(c);
}

/** CompositeNHKey::erase: the first equal component becomes a NULL hole. */
export function eraseComponent(list: ComponentList, c: Component): void {
  const i = indexOfComponent(list, c);
  if (i >= 0) list[i] = null;
}

/**
 * The key list of a controller (BGP) ECMP composite built from the control node's next hops,
 * the local composite expanded as ExpandLocalCompositeNH does: its entry becomes NULL, then each
 * of its components is inserted (the first fills that hole, the rest are appended) and each of
 * its holes appends a NULL.
 */
export function expandLocalComposite(
  next: readonly (Component | LocalCompositeRef)[],
  localComposite: (label: number) => readonly (Component | null)[] | undefined,
): ComponentList {
  const list: ComponentList = [];
  let local: readonly (Component | null)[] | undefined;
  for (const entry of next) {
    if (entry.kind === 'local-composite' && local === undefined) {
      // Only the first local composite is expanded; its components are looked up by label.
      local = localComposite(entry.label) ?? [];
      list.push(null);
    } else if (entry.kind !== 'local-composite') {
      list.push(entry);
    }
  }
  for (const c of local ?? []) {
    if (c === null) list.push(null);
    else insertComponent(list, c);
  }
  return list;
}

/**
 * CompositeNHKey::Reorder against the path's previous composite: entries no longer present
 * become NULL, new ones fill holes or are appended, so surviving components keep their slots.
 */
export function reorderComposite(
  previous: readonly (Component | null)[],
  next: readonly (Component | null)[],
): ComponentList {
  const out = previous.slice();
  for (let i = 0; i < out.length; i++) {
    const c = out[i];
    if (c && indexOfComponent(next, c) < 0) out[i] = null;
  }
  for (const c of next) if (c) insertComponent(out, c);
  return out;
}

/**
 * CompositeNHKey::Reorder when the path pointed at a single next hop before: if that next hop
 * (with the path's label) is in the new list it swaps into slot 0, so flows on it keep going
 * there (PickEcmpMember gives a flow that turns ECMP affinity 0).
 */
export function reorderFromSingle(previous: Component, next: readonly (Component | null)[]): ComponentList {
  const out = next.slice();
  const at = indexOfComponent(out, previous);
  if (at > 0) {
    const first = out[0] ?? null;
    out[0] = out[at]!;
    out[at] = first;
  }
  return out;
}

/** The local ECMP composite of one route on one compute (EcmpData), or null below two paths. */
export class LocalEcmp {
  components: ComponentList = [];

  get active(): boolean {
    return this.components.length > 0;
  }

  /**
   * A local ECMP path was added; `existing` are the other local ECMP paths in route order.
   * Returns true when the composite was created by this call (a label must be allocated).
   */
  addPath(c: Component, existing: readonly Component[]): boolean {
    if (existing.length === 0) return false;
    if (!this.active) {
      // AllocateEcmpPath: the path already there first, the new one second.
      this.components = [existing[0]!, c];
      for (const other of existing.slice(1)) insertComponent(this.components, other);
      return true;
    }
    // AddComponentNHKey: an interface NH already present with another label takes the new label
    // in place; otherwise the first hole or the end.
    const sameNh = this.components.findIndex((x) => x !== null && x.kind === c.kind && x.target === c.target);
    if (sameNh >= 0) this.components[sameNh] = c;
    else insertComponent(this.components, c);
    return false;
  }

  /**
   * A local ECMP path went away; `remaining` local ECMP paths are left. Returns true when the
   * composite goes (one path left: EcmpDeletePath removes the ECMP path and frees its label).
   */
  removePath(c: Component, remaining: number): boolean {
    if (!this.active) return false;
    if (remaining <= 1) {
      this.components = [];
      return true;
    }
    eraseComponent(this.components, c);
    return false;
  }
}
