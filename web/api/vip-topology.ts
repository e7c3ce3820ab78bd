// A VIP across the cluster (model/api/dataplane-views.ts VipTopology) from what each compute's
// agent lists: the VIP's /32 route, the ECMP composite it points at and its slots (holes kept, as
// the agent's `mc_list` keeps NULL components), the tunnel labels that lead to a remote compute's
// local-ECMP composite, and each slot's share of the flows to the VIP. Pure. The msw handlers
// answer GET /api/dataplane/topology with it, and legacy-dataplane.ts builds the view with it for
// a server that does not serve that route.

import type {
  ComputeTopology,
  TopologyComposite,
  TopologySlot,
  VipTopology,
} from '@model/api/dataplane-views.ts';
import { podKeyOfVmName } from '@model/contrail/names.ts';
import type { ItfSandeshData, KFlowInfo, NhSandeshData, RouteUcSandeshData } from '@model/dataplane/types.ts';
import { isCompositeType } from './dataplane-tables.ts';

/** One compute's tables as read, or why they could not be. */
export interface ComputeReading {
  name: string;
  ip: string;
  /** Why the compute could not be read; null when it was. */
  error: string | null;
  /** The VIP's /32 route, in the first VRF that holds it; null when none does. */
  route: { vrf: string; route: RouteUcSandeshData } | null;
  interfaces: readonly ItfSandeshData[];
  nexthops: readonly NhSandeshData[];
  flows: readonly KFlowInfo[];
}

export interface TopologyInput {
  vip: string;
  port: number | null;
  lb: { uuid: string; displayName: string } | null;
  computes: readonly ComputeReading[];
  /** Pool member uuids by their pod VMI's uuid (one per listener's pool: the first is kept). */
  memberByVmi: ReadonlyMap<string, string>;
  asOf: string;
}

/** Flows to the VIP (and port) this compute holds, by the ECMP slot each one picked. */
function vipFlows(
  flows: readonly KFlowInfo[],
  vip: string,
  port: number | null,
): { total: number; bySlot: Map<number, number> } {
  const bySlot = new Map<number, number>();
  let total = 0;
  for (const f of flows) {
    if (f.dip !== vip || (port !== null && f.dport !== port)) continue;
    total += 1;
    if (f.ecmp_index >= 0) bySlot.set(f.ecmp_index, (bySlot.get(f.ecmp_index) ?? 0) + 1);
  }
  return { total, bySlot };
}

function interfaceSlot(
  reading: ComputeReading,
  slot: number,
  component: NhSandeshData['mc_list'][number],
  memberByVmi: ReadonlyMap<string, string>,
  flows: number,
  share: number,
): TopologySlot {
  const itf = reading.interfaces.find((i) => i.name === component.itf);
  const encap = reading.nexthops.find((n) => n.type === 'interface' && n.itf === component.itf);
  const pod = itf ? podKeyOfVmName(itf.vm_name) : null;
  return {
    slot,
    kind: 'interface',
    nhId: encap?.nh_index ?? -1,
    label: component.label,
    itf: component.itf,
    names: itf && pod ? { pod, vmi: itf.uuid, node: reading.name } : { node: reading.name },
    member: (itf && memberByVmi.get(itf.uuid)) ?? null,
    flows,
    share,
  };
}

/** A tunnel label that is no interface's on the remote compute is its local-ECMP label. */
function isLocalEcmpLabel(remote: ComputeReading | undefined, label: number): boolean {
  return remote !== undefined && remote.error === null && !remote.interfaces.some((i) => i.label === label);
}

export function buildVipTopology(input: TopologyInput): VipTopology {
  const { vip, port, computes, memberByVmi } = input;
  const byIp = new Map(computes.map((c) => [c.ip, c]));

  const slotsOf = (reading: ComputeReading, nh: NhSandeshData, bySlot: Map<number, number>, total: number) =>
    nh.mc_list.map((c, slot): TopologySlot => {
      const flows = bySlot.get(slot) ?? 0;
      const share = total === 0 ? 0 : flows / total;
      if (c.type === 'NULL') return { slot, kind: 'hole' };
      if (c.type === 'Interface') return interfaceSlot(reading, slot, c, memberByVmi, flows, share);
      const remote = byIp.get(c.dip);
      const tunnel = reading.nexthops.find((n) => n.type === 'tunnel' && n.dip === c.dip);
      return {
        slot,
        kind: 'tunnel',
        nhId: tunnel?.nh_index ?? -1,
        label: c.label,
        dip: c.dip,
        node: remote?.name ?? null,
        localEcmp: isLocalEcmpLabel(remote, c.label),
        flows,
        share,
      };
    });

  const partial = computes.map((reading) => {
    if (reading.error !== null || reading.route === null) return { reading, composite: null };
    const nh = reading.route.route.path_list[0]?.nh;
    const composite =
      nh && isCompositeType(nh.type)
        ? (reading.nexthops.find((n) => n.nh_index === nh.nh_index) ?? nh)
        : undefined;
    return { reading, composite: composite ?? null };
  });

  // The labels other computes' tunnels use to reach each compute's local-ECMP composite.
  const localLabels = new Map<string, number>();
  for (const { reading, composite } of partial)
    for (const c of composite?.mc_list ?? []) {
      const remote = byIp.get(c.dip);
      if (c.type === 'Tunnel' && remote && remote !== reading && isLocalEcmpLabel(remote, c.label))
        localLabels.set(remote.name, c.label);
    }

  const topologies = partial.map(({ reading, composite }): ComputeTopology => {
    const base = { node: reading.name, ip: reading.ip };
    if (reading.error !== null)
      return {
        ...base,
        reachable: false,
        error: reading.error,
        route: null,
        composite: null,
        localComposite: null,
        flows: 0,
      };
    const { total, bySlot } = vipFlows(reading.flows, vip, port);
    const routeNh = reading.route?.route.path_list[0]?.nh;
    const route =
      reading.route && routeNh
        ? {
            vrf: reading.route.vrf,
            nhId: routeNh.nh_index,
            nhType: isCompositeType(routeNh.type) ? 'composite' : routeNh.type,
          }
        : null;
    const main: TopologyComposite | null = composite
      ? {
          nhId: composite.nh_index,
          slots: slotsOf(reading, composite, bySlot, total),
          hashFields: composite.hash_fields ?? [],
        }
      : null;
    // Its local-ECMP composite: the one over the same local members as the VIP's composite here.
    const localItfs = new Set(composite?.mc_list.filter((c) => c.type === 'Interface').map((c) => c.itf));
    const local = reading.nexthops.find(
      (n) =>
        isCompositeType(n.type) &&
        n.local_ecmp === 'true' &&
        n.mc_list.some((c) => c.type === 'Interface' && localItfs.has(c.itf)),
    );
    const label = localLabels.get(reading.name);
    const localComposite =
      local && label !== undefined
        ? {
            nhId: local.nh_index,
            label,
            slots: slotsOf(reading, local, new Map(), 0),
            hashFields: local.hash_fields ?? [],
          }
        : null;
    return {
      ...base,
      reachable: true,
      error: null,
      route,
      composite: main,
      localComposite,
      flows: total,
    };
  });

  return {
    vip,
    port,
    lb: input.lb,
    hashFields: null,
    computes: topologies,
    asOf: input.asOf,
  };
}
