// Deep links into the Dataplane screen, shared by the screens that point at it: a compute's tab,
// "Show in dataplane" for a VIP (its route and composite on one compute, with the load balancer,
// Service and member pod it was opened from), and a VIP's ECMP topology across every compute. The
// Dataplane screens read the same names.

export const DATAPLANE_TABS = ['routes', 'nexthops', 'interfaces', 'flows', 'cli', 'trace'] as const;
export type DataplaneTab = (typeof DATAPLANE_TABS)[number];

/** The URL of a compute's tab, plus any of the screen's parameters. */
export function dataplaneUrl(
  node: string,
  tab: DataplaneTab = 'routes',
  extra: Record<string, string> = {},
): string {
  const params = new URLSearchParams({ ...(tab === 'routes' ? {} : { tab }), ...extra });
  const query = params.toString();
  return `/dataplane/${encodeURIComponent(node)}${query ? `?${query}` : ''}`;
}

export interface VipTarget {
  node: string;
  vip: string;
  /** The load balancer's uuid, to link the composite's members back to it. */
  lb?: string | undefined;
  /** `<namespace>/<service>`: scopes the cluster controls. */
  service?: string | undefined;
  /** `<namespace>/<pod>` of a member to pick out among the slots. */
  pod?: string | undefined;
}

/** The Next hops tab resolving `vip` to its route and composite on `node`. */
export function dataplaneVipUrl(target: VipTarget): string {
  const extra: Record<string, string> = { vip: target.vip };
  if (target.lb) extra.lb = target.lb;
  if (target.service) extra.svc = target.service;
  if (target.pod) extra.pod = target.pod;
  return dataplaneUrl(target.node, 'nexthops', extra);
}

/** The ECMP topology of a load balancer's VIP, or of a VIP and port (a listener's). */
export function topologyUrl(
  target: { lb: string } | { vip: string; port?: number | null; lb?: string },
): string {
  const params = new URLSearchParams();
  if ('vip' in target) {
    params.set('vip', target.vip);
    if (target.port != null) params.set('port', String(target.port));
  }
  if (target.lb) params.set('lb', target.lb);
  return `/topology?${params}`;
}
