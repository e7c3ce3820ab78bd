// The control node as the vRouters see it over XMPP: every compute's route exports (next hop =
// the compute, label = what its agent exports) gathered per VRF and prefix, and the resulting
// path sent back to every compute — the originator included — for the VRF and for the VRFs
// that import it. Holds no routes of its own; no HTTP.
//
// - Next hops of one route are ordered as the control node orders ECMP-eligible paths: for
//   XMPP paths of equal preference the lower path id, i.e. the lower next-hop address, wins
//   (src/bgp/bgp_path.cc BgpPath::PathCompare), best first (src/bgp/bgp_ribout.cc RibOutAttr).
// - The route's attributes, the load-balance (hash fields) and the destination VN among them,
//   are the best path's (RibOutAttr encodes the best path's attributes).
// - A ClusterIP VIP exported in the service network is imported by every pod network (the
//   `k8s-default-pod-service-np` policy between them); pod routes are not leaked the other way
//   in this model (docs/dataplane.md lists it).

import type { HashFieldMask } from '@model/dataplane/ecmp-load-balance.ts';
import type { ControllerRoute, Route, VnInfo, VRouter } from './vrouter.ts';

interface Export {
  readonly label: number;
  readonly hashFields: HashFieldMask;
  readonly destVn: string;
}

interface Entry {
  readonly vrfName: string;
  readonly vnName: string;
  readonly prefix: number;
  readonly plen: number;
  readonly exporters: Map<number, Export>;
  leak: boolean;
  /** VRFs this entry was last published to. */
  published: Set<string>;
}

export interface ControlNodeContext {
  routers(): Iterable<VRouter>;
  vn(vrfName: string): VnInfo | null;
  /** VRFs that import leaked routes (the pod networks' VRFs). */
  podVrfs(): Iterable<string>;
  /** Whether an exported prefix in a VRF is a ClusterIP VIP (leaked to the pod VRFs). */
  isClusterVip(vrfName: string, prefix: number): boolean;
}

const keyOf = (vrfName: string, prefix: number, plen: number) => `${vrfName}|${prefix >>> 0}/${plen}`;

export class ControlNode {
  private readonly entries = new Map<string, Entry>();

  constructor(
    readonly address: string,
    private readonly ctx: ControlNodeContext,
  ) {}

  /** Entries whose exporters changed since the last publishPending(). */
  private readonly pending = new Set<Entry>();

  /**
   * A compute's export for a route changed (null: withdrawn). Published by publishPending(), so
   * a batch of changes (a Service's members added one by one) reaches the computes once, as the
   * control node's update batching would.
   */
  update(router: VRouter, route: Route, exported: Export | null): void {
    const key = keyOf(route.vrf.name, route.prefix, route.plen);
    let entry = this.entries.get(key);
    if (!entry) {
      if (!exported) return;
      entry = {
        vrfName: route.vrf.name,
        vnName: route.vrf.vnName,
        prefix: route.prefix,
        plen: route.plen,
        exporters: new Map(),
        leak: false,
        published: new Set(),
      };
      this.entries.set(key, entry);
    }
    if (exported) entry.exporters.set(router.ip, exported);
    else entry.exporters.delete(router.ip);
    this.pending.add(entry);
  }

  /** Sends every changed route to the computes. */
  publishPending(): void {
    // Publishing changes only controller paths, which export nothing, but loop to be safe.
    while (this.pending.size > 0) {
      const batch = Array.from(this.pending);
      this.pending.clear();
      for (const entry of batch) {
        entry.leak = this.ctx.isClusterVip(entry.vrfName, entry.prefix);
        this.publish(entry);
        const key = keyOf(entry.vrfName, entry.prefix, entry.plen);
        if (entry.exporters.size === 0 && this.entries.get(key) === entry) this.entries.delete(key);
      }
    }
  }

  /** Everything a compute exported goes (the compute left or changed address). */
  withdrawAll(address: number): void {
    for (const [key, entry] of Array.from(this.entries))
      if (entry.exporters.delete(address)) {
        this.publish(entry);
        if (entry.exporters.size === 0) this.entries.delete(key);
      }
  }

  /** The route for an entry as every compute must see it, or null when nobody exports it. */
  private controllerRoute(entry: Entry): ControllerRoute | null {
    if (entry.exporters.size === 0) return null;
    const nextHops = [...entry.exporters].sort(([a], [b]) => a - b);
    const best = nextHops[0]![1];
    return {
      nextHops: nextHops.map(([address, e]) => ({ address, label: e.label })),
      hashFields: best.hashFields,
      destVn: best.destVn,
    };
  }

  private importers(entry: Entry): Set<string> {
    const vrfs = new Set([entry.vrfName]);
    if (entry.leak) for (const vrf of this.ctx.podVrfs()) vrfs.add(vrf);
    return vrfs;
  }

  private publish(entry: Entry, only?: VRouter): void {
    const route = this.controllerRoute(entry);
    const importers = route ? this.importers(entry) : new Set<string>();
    const gone = [...entry.published].filter((v) => !importers.has(v));
    for (const router of only ? [only] : this.ctx.routers()) {
      for (const vrf of gone)
        router.setControllerRoute(vrf, entry.vnName, null, entry.prefix, entry.plen, null);
      for (const vrf of importers)
        router.setControllerRoute(
          vrf,
          vrf === entry.vrfName ? entry.vnName : (this.ctx.vn(vrf)?.name ?? vrf),
          this.ctx.vn(vrf),
          entry.prefix,
          entry.plen,
          route,
        );
    }
    if (!only) entry.published = importers;
  }

  /** A compute (re)connected: it learns every route. */
  syncRouter(router: VRouter): void {
    for (const entry of this.entries.values()) this.publish(entry, router);
  }

  /** A new pod VRF appeared: leaked routes reach it. */
  podVrfAdded(): void {
    for (const entry of this.entries.values()) if (entry.leak) this.publish(entry);
  }

  /** Re-evaluates which prefixes leak (a FIP became or stopped being a ClusterIP VIP). */
  refreshLeak(vrfName: string, prefix: number): void {
    for (const entry of this.entries.values())
      if (entry.vrfName === vrfName && entry.prefix === prefix >>> 0) {
        const leak = this.ctx.isClusterVip(vrfName, prefix);
        if (leak !== entry.leak) {
          entry.leak = leak;
          this.publish(entry);
        }
      }
  }
}
