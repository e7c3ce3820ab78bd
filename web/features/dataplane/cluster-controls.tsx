// Cluster controls: for the Service the page is about — its Deployments and pods only, asked of the
// server by that Service (`?service=`) — scale a Deployment and flip a pod's readiness, so the
// composite visibly gains a member, loses one and leaves a hole; a search finds any other Service;
// kube-manager can be paused to produce drift. Each control shows only where the server offers it
// (its capabilities), else says why. A readiness box moves at once and moves back, with the reason,
// if the server refuses. Nothing is sent while disconnected. Hidden when /api/cluster is 404.

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useMemo, useState } from 'react';
import { ApiError } from '@web/api/client.ts';
import { isPodReady, podKey } from '@model/kubernetes/pods.ts';
import {
  clusterQueries,
  scaleDeployment,
  setPodReadiness,
  type KubeDeployment,
  type KubePod,
  type KubeService,
} from '@web/api/cluster.ts';
import { dataplaneQueries } from '@web/api/dataplane.ts';
import { MISSING_CAPABILITY, useCapabilities } from '@web/components/capabilities.ts';
import { useOfflineReason } from '@web/components/connection.ts';
import { describeError, ErrorState } from '@web/components/error-state.tsx';
import { KubeManagerSwitch } from '@web/components/kube-manager-switch.tsx';
import { consistencyQueries } from '@web/api/consistency.ts';
import { useDataplaneUrlState } from './dataplane-url-state.ts';
import { NumberField } from './number-field.tsx';
import { serviceForVip, serviceKey } from './vip-members.ts';

/** Services listed for a search; narrow the search to see others. */
const SEARCH_RESULTS_MAX = 10;

