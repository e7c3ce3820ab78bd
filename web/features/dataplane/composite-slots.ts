// An ECMP composite next hop as slots a person can read: each slot's label, the component next
// hop (local Encap → vif, or Tunnel → remote compute) and the member pod behind it; holes stay.

import type { Inet4UcRouteResp, ItfSandeshData, NhSandeshData } from '@model/dataplane/types.ts';
import { podKeyOfVmName } from '@model/contrail/names.ts';
import type { KubePod } from '@web/api/cluster.ts';

export type SlotKind = 'interface' | 'tunnel' | 'hole';

export interface CompositeSlot {
  slot: number;
  kind: SlotKind;
  /** The MPLS label of the member VMI; null for a hole. */
  label: number | null;
  /** The component's own next hop on this compute (Encap or Tunnel), when it can be found. */
  nexthopId: number | null;
  /** Local: the vif index and tap name. */
  vif: { index: number; name: string } | null;
  /** Tunnel: the remote compute's address and name. */
  remote: { ip: string; node: string | null } | null;
  /** `<namespace>/<pod>` of the member, when resolved. */
  pod: string | null;
  podIp: string | null;
  /** The compute the member pod runs on. */
  node: string | null;
  /** The member's VMI and its VM (the pod), from the interface that carries its label. */
  vmiUuid: string | null;
  vmUuid: string | null;
}

export interface SlotContext {
  /** The compute whose composite this is. */
  node: string;
  vrouters: readonly { name: string; ip: string }[];
  /** Interfaces of every compute that has answered so far. */
  interfacesByNode: ReadonlyMap<string, readonly ItfSandeshData[]>;
  /** This compute's next hops (to name each component's Encap/Tunnel NH). */
  nexthops: readonly NhSandeshData[];
  /** Cluster pods, when the embedded cluster is there (names pods by IP). */
  pods?: readonly KubePod[] | undefined;
}

function podName(itf: ItfSandeshData, pods: readonly KubePod[] | undefined): string | null {
  const pod = pods?.find((p) => p.status.podIP === itf.ip_addr);
  if (pod) return `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
  return podKeyOfVmName(itf.vm_name);
}

export function resolveSlots(nh: NhSandeshData, ctx: SlotContext): CompositeSlot[] {
  const local = ctx.interfacesByNode.get(ctx.node) ?? [];
  return nh.mc_list.map((c, slot): CompositeSlot => {
    const base = {
      slot,
      vif: null,
      remote: null,
      pod: null,
      podIp: null,
      node: null,
      nexthopId: null,
      vmiUuid: null,
      vmUuid: null,
    };
    if (c.type === 'NULL') return { ...base, kind: 'hole', label: null };
    if (c.type === 'Interface') {
      const itf = local.find((i) => i.name === c.itf);
      const encap = ctx.nexthops.find((n) => n.type === 'interface' && n.itf === c.itf);
      return {
        ...base,
        kind: 'interface',
        label: c.label,
        nexthopId: encap?.nh_index ?? null,
        vif: itf ? { index: itf.index, name: itf.name } : { index: -1, name: c.itf },
        pod: itf ? podName(itf, ctx.pods) : null,
        podIp: itf?.ip_addr ?? null,
        node: ctx.node,
        vmiUuid: itf?.uuid ?? null,
        vmUuid: itf?.vm_uuid ?? null,
      };
    }
    const remoteNode = ctx.vrouters.find((r) => r.ip === c.dip)?.name ?? null;
    const remoteItf = remoteNode
      ? ctx.interfacesByNode.get(remoteNode)?.find((i) => i.label === c.label)
      : undefined;
    const tunnel = ctx.nexthops.find((n) => n.type === 'tunnel' && n.dip === c.dip);
    return {
      ...base,
      kind: 'tunnel',
      label: c.label,
      nexthopId: tunnel?.nh_index ?? null,
      remote: { ip: c.dip, node: remoteNode },
      pod: remoteItf ? podName(remoteItf, ctx.pods) : null,
      podIp: remoteItf?.ip_addr ?? null,
      node: remoteNode,
      vmiUuid: remoteItf?.uuid ?? null,
      vmUuid: remoteItf?.vm_uuid ?? null,
    };
  });
}

/** The destinations in `routes` whose active path points at next hop `nhId` (the VIP /32s). */
export function destinationsVia(routes: Inet4UcRouteResp | undefined, nhId: number): string[] {
  return (routes?.route_list ?? [])
    .filter((r) => r.path_list[0]?.nh?.nh_index === nhId)
    .map((r) => `${r.src_ip}/${r.src_plen}`);
}
