// The Flows tab: the compute's flow table as `flow -l` lists it (index<=>reverse, endpoints,
// proto, action with NAT, E:<slot>, stats), virtualized and filterable, or the CLI text itself.

import { useQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useDeferredValue, useMemo, useRef, useState } from 'react';
import { dataplaneQueries } from '@web/api/dataplane.ts';
import { ErrorState, LoadingState } from '@web/components/error-state.tsx';
import { CliOutput, CliToggle } from './cli-view.tsx';
import { useDataplaneUrlState } from './dataplane-url-state.ts';
import { filterFlowRows, flowRow } from './flow-rows.ts';

const ROW_HEIGHT_PX = 36;
const COLUMNS = [
  'Index',
  'Source:Port',
  'Destination:Port',
  'Proto(V)',
  'Action',
  'ECMP',
  'Next hops',
  'TCP',
  'Stats',
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
      ) : flows.isError ? (
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
            <span key={c} role="columnheader" className="cell">
              {c}
            </span>
          ))}
        </div>
      </div>
      <div ref={scrollRef} className="dp-flow-scroll" data-scroll-container="">
        <div role="rowgroup" className="treegrid-body" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const r = rows[item.index]!;
            return (
              <div
                key={item.key}
                role="row"
                aria-rowindex={item.index + 2}
                className="dp-flow-row virtual-row"
                data-index={item.index}
                ref={virtualizer.measureElement}
                style={{ transform: `translateY(${item.start}px)` }}
              >
                <span role="cell" className="cell mono">
                  {r.index}
                </span>
                <span role="cell" className="cell mono">
                  {r.source}
                </span>
                <span role="cell" className="cell mono">
                  {r.destination}
                </span>
                <span role="cell" className="cell mono" title={r.protocol}>
                  {r.protoVrf}
                </span>
                <span role="cell" className={`cell mono action-${r.action.charAt(0)}`}>
                  {r.action}
                </span>
                <span role="cell" className="cell mono">
                  {r.ecmp}
                </span>
                <span role="cell" className="cell mono">
                  {r.nexthops}
                </span>
                <span role="cell" className="cell mono">
                  {r.tcp}
                </span>
                <span role="cell" className="cell mono">
                  {r.stats}
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
