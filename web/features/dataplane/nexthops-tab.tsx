// The Next hops tab: every next hop of the compute with what it leads to — a composite's VIP and
// Service, an Encap's pod, a tunnel's compute — paged, filtered (`type:`, a VIP, words) and sorted
// by the server; the selected one stays in view beside the list with `nh --get <id>` and, for an
// ECMP composite, its graph and slot table. "Show in dataplane" arrives here with `vip` and is
// resolved to the VIP's route on this compute.

import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import type { NhSandeshData } from '@model/dataplane/types.ts';
import type { Annotated, EntityNames } from '@model/api/dataplane-views.ts';
import { dataplaneQueries } from '@web/api/dataplane.ts';
import { ErrorState, LoadingState } from '@web/components/error-state.tsx';
import { CompositeDetail } from './composite-view.tsx';
import { useDataplaneUrlState } from './dataplane-url-state.ts';
import { Names } from './entity-names.tsx';
import { PagedTable, type TableColumn } from './paged-table.tsx';
import { isCompositeNh, nhKind } from './route-rows.ts';
import { nexthopFilters } from './table-filter.ts';
import { countText, TableToolbar, useTableUrlState } from './table-toolbar.tsx';
import { usePagedTable } from './use-paged-table.ts';
import { useVipRoute, type VipRouteState } from './vip-route.ts';

const NH_TYPES: readonly { value: string; text: string }[] = [
  { value: '', text: 'Every type' },
  { value: 'composite', text: 'Composite (ECMP)' },
  { value: 'interface', text: 'Encap (interface)' },
  { value: 'tunnel', text: 'Tunnel' },
  { value: 'receive', text: 'Receive' },
  { value: 'discard', text: 'Drop (discard)' },
  { value: 'resolve', text: 'Resolve' },
  { value: 'vrf', text: 'VRF' },
];
type NhType = 'composite' | 'interface' | 'tunnel' | 'receive' | 'discard' | 'resolve' | 'vrf';

const lastName = (fqName: string) => fqName.split(':').pop() ?? fqName;
const keyOf = (nh: NhSandeshData) => String(nh.nh_index);

export function nhSummary(nh: NhSandeshData): string {
  if (isCompositeNh(nh)) {
    const holes = nh.mc_list.filter((c) => c.type === 'NULL').length;
    return `${nh.mc_list.length} slots${holes ? `, ${holes} hole${holes > 1 ? 's' : ''}` : ''}`;
  }
  if (nh.type === 'tunnel') return `${nh.tunnel_type} ${nh.sip} → ${nh.dip}`;
  if (nh.type === 'interface') return `${nh.itf} ${nh.mac}`;
  return '';
}

function columns(
  node: string,
  selected: number | null,
  select: (row: Annotated<NhSandeshData>) => void,
): TableColumn<NhSandeshData>[] {
  return [
    {
      header: 'Id',
      width: '4.5rem',
      sort: 'id',
      cell: ({ record, names }) => (
        <button
          type="button"
          className="link-button mono"
          aria-pressed={record.nh_index === selected}
          aria-label={`Next hop ${record.nh_index}`}
          onClick={() => select({ record, names })}
        >
          {record.nh_index}
        </button>
      ),
    },
    {
      header: 'Next hop',
      width: 'minmax(9rem, 1fr)',
      sort: 'type',
      className: 'cell cell-wrap',
      cell: ({ record }) => (
        <>
          <span className="nh-kind">{nhKind(record)}</span> <span className="mono">{nhSummary(record)}</span>
          {record.vrf && (
            <span className="nh-vrf" title={record.vrf}>
              {lastName(record.vrf)}
            </span>
          )}
        </>
      ),
    },
    {
      header: 'Leads to',
      width: 'minmax(9rem, 1fr)',
      className: 'cell cell-wrap cell-names',
      cell: ({ record, names }) =>
        isCompositeNh(record) && record.nh_index === selected ? (
          <CompositeVips node={node} nh={record} names={names} />
        ) : (
          <>
            {isCompositeNh(record) && names.vip && <span className="mono">{names.vip}/32 </span>}
            <Names names={names} hideVip hideNode={node} />
          </>
        ),
    },
    {
      header: 'Refs',
      width: '3.5rem',
      sort: 'refcount',
      className: 'cell mono',
      cell: (r) => r.record.ref_count,
    },
  ];
}

