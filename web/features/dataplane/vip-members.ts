// Which Service and load balancer a VIP belongs to, and its pool members, so next hops and
// composite slots link back to the members and pods they are. kube-manager gives a Service's
// loadbalancer the Service's uid as its uuid (kube-manager `vnc/loadbalancer.py`:
// `lb_obj.uuid = service_id`), so the cluster's Service names the load balancer; a "Show in
// dataplane" link names it directly (`lb`), which also works where no cluster is embedded.

import { useQueries, useQuery } from '@tanstack/react-query';
import type { MemberRow } from '@model/explorer.ts';
import { clusterQueries, type KubeService } from '@web/api/cluster.ts';
import { explorerQueries } from '@web/api/explorer.ts';
import type { CompositeSlot } from './composite-slots.ts';

/** `10.105.53.64` from a route destination `10.105.53.64/32`. */
export function addressOf(destination: string): string {
  return destination.split('/')[0]!;
}

/** The Service whose ClusterIP, external IP or load-balancer ingress IP is `vip`. */
export function serviceForVip(
  services: readonly KubeService[] | undefined,
  vip: string,
): KubeService | undefined {
  return services?.find(
    (s) =>
      s.spec.clusterIP === vip ||
      (s.spec.externalIPs ?? []).includes(vip) ||
      (s.status?.loadBalancer.ingress ?? []).some((i) => i.ip === vip),
  );
}

export function serviceKey(service: KubeService): string {
  return `${service.metadata.namespace ?? 'default'}/${service.metadata.name}`;
}

/** The pool members a slot's member VMI (or, lacking it, its pod IP) stands for: one per listener. */
export function membersOfSlot(slot: CompositeSlot, members: readonly MemberRow[]): MemberRow[] {
  if (slot.kind === 'hole') return [];
  return members.filter((m) =>
    slot.vmiUuid !== null && m.vmi ? m.vmi.uuid === slot.vmiUuid : m.podIp !== null && m.podIp === slot.podIp,
  );
}

/** Module-level, so useQueries keeps the combined array while no level changed. */
function allMembers(results: { data?: MemberRow[] | undefined }[]): MemberRow[] {
  return results.flatMap((r) => r.data ?? []);
}

export interface VipMembers {
  service: KubeService | undefined;
  lbUuid: string | null;
  members: MemberRow[];
}

/** The Service, load balancer and every pool member of `vip` (each listener's pool). */
export function useVipMembers(vip: string | null, lbFromLink: string | null): VipMembers {
  const services = useQuery(clusterQueries.services());
  const service = vip ? serviceForVip(services.data, vip) : undefined;
  const lbUuid = lbFromLink ?? service?.metadata.uid ?? null;
  const listeners = useQuery({ ...explorerQueries.listeners(lbUuid ?? ''), enabled: lbUuid !== null });
  const poolUuids = (listeners.data ?? []).flatMap((l) => l.pools.map((p) => p.uuid));
  const members = useQueries({
    queries: poolUuids.map((uuid) => explorerQueries.members(uuid)),
    combine: allMembers,
  });
  return { service, lbUuid, members };
}
