// GET /api/info: where the UI server reads its data from and what it can do there. Written by
// server/ui-server/app.ts, read by web/api/info.ts and served by the msw handlers; types only.

import type { Capabilities } from './dataplane-views.ts';

/** `embedded`: the simulation in this process; `external`: a real config API; `mock`: msw fixtures. */
export type ServerMode = 'embedded' | 'external' | 'mock';

export interface ServerInfo {
  mode: ServerMode;
  /** The scenario the embedded simulation loaded (`default` or a manifest path). */
  scenario?: string;
  /** The Kubernetes API the explorer reads (the embedded one, or a real cluster's from KUBECONFIG). */
  kubernetes?: string;
  configApi: {
    /** The config API base URL the server proxies to; never a secret. */
    url: string;
    /** How the server authenticates to it, when it does (the token itself stays on the server). */
    auth?: string;
  };
  /** Which controls work here (scale needs KUBE_WRITE=1 on a real cluster; readiness only embedded). */
  capabilities?: Capabilities;
}

/** What the composition root adds to the UI server's own knowledge of the config API. */
export type ServerInfoSource = Omit<ServerInfo, 'configApi' | 'capabilities'>;
