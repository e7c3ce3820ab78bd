// The Dataplane screen: pick a compute's vRouter (one that does not answer is listed as such, with
// why), then its routes, next hops (ECMP composites as a graph), interfaces, flows or CLI, or trace
// a packet; cluster controls beside it change the cluster live.

import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { dataplaneQueries } from '@web/api/dataplane.ts';
import { ErrorState, LoadingState } from '@web/components/error-state.tsx';
import { ClusterControls } from './cluster-controls.tsx';
import { CliTab } from './cli-view.tsx';
import {
  PER_NODE_PARAMS,
  PER_TAB_PARAMS,
  TABS,
  useDataplaneUrlState,
  type DataplaneTab,
} from './dataplane-url-state.ts';
import { FlowsTab } from './flows-tab.tsx';
import { InterfacesTab } from './interfaces-tab.tsx';
import { NexthopsTab } from './nexthops-tab.tsx';
import { RoutesTab } from './routes-tab.tsx';
import { TraceTab } from './trace-tab.tsx';

const TAB_NAMES: Readonly<Record<DataplaneTab, string>> = {
  routes: 'Routes',
  nexthops: 'Next hops',
  interfaces: 'Interfaces',
  flows: 'Flows',
  cli: 'CLI',
  trace: 'Trace',
};

export function DataplanePage() {
  const { node, tab, setParams } = useDataplaneUrlState();
  const vrouters = useQuery(dataplaneQueries.vrouters());
  const navigate = useNavigate();
  const location = useLocation();
  const list = vrouters.data?.vrouters ?? [];
  const first = list[0]?.name;
  const current = list.find((r) => r.name === node);

  useEffect(() => {
    if (node === undefined && first !== undefined)
      void navigate(`/dataplane/${encodeURIComponent(first)}${location.search}`, { replace: true });
  }, [node, first, navigate, location.search]);

  const pickNode = (name: string) => {
    // Next-hop ids are per compute; the tab, VRF name, view, VIP and trace form carry over.
    const params = new URLSearchParams(location.search);
    for (const key of PER_NODE_PARAMS) params.delete(key);
    const query = params.toString();
    void navigate(`/dataplane/${encodeURIComponent(name)}${query ? `?${query}` : ''}`);
  };

  return (
    <div className="page page-dataplane">
      <div className="page-head">
        <h1>Dataplane</h1>
        {vrouters.isSuccess && list.length > 0 && (
          <div className="toolbar">
            <label className="field field-inline">
              vRouter
              <select value={current ? node : ''} onChange={(e) => pickNode(e.target.value)}>
                {!current && <option value="">Choose a compute…</option>}
                {list.map((r) => (
                  <option key={r.name} value={r.name}>
                    {r.name} ({r.ip}){r.reachable ? '' : ' — unreachable'}
                  </option>
                ))}
              </select>
            </label>
            {current?.summary && (
              <span className="count">
                {current.summary.vrfs} VRFs · {current.summary.interfaces} vifs · {current.summary.nexthops}{' '}
                next hops
              </span>
            )}
          </div>
        )}
      </div>
      {vrouters.isPending ? (
        <LoadingState what="vRouters" />
      ) : vrouters.data === undefined ? (
        <ErrorState error={vrouters.error} onRetry={() => void vrouters.refetch()} />
      ) : list.length === 0 ? (
        <div role="status" className="state state-empty">
          No vRouters yet: a compute appears once its <code>virtual-router</code> object exists.
        </div>
      ) : node !== undefined && !current ? (
        <div role="alert" className="state state-error">
          <strong>No vRouter on node {node}</strong>
          <p>Computes: {list.map((r) => r.name).join(', ')}</p>
        </div>
      ) : current && !current.reachable ? (
        <div className="dp-layout">
          <div role="alert" className="state state-error">
            <strong>
              {current.name} ({current.ip}) does not answer
            </strong>
            <p>
              Its agent introspect{current.introspect ? ` at ${current.introspect}` : ''} could not be read:{' '}
              {current.error ?? 'no answer'}
              {current.asOf ? `. Last read ${new Date(current.asOf).toLocaleTimeString()}` : ''}. The other
              computes keep working.
            </p>
          </div>
          <ClusterControls />
        </div>
      ) : current ? (
        <div className="dp-layout">
          <section className="dp-main" aria-label={`vRouter ${current.name}`}>
            <div role="tablist" aria-label="vRouter views" className="dp-tabs">
              {TABS.map((t) => (
                <button
                  key={t}
                  type="button"
                  role="tab"
                  id={`dp-tab-${t}`}
                  aria-selected={t === tab}
                  aria-controls="dp-panel"
                  onClick={() =>
                    setParams({
                      tab: t === 'routes' ? null : t,
                      // A table's filter and order mean nothing to another tab's table.
                      ...(t === tab ? {} : Object.fromEntries(PER_TAB_PARAMS.map((p) => [p, null]))),
                    })
                  }
                >
                  {TAB_NAMES[t]}
                </button>
              ))}
            </div>
            <div role="tabpanel" id="dp-panel" aria-labelledby={`dp-tab-${tab}`} className="dp-panel">
              {tab === 'routes' && <RoutesTab key={current.name} node={current.name} />}
              {tab === 'nexthops' && <NexthopsTab key={current.name} node={current.name} />}
              {tab === 'interfaces' && <InterfacesTab key={current.name} node={current.name} />}
              {tab === 'flows' && <FlowsTab key={current.name} node={current.name} />}
              {tab === 'cli' && <CliTab key={current.name} node={current.name} />}
              {tab === 'trace' && <TraceTab />}
            </div>
          </section>
          <ClusterControls />
        </div>
      ) : null}
    </div>
  );
}
