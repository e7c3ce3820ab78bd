// The Routes tab: one VRF's inet4 unicast table as `rt --dump` shows it (Destination, PPL, Flags,
// Label, Nexthop) with what each destination is (pod, Service VIP), paged and filtered by the
// server (an address or prefix, `nh:<id>`, words), sorted by prefix or next hop; or the CLI text.

import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Link } from 'react-router';
import type { RouteUcSandeshData } from '@model/dataplane/types.ts';
import { dataplaneQueries, tableQueries } from '@web/api/dataplane.ts';
import { ErrorState, LoadingState } from '@web/components/error-state.tsx';
import { CliOutput, CliToggle } from './cli-view.tsx';
import { dataplaneUrl, useDataplaneUrlState } from './dataplane-url-state.ts';
import { defaultVrfName } from './default-vrf.ts';
import { Names } from './entity-names.tsx';
import { PagedTable, type TableColumn } from './paged-table.tsx';
import { routeKey, routeRow } from './route-rows.ts';
import { routeFilters } from './table-filter.ts';
import { countText, TableToolbar, useTableUrlState } from './table-toolbar.tsx';
import { usePagedTable } from './use-paged-table.ts';

function columns(node: string, vrf: string): TableColumn<RouteUcSandeshData>[] {
  return [
    {
      header: 'Destination',
      width: '10.5rem',
      sort: 'prefix',
      className: 'cell mono',
      cell: (r) => routeKey(r.record),
    },
    { header: 'PPL', width: '3rem', cell: (r) => r.record.src_plen },
    { header: 'Flags', width: '3.5rem', className: 'cell mono', cell: (r) => routeRow(r.record).flags },
    { header: 'Label', width: '4rem', className: 'cell mono', cell: (r) => routeRow(r.record).label },
    {
      header: 'Nexthop',
      width: '5.5rem',
      sort: 'nh',
      className: 'cell mono',
      cell: (r) => {
        const row = routeRow(r.record);
        return row.nexthop === null ? (
          '-'
        ) : (
          <Link
            to={dataplaneUrl(node, 'nexthops', { nh: String(row.nexthop), vrf })}
            aria-label={`Next hop ${row.nexthop} of ${row.destination}`}
          >
            {row.nexthop}
          </Link>
        );
      },
    },
    {
      header: 'Next hop type',
      width: '9rem',
      cell: (r) => {
        const row = routeRow(r.record);
        return row.isEcmp ? <strong>ECMP {row.nexthopType}</strong> : row.nexthopType;
      },
    },
    {
      header: 'What it is',
      width: 'minmax(12rem, 1fr)',
      className: 'cell cell-names',
      cell: (r) => <Names names={r.names} hideVip hideNode={node} />,
    },
    { header: 'Peer', width: '8rem', className: 'cell mono', cell: (r) => routeRow(r.record).peer },
  ];
}

const isEcmpRow = (r: { record: RouteUcSandeshData }) => (routeRow(r.record).isEcmp ? 'is-ecmp' : undefined);

export function RoutesTab({ node }: { node: string }) {
  const { vrf, isCli, setParam } = useDataplaneUrlState();
  const vrfs = useQuery(dataplaneQueries.vrfs(node));
  // The VRF to open on is the client pod's (or the first pod's): its compute's first interfaces say.
  const firstInterfaces = useInfiniteQuery({
    ...tableQueries.pages('interfaces', node, {}),
    enabled: vrf === null,
  });
  const chosen =
    vrf ??
    (vrfs.data && (firstInterfaces.data || firstInterfaces.isError)
      ? defaultVrfName(firstInterfaces.data?.pages[0]?.items.map((i) => i.record) ?? [], vrfs.data.vrf_list)
      : undefined);
  const vrfData = vrfs.data?.vrf_list.find((v) => v.name === chosen);
  const url = useTableUrlState('prefix');
  const filters = useMemo(
    () => ({
      vrf: vrfData?.name ?? '',
      ...routeFilters(url.applied),
      sort: url.sort.by === 'nh' ? ('nh' as const) : ('prefix' as const),
      order: url.sort.order,
    }),
    [vrfData?.name, url.applied, url.sort.by, url.sort.order],
  );
  const state = usePagedTable('routes', node, filters, {
    keyOf: routeKey,
    enabled: vrfData !== undefined && !isCli,
  });
  const tableColumns = useMemo(() => columns(node, vrfData?.name ?? ''), [node, vrfData?.name]);

  if (vrfs.isPending || (vrf === null && firstInterfaces.isPending)) return <LoadingState what="VRFs" />;
  if (vrfs.data === undefined) return <ErrorState error={vrfs.error} onRetry={() => void vrfs.refetch()} />;

  return (
    <>
      <TableToolbar
        url={url}
        label="Filter routes"
        placeholder="An address or prefix (10.47.0.0/16), nh:14, or words"
        count={isCli || !vrfData ? '' : countText(state, 'routes', url.applied.trim() !== '')}
        showFilter={!isCli}
        before={
          <label className="field">
            VRF
            <select value={chosen ?? ''} onChange={(e) => setParam('vrf', e.target.value)}>
              {chosen !== undefined && !vrfData && (
                <option value={chosen}>{chosen} (not on this compute)</option>
              )}
              {vrfs.data.vrf_list.map((v) => (
                <option key={v.name} value={v.name}>
                  {v.ucindex}: {v.name} ({v.route_count} routes)
                </option>
              ))}
            </select>
          </label>
        }
      >
        <CliToggle isCli={isCli} onChange={(on) => setParam('cli', on ? '1' : null)} />
      </TableToolbar>
      {!vrfData ? (
        <div role="status" className="state state-empty">
          {chosen === undefined ? 'This compute has no VRFs yet.' : `No VRF ${chosen} on ${node}.`}
        </div>
      ) : isCli ? (
        <CliOutput node={node} command="rt" params={{ vrf: vrfData.ucindex }} />
      ) : (
        <PagedTable
          label={`Routes in VRF ${vrfData.ucindex}`}
          columns={tableColumns}
          state={state}
          sort={url.sort}
          onSort={url.toggleSort}
          rowClassName={isEcmpRow}
          empty={
            url.applied.trim()
              ? `No route in VRF ${vrfData.ucindex} matches “${url.applied}”.`
              : `VRF ${vrfData.ucindex} has no routes on ${node}.`
          }
        />
      )}
    </>
  );
}
