// The embedded kube-manager's pause switch: paused, it keeps watching Kubernetes but writes nothing
// to Contrail, like a stuck controller, so a pod made not ready stays a pool member and the
// consistency check flags the drift; resumed, it catches up and the drift clears. Where the server
// cannot pause it (a real cluster), says why instead.

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { clusterQueries, setKubeManagerPaused } from '@web/api/cluster.ts';
import { consistencyQueries } from '@web/api/consistency.ts';
import { dataplaneQueries } from '@web/api/dataplane.ts';
import { explorerQueries } from '@web/api/explorer.ts';
import { MISSING_CAPABILITY, useCapabilities } from './capabilities.ts';
import { useOfflineReason } from './connection.ts';
import { ErrorState } from './error-state.tsx';

export function KubeManagerSwitch() {
  const capabilities = useCapabilities();
  const canPause = capabilities?.pauseKubeManager === true;
  const queryClient = useQueryClient();
  const state = useQuery({ ...clusterQueries.kubeManager(), enabled: canPause });
  const offline = useOfflineReason();
  const descriptionId = useId();
  // What the user just asked, shown from the click on: the mutation's pending state reaches the
  // component only on the query client's next tick.
  const [asked, setAsked] = useState<boolean | null>(null);
  const change = useMutation({
    mutationFn: setKubeManagerPaused,
    onSettled: () => setAsked(null),
    onSuccess: (answer) => {
      queryClient.setQueryData(clusterQueries.kubeManager().queryKey, answer);
      // On resume kube-manager has caught up: members, routes and the check have all moved.
      for (const key of [consistencyQueries.all(), explorerQueries.all(), dataplaneQueries.all()])
        void queryClient.invalidateQueries({ queryKey: key });
    },
  });
  if (capabilities === null) return null;
  if (!canPause) return <p className="count">{MISSING_CAPABILITY.pauseKubeManager}</p>;
  // Optimistic: the switch shows what was asked while the server applies it (and moves back, with
  // the error, if it refuses).
  const paused = asked ?? (change.isPending ? change.variables : (state.data?.paused ?? false));
  return (
    <div className="km-switch">
      <label className="checkbox">
        <input
          type="checkbox"
          role="switch"
          checked={paused}
          disabled={state.data === undefined || change.isPending || offline !== null}
          aria-describedby={descriptionId}
          onChange={(e) => {
            setAsked(e.target.checked);
            change.mutate(e.target.checked);
          }}
        />
        <span>Pause kube-manager</span>
      </label>
      <p id={descriptionId} className="count">
        {offline ??
          (change.isPending
            ? change.variables
              ? 'Pausing…'
              : 'Resuming: kube-manager is catching up…'
            : paused
              ? 'Paused: it watches Kubernetes but writes nothing to Contrail, so changes now (a pod made not ready) become drift.'
              : 'Running: Kubernetes changes reach Contrail. Pause it to see drift appear.')}
      </p>
      {change.isError && <ErrorState error={change.error} />}
      {state.isError && <ErrorState error={state.error} onRetry={() => void state.refetch()} />}
    </div>
  );
}
