// The UI server's URL space (:8080), one home for it: fastify routes and msw handlers register each
// `pattern` (both read `:param` segments the same way), web/api builds URLs with `path(params,
// query)`. Plugins mounted under a prefix register `route.under(prefix)`. Pure; no HTTP library.

type ParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | ParamNames<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

export type PathParams<P extends string> = Readonly<Record<ParamNames<P>, string | number>>;
export type QueryParams = Readonly<Record<string, string | number | boolean | undefined>>;

export interface ApiRoute<P extends string> {
  /** The route as fastify and msw match it, e.g. `/api/explorer/pools/:uuid/members`. */
  readonly pattern: P;
  /** The URL with every `:param` URI-encoded, plus a query string of the defined `query` values. */
  path(
    ...args: [ParamNames<P>] extends [never]
      ? [query?: QueryParams]
      : [params: PathParams<P>, query?: QueryParams]
  ): string;
  /** The pattern relative to `prefix`, for a plugin registered with that prefix. */
  under(prefix: string): string;
}

export function apiRoute<P extends string>(pattern: P): ApiRoute<P> {
  return {
    pattern,
    path(...args: unknown[]): string {
      const hasParams = pattern.includes(':');
      const params = (hasParams ? args[0] : undefined) as Record<string, string | number> | undefined;
      const query = (hasParams ? args[1] : args[0]) as QueryParams | undefined;
      const path = pattern.replace(/:([A-Za-z_]\w*)/g, (_, name: string) => {
        const value = params?.[name];
        if (value === undefined) throw new TypeError(`${pattern}: missing path parameter ${name}`);
        return encodeURIComponent(String(value));
      });
      return query ? `${path}${queryString(query)}` : path;
    },
    under(prefix: string): string {
      if (!pattern.startsWith(`${prefix}/`) && pattern !== prefix)
        throw new TypeError(`${pattern} is not under ${prefix}`);
      return pattern.slice(prefix.length) || '/';
    },
  };
}

/** `?a=1&b=x` of the defined values, or `''` when there are none. */
export function queryString(query: QueryParams): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Everything the SPA fetches is under this; anything else is the SPA itself or an operator's endpoint. */
export const API_ROOT = '/api';

/** Where each group of routes is mounted. */
export const API_PREFIX = {
  config: '/api/config',
  explorer: '/api/explorer',
  cluster: '/api/cluster',
  dataplane: '/api/dataplane',
  consistency: '/api/consistency',
  events: '/api/events',
} as const;

/** The server itself: what it reads from, its health, its metrics (for operators, not the SPA). */
export const serverApi = {
  info: apiRoute('/api/info'),
  healthz: apiRoute('/healthz'),
  readyz: apiRoute('/readyz'),
  metrics: apiRoute('/metrics'),
};

/** The read-only proxy to the config API: the VNC API's own paths under /api/config. */
export const configApi = {
  root: apiRoute('/api/config/'),
  object: apiRoute('/api/config/:type/:uuid'),
  /** `/<type>s`: the collection segment is the type's plural, so build it with `collection()`. */
  collectionPattern: apiRoute('/api/config/:collection'),
  collection: (type: string, query?: QueryParams) =>
    `${API_PREFIX.config}/${encodeURIComponent(`${type}s`)}${query ? queryString(query) : ''}`,
  fqNameToId: apiRoute('/api/config/fqname-to-id'),
  idToFqName: apiRoute('/api/config/id-to-fqname'),
};

/** The load balancer tree, one level per request. */
export const explorerApi = {
  loadBalancers: apiRoute('/api/explorer/loadbalancers'),
  listeners: apiRoute('/api/explorer/loadbalancers/:uuid/listeners'),
  pools: apiRoute('/api/explorer/listeners/:uuid/pools'),
  members: apiRoute('/api/explorer/pools/:uuid/members'),
};

/** The config change stream. */
export const eventsApi = {
  stream: apiRoute('/api/events'),
};

/** The Kubernetes cluster the explorer reads (the embedded one, or a real one from KUBECONFIG). */
export const clusterApi = {
  list: apiRoute('/api/cluster/:plural'),
  clusterScoped: apiRoute('/api/cluster/:plural/:name'),
  namespaced: apiRoute('/api/cluster/:plural/:namespace/:name'),
  apply: apiRoute('/api/cluster/apply'),
  scale: apiRoute('/api/cluster/deployments/:namespace/:name/scale'),
  readiness: apiRoute('/api/cluster/pods/:namespace/:name/readiness'),
  /** The embedded kube-manager's pause switch. */
  kubeManager: apiRoute('/api/cluster/kube-manager'),
};

/** The computes' dataplane, read through their agents' introspect: tables, CLI text, trace, topology, traffic. */
export const dataplaneApi = {
  vrouters: apiRoute('/api/dataplane/vrouters'),
  vrfs: apiRoute('/api/dataplane/vrouters/:node/vrfs'),
  interfaces: apiRoute('/api/dataplane/vrouters/:node/interfaces'),
  nexthops: apiRoute('/api/dataplane/vrouters/:node/nexthops'),
  nexthop: apiRoute('/api/dataplane/vrouters/:node/nexthops/:id'),
  routes: apiRoute('/api/dataplane/vrouters/:node/routes'),
  flows: apiRoute('/api/dataplane/vrouters/:node/flows'),
  cliRt: apiRoute('/api/dataplane/vrouters/:node/cli/rt'),
  cliNh: apiRoute('/api/dataplane/vrouters/:node/cli/nh'),
  cliFlow: apiRoute('/api/dataplane/vrouters/:node/cli/flow'),
  cliMpls: apiRoute('/api/dataplane/vrouters/:node/cli/mpls'),
  cliVif: apiRoute('/api/dataplane/vrouters/:node/cli/vif'),
  cliVrfstats: apiRoute('/api/dataplane/vrouters/:node/cli/vrfstats'),
  cliDropstats: apiRoute('/api/dataplane/vrouters/:node/cli/dropstats'),
  trace: apiRoute('/api/dataplane/trace'),
  traffic: apiRoute('/api/dataplane/traffic'),
  /** `?vip=&port=` or `?lb=`: one VIP across every compute. */
  topology: apiRoute('/api/dataplane/topology'),
};

/** Endpoints → members → floating-ip → routes → next hops, per load balancer. */
export const consistencyApi = {
  all: apiRoute('/api/consistency'),
  loadBalancer: apiRoute('/api/consistency/:uuid'),
};
