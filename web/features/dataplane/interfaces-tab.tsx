// The Interfaces tab: the compute's vifs as the agent's Itf list shows them (vif index, tap, IP,
// MAC, VRF, MPLS label, state), each named by its pod and VMI, paged and filtered by the server.

import { useMemo } from 'react';
import type { ItfSandeshData } from '@model/dataplane/types.ts';
import { Names } from './entity-names.tsx';
import { PagedTable, type TableColumn } from './paged-table.tsx';
import { interfaceFilters } from './table-filter.ts';
import { countText, TableToolbar, useTableUrlState } from './table-toolbar.tsx';
import { usePagedTable } from './use-paged-table.ts';

const lastName = (fqName: string) => fqName.split(':').pop() ?? fqName;
const keyOf = (itf: ItfSandeshData) => String(itf.index);

function columns(node: string): TableColumn<ItfSandeshData>[] {
  return [
    {
      header: 'vif',
      width: '5rem',
      sort: 'index',
      className: 'cell mono',
      cell: (r) => `vif0/${r.record.index}`,
    },
    { header: 'Tap', width: '10rem', className: 'cell mono', cell: (r) => r.record.name },
    { header: 'IP', width: '8.5rem', className: 'cell mono', cell: (r) => r.record.ip_addr },
    { header: 'MAC', width: '9.5rem', className: 'cell mono', cell: (r) => r.record.mac_addr },
    { header: 'Label', width: '4rem', className: 'cell mono', cell: (r) => r.record.label },
    {
      header: 'VRF',
      width: 'minmax(8rem, 0.6fr)',
      cell: (r) => <span title={r.record.vrf_name}>{lastName(r.record.vrf_name)}</span>,
    },
    { header: 'State', width: '5rem', cell: (r) => r.record.active },
    {
      header: 'What it is',
      width: 'minmax(12rem, 1fr)',
      className: 'cell cell-names',
      cell: (r) => <Names names={r.names} hideNode={node} />,
    },
  ];
}

export function InterfacesTab({ node }: { node: string }) {
  const url = useTableUrlState('index');
  const filters = useMemo(
    () => ({
      ...interfaceFilters(url.applied),
      ...(url.sort.order === 'desc' ? { order: 'desc' as const } : {}),
    }),
    [url.applied, url.sort.order],
  );
  const state = usePagedTable('interfaces', node, filters, { keyOf });
  const tableColumns = useMemo(() => columns(node), [node]);
  return (
    <>
      <TableToolbar
        url={url}
        label="Filter interfaces"
        placeholder="Filter by pod, IP, tap, MAC or VRF"
        count={countText(state, 'interfaces', url.applied.trim() !== '')}
      />
      <PagedTable
        label={`Interfaces on ${node}`}
        columns={tableColumns}
        state={state}
        sort={url.sort}
        onSort={url.toggleSort}
        empty={url.applied.trim() ? `No interface matches “${url.applied}”.` : `No interfaces on ${node}.`}
      />
    </>
  );
}
