// Finds a VIP's /32 route on one compute, for "Show in dataplane": a ClusterIP VIP is leaked into
// every pod VRF, an external IP lives in its floating IP's VRF, so the VRFs are tried in order —
// the one the Routes tab opens on first, then the fullest — until one holds the route.

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { Inet4UcRouteResp, ItfSandeshData, VrfSandeshData } from '@model/dataplane/types.ts';
import { dataplaneQueries } from '@web/api/dataplane.ts';
import { defaultVrfName } from './default-vrf.ts';

/** The VRFs to look in, most likely first; VRFs without routes are skipped. */
export function vrfSearchOrder(
  interfaces: readonly ItfSandeshData[],
  vrfs: readonly VrfSandeshData[],
): string[] {
  const first = defaultVrfName(interfaces, vrfs);
  const rest = vrfs
    .filter((v) => v.name !== first && v.route_count > 0)
    .sort((a, b) => b.route_count - a.route_count)
    .map((v) => v.name);
  return first === undefined ? rest : [first, ...rest];
}

/** The next hop of the active path of `vip`/32 in `routes`, or null when there is no such route. */
export function vipNexthop(routes: Inet4UcRouteResp, vip: string): number | null {
  const route = routes.route_list.find((r) => r.src_ip === vip && r.src_plen === 32);
  return route?.path_list[0]?.nh?.nh_index ?? null;
}

export type VipRouteState =
  | { status: 'searching'; vrf: string | null }
  | { status: 'found'; vrf: string; nexthop: number }
  | { status: 'absent'; searched: string[] }
  | { status: 'error'; error: unknown; retry: () => void };

/** Looks for `vip` in the compute's VRFs one at a time; `enabled` false does nothing. */
export function useVipRoute(node: string, vip: string, enabled: boolean): VipRouteState {
  const vrfs = useQuery({ ...dataplaneQueries.vrfs(node), enabled });
  const interfaces = useQuery({ ...dataplaneQueries.interfaces(node), enabled });
  const order = useMemo(
    () =>
      vrfs.data && interfaces.data ? vrfSearchOrder(interfaces.data.itf_list, vrfs.data.vrf_list) : null,
    [vrfs.data, interfaces.data],
  );
  // The first VRF not searched yet (or holding the VIP): the VRFs before it are in the cache and
  // lack the route. Each answer re-renders this hook, which then moves on by itself.
  const queryClient = useQueryClient();
  const searched = order ?? [];
  let attempt = 0;
  for (; attempt < searched.length; attempt++) {
    const seen = queryClient.getQueryData(dataplaneQueries.routes(node, searched[attempt]!).queryKey);
    if (seen === undefined || vipNexthop(seen, vip) !== null) break;
  }
  const vrf = order?.[attempt];
  const routes = useQuery({
    ...dataplaneQueries.routes(node, vrf ?? ''),
    enabled: enabled && vrf !== undefined,
  });
  const nexthop = routes.data ? vipNexthop(routes.data, vip) : null;

  const failed = vrfs.error ?? interfaces.error ?? routes.error;
  if (failed)
    return {
      status: 'error',
      error: failed,
      retry: () => {
        void vrfs.refetch();
        void interfaces.refetch();
        void routes.refetch();
      },
    };
  if (order && attempt >= order.length) return { status: 'absent', searched: order };
  if (vrf !== undefined && nexthop !== null) return { status: 'found', vrf, nexthop };
  return { status: 'searching', vrf: vrf ?? null };
}
