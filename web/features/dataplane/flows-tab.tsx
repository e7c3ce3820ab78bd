// The Flows tab: the compute's flow table as `flow -l` lists it (index<=>reverse, endpoints, proto,
// action with NAT, E:<slot>, stats) with the source pod and Service named, paged and filtered by
// the server (`ip:port`, an address, `pod:`, `svc:`, `vip:`, words), sorted by index, packets or
// bytes. Only the pages in view refresh, every few seconds while the browser tab is visible; a
// row's Trace fills the trace form with its 5-tuple. Or the CLI text itself.

import { useMemo } from 'react';
import { Link } from 'react-router';
import type { KFlowInfo } from '@model/dataplane/types.ts';
import { FLOW_REFRESH_MS } from '@web/api/dataplane.ts';
import { CliOutput, CliToggle } from './cli-view.tsx';
import { dataplaneUrl, useDataplaneUrlState } from './dataplane-url-state.ts';
import { Names } from './entity-names.tsx';
import { flowRow, traceParams } from './flow-rows.ts';
import { PagedTable, type TableColumn } from './paged-table.tsx';
import { flowFilters } from './table-filter.ts';
import { countText, TableToolbar, useTableUrlState } from './table-toolbar.tsx';
import { usePagedTable } from './use-paged-table.ts';

const keyOf = (f: KFlowInfo) => String(f.index);

function columns(node: string): TableColumn<KFlowInfo>[] {
  return [
    {
      header: 'Index',
      width: '9.5rem',
      sort: 'index',
      className: 'cell mono',
      cell: (r) => flowRow(r.record).index,
    },
    {
      header: 'Source:Port',
      width: '10.5rem',
      className: 'cell mono',
      cell: (r) => flowRow(r.record).source,
    },
    {
      header: 'Destination:Port',
      width: '10.5rem',
      className: 'cell mono',
      cell: (r) => flowRow(r.record).destination,
    },
    {
      header: 'Proto(V)',
      width: '5rem',
      className: 'cell mono',
      cell: (r) => <span title={flowRow(r.record).protocol}>{flowRow(r.record).protoVrf}</span>,
    },
    {
      header: 'Action',
      width: '6.5rem',
      cell: (r) => <span className={`mono action-${r.record.action.charAt(0)}`}>{r.record.action}</span>,
    },
    { header: 'ECMP', width: '3.5rem', className: 'cell mono', cell: (r) => flowRow(r.record).ecmp },
    { header: 'Next hops', width: '9.5rem', className: 'cell mono', cell: (r) => flowRow(r.record).nexthops },
    {
      header: 'Packets/bytes',
      width: '7.5rem',
      sort: 'packets',
      className: 'cell mono',
      cell: (r) => flowRow(r.record).stats,
    },
    {
      header: 'What it is',
      width: 'minmax(10rem, 1fr)',
      className: 'cell cell-names',
      cell: (r) => <Names names={r.names} hideNode={node} />,
    },
    {
      header: 'Trace',
      width: '4rem',
      cell: (r) => {
        const params = traceParams(r.record, r.names);
        const row = flowRow(r.record);
        return params ? (
          <Link
            to={dataplaneUrl(node, 'trace', params)}
            aria-label={`Trace ${row.protocol} ${row.source} → ${row.destination}`}
          >
            Trace
          </Link>
        ) : null;
      },
    },
  ];
}

export function FlowsTab({ node }: { node: string }) {
  const { isCli, setParam } = useDataplaneUrlState();
  const url = useTableUrlState('index');
  const filters = useMemo(
    () => ({
      ...flowFilters(url.applied),
      sort: url.sort.by === 'packets' ? ('packets' as const) : ('index' as const),
      order: url.sort.order,
    }),
    [url.applied, url.sort.by, url.sort.order],
  );
  const state = usePagedTable('flows', node, filters, {
    keyOf,
    refreshEveryMs: FLOW_REFRESH_MS,
    enabled: !isCli,
  });
  const tableColumns = useMemo(() => columns(node), [node]);

  return (
    <>
      <TableToolbar
        url={url}
        label="Filter flows"
        placeholder="10.105.53.64:8888, an address, pod:ns/name, svc:ns/name, N(DPd), E:1…"
        count={isCli ? '' : countText(state, 'flows', url.applied.trim() !== '')}
        showFilter={!isCli}
      >
        <CliToggle isCli={isCli} onChange={(on) => setParam('cli', on ? '1' : null)} />
      </TableToolbar>
      {isCli ? (
        <CliOutput node={node} command="flow" />
      ) : (
        <PagedTable
          label={`Flows on ${node}`}
          columns={tableColumns}
          state={state}
          sort={url.sort}
          onSort={url.toggleSort}
          empty={
            url.applied.trim()
              ? `No flow on ${node} matches “${url.applied}”.`
              : `No flows on ${node}. Send a packet from the Trace tab.`
          }
        />
      )}
    </>
  );
}
