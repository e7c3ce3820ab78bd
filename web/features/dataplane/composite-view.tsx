// One next hop of a compute in detail: `nh --get <id>`, and for an ECMP composite its VIP, Service,
// hash fields and slots — as a graph (zoom, fit, minimap) and as a table (slot, label, next hop,
// member, pod, node, hole, flows) — with each slot's member named from the VIP's topology (a
// tunnel's pod is the remote compute's). A VIP with a single member has no composite, which is
// explained where the graph would be.

import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useEffect } from 'react';
import { Link } from 'react-router';
import { serviceOfLbDisplayName } from '@model/contrail/names.ts';
import type { MemberRow } from '@model/explorer.ts';
import type { NhSandeshData } from '@model/dataplane/types.ts';
import { ApiError } from '@web/api/client.ts';
import { dataplaneQueries } from '@web/api/dataplane.ts';
import { topologyUrl } from '@web/components/dataplane-link.ts';
import { ErrorState, LoadingState } from '@web/components/error-state.tsx';
import { objectUrl } from '@web/components/object-url.ts';
import { CliOutput } from './cli-view.tsx';
import { shareText, slotLinks, slotTarget } from './composite-graph-model.ts';
import { resolveComposite, slotsAgree, slotsOfRecord, type CompositeSlot } from './composite-slots.ts';
import { dataplaneUrl, useDataplaneUrlState } from './dataplane-url-state.ts';
import { isCompositeNh, nhKind } from './route-rows.ts';
import { TableHead } from './table-head.tsx';
import { useLbMembers } from './vip-members.ts';

// React Flow is a large chunk that only the graphs need.
const loadGraph = () => import('./composite-graph.tsx');
const CompositeGraph = lazy(loadGraph);

const SLOT_COLUMNS = ['Slot', 'Label', 'Next hop', 'Member', 'Pod', 'Node', 'Hole', 'Flows'];

export function CompositeDetail({ node, nhId }: { node: string; nhId: number }) {
  // The graph's code loads while the next hop is read, not after it arrives.
  useEffect(() => void loadGraph(), []);
  const nh = useQuery(dataplaneQueries.nexthop(node, nhId));
  const gone = nh.data === null || (nh.error instanceof ApiError && nh.error.status === 404);
  if (gone)
    return (
      <div role="status" className="state state-empty">
        No next hop {nhId} on {node} (it may have been removed).
      </div>
    );
  if (nh.data === undefined || nh.data === null)
    return nh.isError ? (
      <ErrorState error={nh.error} onRetry={() => void nh.refetch()} />
    ) : (
      <LoadingState what={`next hop ${nhId}`} />
    );
  return (
    <section aria-label={`Next hop ${nhId}`}>
      <h2>
        Next hop {nhId} <span className="count">{nhKind(nh.data)}</span>
      </h2>
      {isCompositeNh(nh.data) ? (
        <CompositeView node={node} nh={nh.data} />
      ) : (
        <SingleMemberNote node={node} nh={nh.data} />
      )}
      <CliOutput node={node} command="nh" params={{ id: nhId }} />
    </section>
  );
}

function CompositeView({ node, nh }: { node: string; nh: NhSandeshData }) {
  const { lb: lbParam, pod: pickedPod, vip: vipParam } = useDataplaneUrlState();
  const via = useQuery({ ...dataplaneQueries.routesVia(node, nh.vrf, nh.nh_index), enabled: nh.vrf !== '' });
  const routes = (via.data ?? []).filter((r) => r.record.src_plen === 32);
  const vips = routes.map((r) => r.record.src_ip);
  // Services with the same backends share one composite: the VIP the page was opened for names
  // it, else the first. A local-ECMP composite is no route's next hop: the VIP comes from the link.
  const vip = (vipParam !== null && vips.includes(vipParam) ? vipParam : vips[0]) ?? vipParam;
  const topology = useQuery({ ...dataplaneQueries.topology({ vip: vip ?? '' }), enabled: vip !== null });
  const fromTopology = topology.data ? resolveComposite(topology.data, node, nh.nh_index) : null;
  const resolved = fromTopology && slotsAgree(fromTopology.slots, nh) ? fromTopology : null;
  const slots = resolved?.slots ?? slotsOfRecord(nh);
  const names = routes.find((r) => r.record.src_ip === vip)?.names ?? {};
  const lbUuid = lbParam ?? names.lb ?? topology.data?.lb?.uuid ?? null;
  const lbService = topology.data?.lb ? serviceOfLbDisplayName(topology.data.lb.displayName) : null;
  const service = names.service ?? (lbService ? `${lbService.namespace}/${lbService.name}` : null);
  const members = useLbMembers(lbUuid);
  const holeCount = slots.filter((s) => s.kind === 'hole').length;
  const hashFields = resolved?.hashFields ?? nh.hash_fields ?? [];
  const shownVips = vips.length > 0 ? vips.map((v) => `${v}/32`) : vip ? [`${vip}/32`] : [];

  return (
    <>
      <p className="dp-facts">
        <span>
          <span className="fact-label">VIP</span> {shownVips.length ? shownVips.join(', ') : '—'}
        </span>
        {service && (
          <span>
            <span className="fact-label">Service</span>{' '}
            {lbUuid ? <Link to={objectUrl('loadbalancer', lbUuid)}>{service}</Link> : service}
          </span>
        )}
        <span>
          <span className="fact-label">VRF</span> {nh.vrf}
        </span>
        <span>
          <span className="fact-label">Slots</span>{' '}
          {`${slots.length} (${holeCount} ${holeCount === 1 ? 'hole' : 'holes'})`}
        </span>
        {resolved?.isLocal && (
          <span>
            <span className="fact-label">Local ECMP</span> reached by label {resolved.label}
          </span>
        )}
        <span>
          <span className="fact-label">Hash fields</span>{' '}
          {hashFields.length ? hashFields.join(', ') : 'the 5-tuple'}
        </span>
        {vip && (
          <span>
            <Link to={topologyUrl({ vip, ...(lbUuid ? { lb: lbUuid } : {}) })}>
              ECMP topology of {vip} on every compute
            </Link>
          </span>
        )}
      </p>
      {topology.isError && (
        <p className="form-reason">The members could not be named: {(topology.error as Error).message}</p>
      )}
      <Suspense fallback={<LoadingState what="the graph" />}>
        <CompositeGraph
          node={node}
          nhId={nh.nh_index}
          vips={shownVips}
          service={service}
          slots={slots}
          members={members}
          pickedPod={pickedPod}
        />
      </Suspense>
      <SlotTable node={node} nhId={nh.nh_index} slots={slots} members={members} pickedPod={pickedPod} />
    </>
  );
}

