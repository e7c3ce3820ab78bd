// Drift on the load balancer screens (the consistency check, /api/consistency): a flag on a row
// naming the first broken link, and a load balancer page's section with every problem found along
// Endpoints → pool members → the VIP floating IP's VMI refs → each compute's route and next hops.
// Only where the server runs the check.

import { useQuery } from '@tanstack/react-query';
import type { ConsistencyLayer, ConsistencyProblem, LbConsistency } from '@model/api/dataplane-views.ts';
import { consistencyQueries } from '@web/api/consistency.ts';
import { ApiError } from '@web/api/client.ts';
import { ErrorState } from '@web/components/error-state.tsx';

export const LAYER_TEXT: Readonly<Record<ConsistencyLayer, string>> = {
  endpoints: 'Endpoints',
  members: 'pool members',
  'floating-ip': 'VIP floating IP',
  route: 'route',
  nexthop: 'next hop',
};

/** `pool members: pod web-2 is …` / `route on k8s-node2: …`. */
export function problemText(problem: ConsistencyProblem): string {
  return `${LAYER_TEXT[problem.layer]}${problem.node ? ` on ${problem.node}` : ''}: ${problem.message}`;
}

/** A server without the check (no dataplane behind it) answers 404: then there is nothing to flag. */
export const hasNoCheck = (error: unknown) => error instanceof ApiError && error.status === 404;

/** Each load balancer's check from the report, by uuid; null until it answers or without a check. */
export function useDriftByLb(): ReadonlyMap<string, LbConsistency> | null {
  const report = useQuery(consistencyQueries.report());
  if (!report.data) return null;
  return new Map(report.data.loadbalancers.map((lb) => [lb.uuid, lb]));
}

/** `Drift` when a link is broken; `Not checked` when nothing is broken but a layer could not be read. */
export function flagWord(check: LbConsistency): string {
  return check.problems.length > 0 || check.unchecked.length === 0 ? 'Drift' : 'Not checked';
}

/** The first broken link in words, else the first layer that could not be read and why. */
export function firstProblemText(check: LbConsistency): string {
  const first = check.problems[0];
  if (first) return problemText(first);
  const unread = check.unchecked[0];
  return unread
    ? `${LAYER_TEXT[unread.layer]}${unread.node ? ` on ${unread.node}` : ''}: ${unread.reason}`
    : 'inconsistent';
}

/**
 * The row's flag: nothing while consistent, else the first broken link in words (ellipsized in
 * the narrow column; the whole sentence is its title and its accessible text).
 */
export function DriftFlag({ check }: { check: LbConsistency | undefined }) {
  if (!check || check.consistent) return null;
  const text = firstProblemText(check);
  return (
    <span className="drift-flag" title={text}>
      <span aria-hidden="true">⚠ </span>
      {flagWord(check)}: {text}
    </span>
  );
}

/** A load balancer page's check, asked of the server on its own (and more often than the report). */
export function ConsistencySection({ uuid }: { uuid: string }) {
  const check = useQuery(consistencyQueries.loadBalancer(uuid));
  if (hasNoCheck(check.error)) return null;
  return (
    <section className="consistency" aria-label="Consistency">
      <h2>Consistency</h2>
      {check.data === undefined ? (
        check.isError ? (
          <ErrorState error={check.error} onRetry={() => void check.refetch()} />
        ) : (
          <p className="count">Checking Endpoints, pool members, the VIP floating IP and every compute…</p>
        )
      ) : check.data.consistent ? (
        <p role="status" className="dp-ok">
          Consistent: the Service&apos;s Endpoints, the pool members, the VIP floating IP&apos;s VMI refs and
          every compute&apos;s route and next hops agree.
        </p>
      ) : (
        <div role="status">
          <p className="drift-flag drift-flag-block">
            <span aria-hidden="true">⚠ </span>
            {flagWord(check.data)}: {firstProblemText(check.data)}
          </p>
          {check.data.problems.length > 1 && (
            <ul className="plain-list drift-problems" aria-label="Every problem found">
              {check.data.problems.map((p, i) => (
                <li key={i}>{problemText(p)}</li>
              ))}
            </ul>
          )}
          {check.data.problems.length > 0 && check.data.unchecked.length > 0 && (
            <ul className="plain-list drift-problems" aria-label="Not checked">
              {check.data.unchecked.map((u, i) => (
                <li key={i}>
                  Not checked: {LAYER_TEXT[u.layer]}
                  {u.node ? ` on ${u.node}` : ''}: {u.reason}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