export function NexthopsTab({ node }: { node: string }) {
  const { nh: selected, vip, params, setParams } = useDataplaneUrlState();
  const url = useTableUrlState('id');
  const typeParam = params.get('type') ?? '';
  const filters = useMemo(() => {
    const typed = nexthopFilters(url.applied);
    const type = (NH_TYPES.some((t) => t.value === typeParam && t.value !== '') ? typeParam : typed.type) as
      NhType | undefined;
    return {
      ...typed,
      ...(type ? { type } : {}),
      sort:
        url.sort.by === 'type'
          ? ('type' as const)
          : url.sort.by === 'refcount'
            ? ('refcount' as const)
            : ('id' as const),
      order: url.sort.order,
    };
  }, [url.applied, url.sort.by, url.sort.order, typeParam]);
  const state = usePagedTable('nexthops', node, filters, { keyOf });

  // "Show in dataplane": find the VIP's route here, then select its next hop.
  const resolving = vip !== null && selected === null;
  const vipRoute = useVipRoute(node, vip ?? '', resolving);
  const foundNh = resolving && vipRoute.status === 'found' ? vipRoute.nexthop : null;
  const foundVrf = resolving && vipRoute.status === 'found' ? vipRoute.vrf : null;
  useEffect(() => {
    if (foundNh !== null && foundVrf !== null) setParams({ nh: String(foundNh), vrf: foundVrf });
  }, [foundNh, foundVrf, setParams]);

  const tableColumns = useMemo(
    () =>
      columns(node, selected, ({ record, names }) =>
        // Picking another next hop leaves the member the page was opened for; its VIP comes along.
        setParams(
          record.nh_index === selected
            ? { nh: null }
            : { nh: String(record.nh_index), vip: names.vip ?? null, pod: null },
        ),
      ),
    [node, selected, setParams],
  );

  return (
    <div className="dp-split">
      <div className="dp-nh-list">
        <TableToolbar
          url={url}
          label="Filter next hops"
          placeholder="A VIP, type:tunnel, a tap or words"
          count={countText(state, 'next hops', url.applied.trim() !== '' || typeParam !== '')}
          before={
            <label className="field">
              Type
              <select value={typeParam} onChange={(e) => setParams({ type: e.target.value || null })}>
                {NH_TYPES.map((t) => (
                  <option key={t.value} value={t.value}>
                    {t.text}
                  </option>
                ))}
              </select>
            </label>
          }
        />
        <PagedTable
          label={`Next hops on ${node}`}
          columns={tableColumns}
          state={state}
          sort={url.sort}
          onSort={url.toggleSort}
          rowClassName={(r) => (r.record.nh_index === selected ? 'is-selected' : undefined)}
          empty={url.applied.trim() || typeParam ? 'No next hop matches.' : `No next hops on ${node}.`}
        />
      </div>
      <div className="dp-detail">
        {selected !== null ? (
          <CompositeDetail key={selected} node={node} nhId={selected} />
        ) : resolving ? (
          <VipSearch vip={vip} node={node} state={vipRoute} />
        ) : (
          <div role="status" className="state state-empty">
            Select a next hop. An ECMP composite shows its slots: the VIP&apos;s members, holes included.
          </div>
        )}
      </div>
    </div>
  );
}

/**
 * The selected composite's every VIP with its Service: Services with the same backends share one
 * composite, and a row's names give only the first, so the one in detail asks for all the routes
 * through it (the query its detail makes too).
 */
function CompositeVips({ node, nh, names }: { node: string; nh: NhSandeshData; names: EntityNames }) {
  const via = useQuery({
    ...dataplaneQueries.routesVia(node, nh.vrf, nh.nh_index),
    enabled: nh.vrf !== '',
  });
  const routes = (via.data ?? []).filter((r) => r.record.src_plen === 32);
  if (routes.length === 0)
    return (
      <>
        {names.vip && <span className="mono">{names.vip}/32 </span>}
        <Names names={names} hideVip hideNode={node} />
      </>
    );
  return (
    <span className="names-list">
      {routes.map((r) => (
        <span key={r.record.src_ip}>
          <span className="mono">{r.record.src_ip}/32 </span>
          <Names names={r.names} hideVip hideNode={node} />
        </span>
      ))}
    </span>
  );
}

function VipSearch({ vip, node, state }: { vip: string; node: string; state: VipRouteState }) {
  if (state.status === 'error') return <ErrorState error={state.error} onRetry={state.retry} />;
  if (state.status === 'absent')
    return (
      <div role="status" className="state state-empty">
        <strong>
          {node} has no route for {vip}/32
        </strong>
        <p>
          Looked in{' '}
          {state.searched.length === 0 ? 'no VRF (the compute has none yet)' : state.searched.join(', ')}. The
          VIP reaches a compute only once a member&apos;s VMI is on it or its VRF is there.
        </p>
      </div>
    );
  return <LoadingState what={`the route of ${vip}/32 on ${node}`} />;
}