/** The graph's content as a table: what a screen reader, a keyboard or a search reads. */
export function SlotTable({
  node,
  nhId,
  slots,
  members,
  pickedPod,
}: {
  node: string;
  nhId: number;
  slots: readonly CompositeSlot[];
  members: readonly MemberRow[];
  pickedPod: string | null;
}) {
  return (
    <table className="dp-table dp-slots" aria-label={`Slots of composite next hop ${nhId}`}>
      <TableHead columns={SLOT_COLUMNS} />
      <tbody>
        {slots.map((s) => {
          const links = slotLinks(s, members);
          return (
            <tr key={s.slot} className={pickedPod !== null && s.pod === pickedPod ? 'is-picked' : undefined}>
              <td className="mono">{s.slot}</td>
              <td className="mono">{s.label ?? '-1'}</td>
              <td className="mono">
                {s.nexthopId === null ? (
                  '—'
                ) : (
                  <Link to={dataplaneUrl(node, 'nexthops', { nh: String(s.nexthopId) })}>
                    {s.kind === 'interface' ? 'Encap' : 'Tunnel'} {s.nexthopId}
                  </Link>
                )}
              </td>
              <td className="mono">
                {links.members.length === 0
                  ? '—'
                  : links.members.map((m, i) => (
                      <span key={m.to}>
                        {i > 0 && ', '}
                        <Link to={m.to} aria-label={m.label}>
                          {m.text}
                        </Link>
                      </span>
                    ))}
              </td>
              <td>
                {links.pod ? (
                  <Link to={links.pod.to}>{links.pod.text}</Link>
                ) : s.kind === 'hole' ? (
                  '—'
                ) : s.localEcmp ? (
                  <span title={s.localPods.join(', ')}>{slotTarget(s)}</span>
                ) : (
                  (s.pod ?? '—')
                )}
              </td>
              <td>{s.node ?? s.remote?.ip ?? '—'}</td>
              <td>{s.kind === 'hole' ? 'hole (-1)' : ''}</td>
              <td className="mono">{s.kind === 'hole' ? '' : shareText(s) || '—'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/**
 * A VIP with a single member has no composite: the agent routes it straight to that member's
 * next hop and builds a composite only when a second member appears (and drops it again when one
 * is left). Said here, where the graph would be, for the VIPs this next hop carries.
 */
function SingleMemberNote({ node, nh }: { node: string; nh: NhSandeshData }) {
  const { vip, vrf } = useDataplaneUrlState();
  const routeVrf = nh.vrf || vrf || '';
  const via = useQuery({
    ...dataplaneQueries.routesVia(node, routeVrf, nh.nh_index),
    enabled: routeVrf !== '',
  });
  const vips = (via.data ?? [])
    .filter((r) => r.record.src_plen === 32 && (r.record.src_ip === vip || r.names.service !== undefined))
    .map((r) => r.record.src_ip);
  if (vips.length === 0) return null;
  const target = nh.type === 'interface' ? nh.itf : nh.type === 'tunnel' ? `compute ${nh.dip}` : nhKind(nh);
  return (
    <div className="dp-note" role="note" aria-label="Single member">
      <p>
        <strong>
          {vips.map((ip) => `${ip}/32`).join(', ')} {vips.length === 1 ? 'has' : 'have'} a single member
        </strong>
        , so there is no ECMP composite to draw: the vRouter agent routes the VIP straight to that
        member&apos;s {nhKind(nh)} next hop {nh.nh_index} ({target}).
      </p>
      <p>
        It builds a composite when a second member appears (scale the Deployment up to see it) and removes it
        again when one is left.
      </p>
    </div>
  );
}
