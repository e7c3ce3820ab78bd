// The cluster-wide drift list (/drift): every load balancer the consistency check finds
// inconsistent, with the first broken link named, the layers that could not be checked (a compute
// down), and the kube-manager switch that produces drift on purpose in the simulation.

import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { consistencyQueries } from '@web/api/consistency.ts';
import { ErrorState, LoadingState } from '@web/components/error-state.tsx';
import { KubeManagerSwitch } from '@web/components/kube-manager-switch.tsx';
import { objectUrl } from '@web/components/object-url.ts';
import { firstProblemText, hasNoCheck, LAYER_TEXT } from './drift.tsx';

export function DriftPage() {
  const report = useQuery(consistencyQueries.report());
  const drifted = report.data?.loadbalancers.filter((lb) => !lb.consistent) ?? [];

  return (
    <div className="page page-drift">
      <div className="page-head">
        <h1>Drift</h1>
        {report.data && (
          <div className="toolbar">
            <button type="button" onClick={() => void report.refetch()} disabled={report.isFetching}>
              Check again
            </button>
            <span role="status" className="count">
              {drifted.length === 0
                ? `No drift: all ${report.data.loadbalancers.length} load balancers are consistent`
                : `${drifted.length} of ${report.data.loadbalancers.length} load balancers drift`}{' '}
              (as of {new Date(report.data.asOf).toLocaleTimeString()})
            </span>
          </div>
        )}
      </div>
      <p className="page-intro">
        Each load balancer is checked link by link: the Service&apos;s Endpoints, its pool members, the VIP
        floating IP&apos;s VMI refs, and on every compute the VIP&apos;s route and ECMP next hops. The first
        link that does not follow from the one before is named.
      </p>
      <section className="km-section" aria-label="kube-manager">
        <h2>kube-manager</h2>
        <KubeManagerSwitch />
      </section>
      {hasNoCheck(report.error) ? (
        <div role="status" className="state state-empty">
          This server does not run the consistency check (<code>GET /api/consistency</code>).
        </div>
      ) : report.data === undefined ? (
        report.isError ? (
          <ErrorState error={report.error} onRetry={() => void report.refetch()} />
        ) : (
          <LoadingState what="the consistency check of every load balancer" />
        )
      ) : (
        <>
          {report.data.unchecked.length > 0 && (
            <div className="dp-note" role="note" aria-label="Not checked">
              <p>Checked without these (they could not be read):</p>
              <ul className="plain-list">
                {report.data.unchecked.map((u, i) => (
                  <li key={i}>
                    {LAYER_TEXT[u.layer]}
                    {u.node ? ` on ${u.node}` : ''}: {u.reason}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {drifted.length > 0 && (
            <table className="dp-table drift-table" aria-label="Load balancers with drift">
              <thead>
                <tr>
                  <th scope="col">Load balancer</th>
                  <th scope="col">First broken link</th>
                  <th scope="col">Problems</th>
                </tr>
              </thead>
              <tbody>
                {drifted.map((lb) => (
                  <tr key={lb.uuid}>
                    <td>
                      <Link to={objectUrl('loadbalancer', lb.uuid)}>{lb.displayName}</Link>
                    </td>
                    <td className="drift-first">{firstProblemText(lb)}</td>
                    <td className="mono">{lb.problems.length}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </div>
  );
}
