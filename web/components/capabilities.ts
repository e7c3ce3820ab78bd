// What the UI server offers here (the embedded simulation, or a real cluster's read-only view), for
// the screens that show or hide a control, and the sentence that says why one is missing.

import { useQuery } from '@tanstack/react-query';
import type { Capabilities } from '@model/api/dataplane-views.ts';
import { dataplaneQueries } from '@web/api/dataplane.ts';
import { infoQueries } from '@web/api/info.ts';

/** Why each control can be missing: said where the control would be. */
export const MISSING_CAPABILITY: Readonly<Record<keyof Capabilities, string>> = {
  simulate:
    'Only the embedded simulation can send packets: on a real cluster the trace is predicted from each compute’s tables and checked against its flow table.',
  scale:
    'This server cannot write to the Kubernetes API it reads, so Deployments cannot be scaled from here.',
  readiness: 'A real pod’s readiness is its kubelet’s to report: it cannot be changed from here.',
  pauseKubeManager: 'kube-manager runs in the real cluster: only the embedded one can be paused from here.',
};

export interface ServerCapabilities extends Capabilities {
  /**
   * The server serves the real-cluster views of model/api/dataplane-views.ts (the VIP's topology,
   * the consistency check, paged tables with names): its compute list says so by its shape.
   */
  hasViews: boolean;
}

/** null until /api/info and the compute list have answered. */
export function useCapabilities(): ServerCapabilities | null {
  const info = useQuery(infoQueries.detail());
  const computes = useQuery(dataplaneQueries.vrouters());
  if (!info.data || (computes.data === undefined && !computes.isError)) return null;
  const simulated = info.data.mode !== 'external';
  // A server that predates `capabilities` offers what its mode always did.
  const offered = info.data.capabilities ?? {
    simulate: simulated,
    scale: simulated,
    readiness: simulated,
    pauseKubeManager: simulated,
  };
  return { ...offered, hasViews: computes.data?.speaksViews ?? false };
}
