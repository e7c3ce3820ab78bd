// The consistency check (GET /api/consistency, GET /api/consistency/<lb-uuid>): for each load
// balancer, whether Kubernetes Endpoints, pool members, the VIP floating IP's VMI refs and each
// compute's routes and next hops agree, and the first link that does not.

import { queryOptions } from '@tanstack/react-query';
import type { ConsistencyReport, LbConsistency } from '@model/api/dataplane-views.ts';
import { consistencyApi } from '@model/api/paths.ts';
import { apiFetch } from './client.ts';

/**
 * Drift appears without any config change (a paused kube-manager writes nothing), so the report is
 * asked again on a timer; one load balancer's check is cheap and asked more often.
 */
export const REPORT_REFRESH_MS = 15_000;
export const LB_CHECK_REFRESH_MS = 5_000;

export const consistencyQueries = {
  all: () => ['consistency'] as const,
  report: () =>
    queryOptions({
      queryKey: [...consistencyQueries.all(), 'report'],
      queryFn: () => apiFetch<ConsistencyReport>(consistencyApi.all.path()),
      refetchInterval: REPORT_REFRESH_MS,
    }),
  loadBalancer: (uuid: string) =>
    queryOptions({
      queryKey: [...consistencyQueries.all(), 'lb', uuid],
      queryFn: () => apiFetch<LbConsistency>(consistencyApi.loadBalancer.path({ uuid })),
      refetchInterval: LB_CHECK_REFRESH_MS,
    }),
};
