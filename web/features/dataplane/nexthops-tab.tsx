// The Next hops tab: every next hop of the compute; selecting one shows `nh --get <id>`, and for
// an ECMP composite the graph VIP → composite → slots → vif/pod or tunnel/compute, holes included.

import { useQueries, useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useMemo } from 'react';
import type { ItfSandeshData, NhSandeshData } from '@model/dataplane/types.ts';
import { clusterQueries } from '@web/api/cluster.ts';
import { dataplaneQueries } from '@web/api/dataplane.ts';
import { ErrorState, LoadingState } from '@web/components/error-state.tsx';
import { CliOutput } from './cli-view.tsx';
import { destinationsVia, resolveSlots } from './composite-slots.ts';
import { useDataplaneUrlState } from './dataplane-url-state.ts';
import { isCompositeNh, nhKind } from './route-rows.ts';
import { TableHead } from './table-head.tsx';

// React Flow and dagre are a large chunk that only this view needs.
const CompositeGraph = lazy(() => import('./composite-graph.tsx'));

const NH_COLUMNS = ['Id', 'Type', 'VRF', 'Details'];

function lastName(fqName: string): string {
  return fqName.split(':').pop() ?? fqName;
}

function nhSummary(nh: NhSandeshData): string {
  if (isCompositeNh(nh)) {
    const holes = nh.mc_list.filter((c) => c.type === 'NULL').length;
    return `${nh.mc_list.length} slots${holes ? `, ${holes} hole${holes > 1 ? 's' : ''}` : ''}`;
  }
  if (nh.type === 'tunnel') return `${nh.tunnel_type} ${nh.sip} → ${nh.dip}`;
  if (nh.type === 'interface') return `${nh.itf} ${nh.mac}`;
  return '';
}

export function NexthopsTab({ node }: { node: string }) {
  const { nh: selected, setParam } = useDataplaneUrlState();
  const nexthops = useQuery(dataplaneQueries.nexthops(node));
  const list = useMemo(
    () => [...(nexthops.data?.nh_list ?? [])].sort((a, b) => a.nh_index - b.nh_index),
    [nexthops.data],
  );
  const chosen = list.find((n) => n.nh_index === selected);

  if (nexthops.isPending) return <LoadingState what="next hops" />;
  if (nexthops.isError) return <ErrorState error={nexthops.error} onRetry={() => void nexthops.refetch()} />;

  return (
    <div className="dp-split">
      <table className="dp-table dp-nh-list" aria-label={`Next hops on ${node}`}>
        <TableHead columns={NH_COLUMNS} />
        <tbody>
          {list.map((n) => (
            <tr key={n.nh_index} className={n.nh_index === selected ? 'is-selected' : undefined}>
              <td>
                <button
                  type="button"
                  className="link-button mono"
                  aria-pressed={n.nh_index === selected}
                  aria-label={`Next hop ${n.nh_index}`}
                  onClick={() => setParam('nh', n.nh_index === selected ? null : String(n.nh_index))}
                >
                  {n.nh_index}
                </button>
              </td>
              <td>{nhKind(n)}</td>
              <td title={n.vrf}>{n.vrf ? lastName(n.vrf) : '-'}</td>
              <td className="mono">{nhSummary(n)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="dp-detail">
        {selected === null ? (
          <div role="status" className="state state-empty">
            Select a next hop. An ECMP composite shows its slots: the VIP&apos;s members, holes included.
          </div>
        ) : !chosen ? (
          <div role="status" className="state state-empty">
            No next hop {selected} on {node} (it may have been removed).
          </div>
        ) : (
          <NexthopDetail node={node} nh={chosen} nexthops={list} />
        )}
      </div>
    </div>
  );
}

/** One next hop of a compute, with the compute's whole list to resolve a composite's slots. */
interface NexthopViewProps {
  node: string;
  nh: NhSandeshData;
  nexthops: NhSandeshData[];
}

function NexthopDetail({ node, nh, nexthops }: NexthopViewProps) {
  const cli = useQuery(dataplaneQueries.cliNh(node, nh.nh_index));
  return (
    <section aria-label={`Next hop ${nh.nh_index}`}>
      <h2>
        Next hop {nh.nh_index} <span className="count">{nhKind(nh)}</span>
      </h2>
      {isCompositeNh(nh) && <CompositeView node={node} nh={nh} nexthops={nexthops} />}
      <CliOutput command={`nh --get ${nh.nh_index}`} query={cli} />
    </section>
  );
}

function CompositeView({ node, nh, nexthops }: NexthopViewProps) {
  const vrouters = useQuery(dataplaneQueries.vrouters());
  const names = useMemo(() => (vrouters.data?.vrouters ?? []).map((r) => r.name), [vrouters.data]);
  const interfaces = useQueries({
    queries: names.map((name) => dataplaneQueries.interfaces(name)),
  });
  const pods = useQuery(clusterQueries.pods());
  const routes = useQuery({ ...dataplaneQueries.routes(node, nh.vrf), enabled: nh.vrf !== '' });

  const byNode = new Map<string, ItfSandeshData[]>();
  names.forEach((name, i) => {
    const data = interfaces[i]?.data;
    if (data) byNode.set(name, data.itf_list);
  });
  const slots = resolveSlots(nh, {
    node,
    vrouters: vrouters.data?.vrouters ?? [],
    interfacesByNode: byNode,
    nexthops,
    pods: pods.data,
  });
  const vips = destinationsVia(routes.data, nh.nh_index);
  const holeCount = slots.filter((s) => s.kind === 'hole').length;

  return (
    <>
      <p className="dp-facts">
        <span>
          <span className="fact-label">VIP</span> {vips.length ? vips.join(', ') : '—'}
        </span>
        <span>
          <span className="fact-label">VRF</span> {nh.vrf}
        </span>
        <span>
          <span className="fact-label">Slots</span>{' '}
          {`${slots.length} (${holeCount} ${holeCount === 1 ? 'hole' : 'holes'})`}
        </span>
      </p>
      <Suspense fallback={<LoadingState what="the graph" />}>
        <CompositeGraph node={node} nhId={nh.nh_index} vips={vips} slots={slots} />
      </Suspense>
    </>
  );
}
