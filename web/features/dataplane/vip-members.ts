// Which Service a VIP belongs to, and a load balancer's pool members, so composite slots link
// back to the members and pods they are. kube-manager gives a Service's loadbalancer the Service's
// uid as its uuid (kube-manager `vnc/loadbalancer.py`: `lb_obj.uuid = service_id`).

import { useQueries, useQuery } from '@tanstack/react-query';
import type { MemberRow } from '@model/explorer.ts';
import type { KubeService } from '@web/api/cluster.ts';
import { explorerQueries } from '@web/api/explorer.ts';
import type { CompositeSlot } from './composite-slots.ts';

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

/**
 * The pool members a slot's member stands for, one per listener: those on its pod's VMI, else the
 * one the server matched to it.
 */
export function membersOfSlot(slot: CompositeSlot, members: readonly MemberRow[]): MemberRow[] {
  if (slot.kind === 'hole') return [];
  const byVmi = slot.vmiUuid === null ? [] : members.filter((m) => m.vmi?.uuid === slot.vmiUuid);
  return byVmi.length > 0 ? byVmi : members.filter((m) => m.uuid === slot.member);
}

/** Module-level, so useQueries keeps the combined array while no level changed. */
function allMembers(results: { data?: MemberRow[] | undefined }[]): MemberRow[] {
  return results.flatMap((r) => r.data ?? []);
}

/** Every pool member of a load balancer (each listener's pool), to link slots back to them. */
export function useLbMembers(lbUuid: string | null): MemberRow[] {
  const listeners = useQuery({ ...explorerQueries.listeners(lbUuid ?? ''), enabled: lbUuid !== null });
  const poolUuids = (listeners.data ?? []).flatMap((l) => l.pools.map((p) => p.uuid));
  return useQueries({
    queries: poolUuids.map((uuid) => explorerQueries.members(uuid)),
    combine: allMembers,
  });
}
