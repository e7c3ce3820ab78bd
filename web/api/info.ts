// GET /api/info: where the UI server reads its data from (embedded or a real cluster) and which
// controls it offers there (capabilities).

import { queryOptions } from '@tanstack/react-query';
import type { Capabilities } from '@model/api/dataplane-views.ts';
import type { ServerInfo } from '@model/api/info.ts';
import { serverApi } from '@model/api/paths.ts';
import { apiFetch } from './client.ts';

export const infoQueries = {
  all: () => ['info'] as const,
  detail: () =>
    queryOptions({
      queryKey: [...infoQueries.all()],
      queryFn: () => apiFetch<ServerInfo>(serverApi.info.path()),
      staleTime: Infinity,
    }),
};

export interface ServerCapabilities extends Capabilities {
  /**
   * The server serves the real-cluster views of model/api/dataplane-views.ts (the VIP's topology,
   * the consistency check, paged tables with names). A server without `capabilities` in
   * /api/info predates them.
   */
  hasViews: boolean;
}

/** What the server offers; one that predates `capabilities` offers what its mode always did. */
export function capabilitiesOf(info: ServerInfo): ServerCapabilities {
  if (info.capabilities) return { ...info.capabilities, hasViews: true };
  const simulated = info.mode !== 'external';
  return {
    simulate: simulated,
    scale: simulated,
    readiness: simulated,
    pauseKubeManager: simulated,
    hasViews: false,
  };
}