function matchesLabels(
  labels: Readonly<Record<string, string>> | undefined,
  selector: Record<string, string>,
) {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/**
 * A Service's backends as Kubernetes picks them: the pods its selector matches, and the
 * Deployments whose pod template those labels match (so a Deployment scaled to 0 still shows).
 */
export function serviceBackends(
  service: KubeService,
  deployments: readonly KubeDeployment[],
  pods: readonly KubePod[],
): { deployments: KubeDeployment[]; pods: KubePod[] } {
  const selector = service.spec.selector;
  if (!selector || Object.keys(selector).length === 0) return { deployments: [], pods: [] };
  const ns = service.metadata.namespace ?? 'default';
  const inNs = (meta: { namespace?: string | undefined }) => (meta.namespace ?? 'default') === ns;
  return {
    deployments: deployments.filter(
      (d) => inNs(d.metadata) && matchesLabels(d.spec.template?.metadata.labels, selector),
    ),
    pods: pods.filter((p) => inNs(p.metadata) && matchesLabels(p.metadata.labels, selector)),
  };
}

/** Services whose `<namespace>/<name>` or ClusterIP contains every word of `text`. */
export function searchServices(services: readonly KubeService[], text: string): KubeService[] {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  return services.filter((s) => {
    const key = `${serviceKey(s)} ${s.spec.clusterIP ?? ''}`.toLowerCase();
    return words.every((w) => key.includes(w));
  });
}

function sortedServices(services: readonly KubeService[]): KubeService[] {
  return [...services].sort((a, b) => serviceKey(a).localeCompare(serviceKey(b)));
}

function withReadiness(pod: KubePod, ready: boolean): KubePod {
  return {
    ...pod,
    status: {
      ...pod.status,
      conditions: pod.status.conditions.map((c) =>
        c.type === 'Ready' ? { ...c, status: ready ? 'True' : 'False' } : c,
      ),
    },
  };
}

export function ClusterControls() {
  const { svc, vip, params, setParams } = useDataplaneUrlState();
  const services = useQuery(clusterQueries.services());
  const capabilities = useCapabilities();
  const offline = useOfflineReason();
  const reasonId = useId();
  const [search, setSearch] = useState('');
  const all = useMemo(() => sortedServices(services.data ?? []), [services.data]);

  // The Service the page is about: named, or the one of the VIP shown or traced; else the first
  // one with backends to drive.
  const about = vip ?? params.get('to');
  const service = svc
    ? all.find((s) => serviceKey(s) === svc)
    : ((about ? serviceForVip(all, about) : undefined) ?? all.find((s) => s.spec.selector));
  const scope = service ? serviceKey(service) : undefined;
  const deployments = useQuery({ ...clusterQueries.deployments(scope), enabled: scope !== undefined });
  const pods = useQuery({ ...clusterQueries.pods(scope), enabled: scope !== undefined });

  // A server without a Kubernetes cluster to drive has no /api/cluster.
  if (services.error instanceof ApiError && services.error.status === 404) return null;
  if (services.data === undefined) {
    if (services.isError)
      return (
        <aside className="dp-cluster" aria-label="Cluster controls">
          <h2>Cluster controls</h2>
          <ErrorState error={services.error} onRetry={() => void services.refetch()} />
        </aside>
      );
    return null;
  }

  const found = searchServices(all, search);
  // The server scopes the lists; the selector is applied here too, for a server that does not.
  const backends = service
    ? serviceBackends(service, deployments.data ?? [], pods.data ?? [])
    : { deployments: [], pods: [] };

  return (
    <aside className="dp-cluster" aria-label="Cluster controls">
      <h2>Cluster controls</h2>
      <p className="dp-cluster-service">
        {service ? (
          <>
            <span className="fact-label">Service</span> <strong>{serviceKey(service)}</strong>{' '}
            <span className="mono count">{service.spec.clusterIP}</span>
          </>
        ) : svc ? (
          `No Service ${svc} in the cluster.`
        ) : (
          'No Service has pods to drive.'
        )}
      </p>
      <label className="field">
        Find another Service
        <input
          type="search"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          placeholder="name, namespace or ClusterIP"
        />
      </label>
      {search.trim() !== '' && (
        <div className="dp-cluster-results">
          <p role="status" className="count">
            {found.length === 0
              ? 'No Service matches.'
              : found.length > SEARCH_RESULTS_MAX
                ? `${found.length} match; the first ${SEARCH_RESULTS_MAX}:`
                : `${found.length} match:`}
          </p>
          <ul className="plain-list">
            {found.slice(0, SEARCH_RESULTS_MAX).map((s) => (
              <li key={s.metadata.uid}>
                <button
                  type="button"
                  className="link-button"
                  onClick={() => {
                    setParams({ svc: serviceKey(s) });
                    setSearch('');
                  }}
                >
                  {serviceKey(s)}
                </button>{' '}
                <span className="mono count">{s.spec.clusterIP}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {offline && (
        <p id={reasonId} className="form-reason">
          {offline}
        </p>
      )}
      {service && (
        <>
          <h3>Deployments</h3>
          {deployments.isPending ? (
            <p className="count">Loading the Deployments…</p>
          ) : backends.deployments.length === 0 ? (
            <p className="count">No Deployment makes this Service&apos;s pods.</p>
          ) : !capabilities?.scale ? (
            <>
              <ul className="plain-list">
                {backends.deployments.map((d) => (
                  <li key={d.metadata.uid}>
                    {d.metadata.namespace}/{d.metadata.name}{' '}
                    <span className="count">
                      {d.status.readyReplicas}/{d.spec.replicas} ready
                    </span>
                  </li>
                ))}
              </ul>
              <p className="count">{MISSING_CAPABILITY.scale}</p>
            </>
          ) : (
            backends.deployments.map((d) => (
              <ScaleForm key={d.metadata.uid} deployment={d} offlineReasonId={offline ? reasonId : null} />
            ))
          )}
          <h3>Pod readiness</h3>
          {pods.isPending ? (
            <p className="count">Loading the pods…</p>
          ) : (
            <PodReadiness
              pods={backends.pods}
              scope={scope}
              canChange={capabilities?.readiness ?? false}
              offlineReasonId={offline ? reasonId : null}
            />
          )}
        </>
      )}
      <h3>kube-manager</h3>
      <KubeManagerSwitch />
    </aside>
  );
}

function useRefreshAfterChange() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: clusterQueries.all() });
    void queryClient.invalidateQueries({ queryKey: dataplaneQueries.all() });
    // A change made while kube-manager is paused is drift: the check says so now, not on its timer.
    void queryClient.invalidateQueries({ queryKey: consistencyQueries.all() });
  };
}

/**
 * Readiness checkboxes that move at once (optimistic) and move back with a message on error; read
 * only, with the reason, where the server cannot change readiness.
 */
function PodReadiness({
  pods,
  scope,
  canChange,
  offlineReasonId,
}: {
  pods: KubePod[];
  scope: string | undefined;
  canChange: boolean;
  offlineReasonId: string | null;
}) {
  const queryClient = useQueryClient();
  const refresh = useRefreshAfterChange();
  const [failure, setFailure] = useState<string | null>(null);
  // What the user just asked, shown from the click on: the cached list is updated too, but its
  // observers hear of it only on the query client's next tick.
  const [asked, setAsked] = useState<ReadonlyMap<string, boolean>>(new Map());
  const podsKey = clusterQueries.pods(scope).queryKey;
  const setReady = (key: string, ready: boolean) =>
    queryClient.setQueryData<KubePod[]>(podsKey, (list) =>
      list?.map((p) => (podKey(p) === key ? withReadiness(p, ready) : p)),
    );
  const readiness = useMutation({
    mutationFn: (v: { pod: KubePod; ready: boolean }) =>
      setPodReadiness(v.pod.metadata.namespace ?? 'default', v.pod.metadata.name, v.ready),
    onMutate: async ({ pod, ready }) => {
      setFailure(null);
      // A refetch landing now would put the old state back under the user's click.
      await queryClient.cancelQueries({ queryKey: podsKey });
      setReady(podKey(pod), ready);
    },
    onError: (error, { pod, ready }) => {
      setReady(podKey(pod), !ready);
      const { title, detail } = describeError(error);
      setFailure(
        `Could not mark ${podKey(pod)} ${ready ? 'ready' : 'not ready'}: ${title}${detail ? ` — ${detail}` : ''}. It is back as it was.`,
      );
    },
    onSettled: (_answer, _error, { pod }) => {
      setAsked((m) => {
        const next = new Map(m);
        next.delete(podKey(pod));
        return next;
      });
      refresh();
    },
  });
  const ask = (pod: KubePod, ready: boolean) => {
    setAsked((m) => new Map(m).set(podKey(pod), ready));
    readiness.mutate({ pod, ready });
  };

  if (pods.length === 0) return <p className="count">No pod matches the Service&apos;s selector.</p>;
  if (!canChange)
    return (
      <>
        <ul className="plain-list dp-pods">
          {pods.map((p) => (
            <li key={p.metadata.uid}>
              <span>
                {p.metadata.name}: {isPodReady(p) ? 'ready' : 'not ready'}
              </span>
              <span className="count mono">
                {p.status.podIP ?? 'pending'} · {p.spec.nodeName ?? '—'}
              </span>
            </li>
          ))}
        </ul>
        <p className="count">{MISSING_CAPABILITY.readiness}</p>
      </>
    );
  return (
    <>
      <p role="status" className={failure ? 'form-failure' : 'offscreen'}>
        {failure}
      </p>
      <ul className="plain-list dp-pods">
        {pods.map((p) => {
          const key = podKey(p);
          return (
            <li key={p.metadata.uid}>
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={asked.get(key) ?? isPodReady(p)}
                  disabled={!p.status.podIP || offlineReasonId !== null}
                  aria-describedby={offlineReasonId ?? undefined}
                  onChange={(e) => ask(p, e.target.checked)}
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
    </>
  );
}

function ScaleForm({
  deployment,
  offlineReasonId,
}: {
  deployment: KubeDeployment;
  offlineReasonId: string | null;
}) {
  const namespace = deployment.metadata.namespace ?? 'default';
  const name = deployment.metadata.name;
  const refresh = useRefreshAfterChange();
  const [replicas, setReplicas] = useState<string | null>(null);
  const scale = useMutation({
    mutationFn: (n: number) => scaleDeployment(namespace, name, n),
    onSuccess: () => {
      setReplicas(null);
      refresh();
    },
  });
  const value = replicas ?? String(deployment.spec.replicas);
  return (
    <form
      className="dp-scale"
      aria-label={`Scale ${namespace}/${name}`}
      onSubmit={(e) => {
        e.preventDefault();
        if (offlineReasonId === null) scale.mutate(Number(value));
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
      <button
        type="submit"
        disabled={scale.isPending || offlineReasonId !== null}
        aria-describedby={offlineReasonId ?? undefined}
      >
        Apply
      </button>
      <span className="count">
        {deployment.status.readyReplicas}/{deployment.spec.replicas} ready
      </span>
      {scale.isError && <ErrorState error={scale.error} />}
    </form>
  );
}
