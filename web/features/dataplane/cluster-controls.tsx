// Cluster controls (embedded mode only): scale a Deployment and flip pod readiness, so the
// composite visibly gains a member, loses one and leaves a hole. Hidden when /api/cluster is 404.

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '@web/api/client.ts';
import { isPodReady, podKey } from '@model/kubernetes/pods.ts';
import { clusterQueries, scaleDeployment, setPodReadiness, type KubeDeployment } from '@web/api/cluster.ts';
import { dataplaneQueries } from '@web/api/dataplane.ts';
import { ErrorState } from '@web/components/error-state.tsx';
import { NumberField } from './number-field.tsx';

function useRefreshAfterChange() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: clusterQueries.all() });
    void queryClient.invalidateQueries({ queryKey: dataplaneQueries.all() });
  };
}

export function ClusterControls() {
  const deployments = useQuery(clusterQueries.deployments());
  const pods = useQuery(clusterQueries.pods());
  const refresh = useRefreshAfterChange();
  const readiness = useMutation({
    mutationFn: (v: { namespace: string; name: string; ready: boolean }) =>
      setPodReadiness(v.namespace, v.name, v.ready),
    onSuccess: refresh,
  });

  // A real Contrail has no embedded cluster to drive: the route is absent there.
  if (deployments.error instanceof ApiError && deployments.error.status === 404) return null;
  if (deployments.isPending) return null;

  return (
    <aside className="dp-cluster" aria-label="Cluster controls">
      <h2>Cluster controls</h2>
      {deployments.isError ? (
        <ErrorState error={deployments.error} onRetry={() => void deployments.refetch()} />
      ) : (
        deployments.data.map((d) => <ScaleForm key={d.metadata.uid} deployment={d} onDone={refresh} />)
      )}
      <h3>Pod readiness</h3>
      {readiness.isError && <ErrorState error={readiness.error} />}
      <ul className="plain-list dp-pods">
        {(pods.data ?? []).map((p) => {
          const key = podKey(p);
          return (
            <li key={p.metadata.uid}>
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={isPodReady(p)}
                  disabled={readiness.isPending || !p.status.podIP}
                  onChange={(e) =>
                    readiness.mutate({
                      namespace: p.metadata.namespace ?? 'default',
                      name: p.metadata.name,
                      ready: e.target.checked,
                    })
                  }
                  aria-label={`Ready: ${key}`}
                />
                <span>{p.metadata.name}</span>
              </label>
              <span className="count mono">
                {p.status.podIP ?? 'pending'} · {p.spec.nodeName ?? '—'}
              </span>
            </li>
          );
        })}
      </ul>
    </aside>
  );
}

function ScaleForm({ deployment, onDone }: { deployment: KubeDeployment; onDone: () => void }) {
  const namespace = deployment.metadata.namespace ?? 'default';
  const name = deployment.metadata.name;
  const [replicas, setReplicas] = useState<string | null>(null);
  const scale = useMutation({
    mutationFn: (n: number) => scaleDeployment(namespace, name, n),
    onSuccess: () => {
      setReplicas(null);
      onDone();
    },
  });
  const value = replicas ?? String(deployment.spec.replicas);
  return (
    <form
      className="dp-scale"
      aria-label={`Scale ${namespace}/${name}`}
      onSubmit={(e) => {
        e.preventDefault();
        scale.mutate(Number(value));
      }}
    >
      <NumberField
        label={`Replicas of ${namespace}/${name}`}
        min={0}
        max={50}
        value={value}
        onChange={setReplicas}
        required
      />
      <button type="submit" disabled={scale.isPending}>
        Apply
      </button>
      <span className="count">
        {deployment.status.readyReplicas}/{deployment.spec.replicas} ready
      </span>
      {scale.isError && <ErrorState error={scale.error} />}
    </form>
  );
}
