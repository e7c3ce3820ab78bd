// What the UI server offers here (the embedded simulation, or a real cluster's read-only view), for
// the screens that show or hide a control, and the sentence that says why one is missing.

import { useQuery } from '@tanstack/react-query';
import type { Capabilities } from '@model/api/dataplane-views.ts';
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

/** null until /api/info has answered. */
export function useCapabilities(): Capabilities | null {
  const info = useQuery(infoQueries.detail());
  if (!info.data) return null;
  const simulated = info.data.mode !== 'external';
  // The mock may leave `capabilities` out: then it offers what its mode does.
  return (
    info.data.capabilities ?? {
      simulate: simulated,
      scale: simulated,
      readiness: simulated,
      pauseKubeManager: simulated,
    }
  );
}
