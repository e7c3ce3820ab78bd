// The Flows tab: the compute's flow table as `flow -l` lists it (index<=>reverse, endpoints,
// proto, action with NAT, E:<slot>, stats), virtualized and filterable, or the CLI text itself.

import { useQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useDeferredValue, useMemo, useRef, useState } from 'react';
import { dataplaneQueries } from '@web/api/dataplane.ts';
import { ErrorState, LoadingState } from '@web/components/error-state.tsx';
import { VirtualRows } from '@web/components/virtual-rows.tsx';
import { CliOutput, CliToggle } from './cli-view.tsx';
import { useDataplaneUrlState } from './dataplane-url-state.ts';
import { filterFlowRows, flowRow, type FlowRow } from './flow-rows.ts';

const ROW_HEIGHT_PX = 36;
interface FlowColumn {
  header: string;
  value: (r: FlowRow) => string;
  className?: (r: FlowRow) => string;
  title?: (r: FlowRow) => string;
}

const COLUMNS: readonly FlowColumn[] = [
  { header: 'Index', value: (r) => r.index },
  { header: 'Source:Port', value: (r) => r.source },
  { header: 'Destination:Port', value: (r) => r.destination },
  { header: 'Proto(V)', value: (r) => r.protoVrf, title: (r) => r.protocol },
  { header: 'Action', value: (r) => r.action, className: (r) => `cell mono action-${r.action.charAt(0)}` },
  { header: 'ECMP', value: (r) => r.ecmp },
  { header: 'Next hops', value: (r) => r.nexthops },
  { header: 'TCP', value: (r) => r.tcp },
  { header: 'Stats', value: (r) => r.stats },
];

export function FlowsTab({ node }: { node: string }) {
  const { isCli, setParam } = useDataplaneUrlState();
  const flows = useQuery(dataplaneQueries.flows(node));
  const cli = useQuery({ ...dataplaneQueries.cliFlow(node), enabled: isCli });
  const [filter, setFilter] = useState('');
  const deferred = useDeferredValue(filter);
  const all = useMemo(
    () => [...(flows.data?.flow_list ?? [])].sort((a, b) => a.index - b.index).map(flowRow),
    [flows.data],
  );
  const rows = useMemo(() => filterFlowRows(all, deferred), [all, deferred]);
  const counters = flows.data?.counters;

  return (
    <>
      <div className="toolbar dp-toolbar">
        {!isCli && (
          <input
            type="search"
            aria-label="Filter flows"
            placeholder="Filter by IP, port, action (N(DPd), E:1…)"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
          />
        )}
        <span role="status" className="count">
          {flows.isSuccess &&
            (deferred.trim() ? `${rows.length} of ${all.length} flows match` : `${all.length} flows`)}
        </span>
        <CliToggle isCli={isCli} onChange={(on) => setParam('cli', on ? '1' : null)} />
      </div>
      {counters && (
        <p className="dp-facts mono" aria-label="Flow counters">
          <span>Created {counters.created}</span>
          <span>Added {counters.added}</span>
          <span>Deleted {counters.deleted}</span>
          <span>Changed {counters.changed}</span>
          <span>Processed {counters.processed}</span>
          <span>Overflow in use {counters.overflowInUse}</span>
          <span>Aged {counters.aged}</span>
          <span>Evicted {counters.evicted}</span>
          <span>Table full {counters.tableFull}</span>
        </p>
      )}
      {isCli ? (
        <CliOutput command="flow -l" query={cli} />
      ) : flows.isPending ? (
        <LoadingState what="flows" />
      ) : flows.data === undefined ? (
        <ErrorState error={flows.error} onRetry={() => void flows.refetch()} />
      ) : all.length === 0 ? (
        <div role="status" className="state state-empty">
          No flows on {node}. Send a packet from the Trace tab.
        </div>
      ) : (
        <FlowTable node={node} rows={rows} />
      )}
    </>
  );
}

function FlowTable({ node, rows }: { node: string; rows: ReturnType<typeof filterFlowRows> }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // oxlint-disable-next-line react/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT_PX,
    getItemKey: (i) => rows[i]?.key ?? i,
    overscan: 10,
  });
  return (
    <div
      className="dp-flow-table"
      role="table"
      aria-label={`Flows on ${node}`}
      aria-rowcount={rows.length + 1}
    >
      <div role="rowgroup">
        <div role="row" className="dp-flow-row dp-flow-head" aria-rowindex={1}>
          {COLUMNS.map((c) => (
            <span key={c.header} role="columnheader" className="cell">
              {c.header}
            </span>
          ))}
        </div>
      </div>
      <VirtualRows
        virtualizer={virtualizer}
        scrollRef={scrollRef}
        className="dp-flow-scroll"
        isFocusable
        rowProps={(item) => ({ role: 'row', 'aria-rowindex': item.index + 2, className: 'dp-flow-row' })}
        renderRow={(item) => {
          const r = rows[item.index]!;
          return COLUMNS.map((c) => (
            <span key={c.header} role="cell" className={c.className?.(r) ?? 'cell mono'} title={c.title?.(r)}>
              {c.value(r)}
            </span>
          ));
        }}
      />
    </div>
  );
}
