// Finds a VIP's /32 route on one compute, for "Show in dataplane": a ClusterIP VIP is leaked into
// every pod VRF, an external IP lives in its floating IP's VRF, so the VRFs are tried in order —
// the one the Routes tab opens on first, then the fullest — each asked only for the routes covering
// the VIP (`prefix=<vip>`), until one holds the /32.

import { useQuery } from '@tanstack/react-query';
import type { ItfSandeshData, RouteUcSandeshData, VrfSandeshData } from '@model/dataplane/types.ts';
import { dataplaneQueries, fetchTablePage } from '@web/api/dataplane.ts';
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

/** The next hop of the active path of `vip`/32 among `routes`, or null when there is no such route. */
export function vipNexthop(routes: readonly RouteUcSandeshData[], vip: string): number | null {
  const route = routes.find((r) => r.src_ip === vip && r.src_plen === 32);
  return route?.path_list[0]?.nh?.nh_index ?? null;
}

export type VipRouteState =
  | { status: 'searching' }
  | { status: 'found'; vrf: string; nexthop: number }
  | { status: 'absent'; searched: string[] }
  | { status: 'error'; error: unknown; retry: () => void };

type Found = { status: 'found'; vrf: string; nexthop: number } | { status: 'absent'; searched: string[] };

/** Looks for `vip` in the compute's VRFs one at a time; `enabled` false does nothing. */
export function useVipRoute(node: string, vip: string, enabled: boolean): VipRouteState {
  const query = useQuery({
    queryKey: [...dataplaneQueries.all(), node, 'vip-route', vip],
    enabled,
    queryFn: async ({ client }): Promise<Found> => {
      const [vrfs, interfaces] = await Promise.all([
        client.fetchQuery(dataplaneQueries.vrfs(node)),
        fetchTablePage('interfaces', node, {}, null),
      ]);
      const order = vrfSearchOrder(
        interfaces.items.map((i) => i.record),
        vrfs.vrf_list,
      );
      for (const vrf of order) {
        const page = await fetchTablePage('routes', node, { vrf, prefix: vip }, null, 10);
        const nexthop = vipNexthop(
          page.items.map((r) => r.record),
          vip,
        );
        if (nexthop !== null) return { status: 'found', vrf, nexthop };
      }
      return { status: 'absent', searched: order };
    },
  });
  if (query.data) return query.data;
  if (query.isError) return { status: 'error', error: query.error, retry: () => void query.refetch() };
  return { status: 'searching' };
}
