// The virtualized treegrid: load balancers (or one object's children) that expand in place into
// listeners, pools and members; a row's details (Basic / JSON, Show in dataplane) open on demand.
// Keyboard: ↑/↓ move, →/← expand/collapse, Space opens the details, Enter opens the row's page, Tab
// reaches the active row's links. Expansion, details and their view live in the URL; Back
// returns focus to the row that was left.

import { useVirtualizer } from '@tanstack/react-virtual';
import {
  memo,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import { useLocation, useNavigate, useNavigationType } from 'react-router';
import { ErrorState, LoadingState } from '@web/components/error-state.tsx';
import { recallFocus, rememberFocus } from '@web/components/focus-memory.ts';
import { ObjectDetail } from '@web/components/object-detail.tsx';
import { objectUrl } from '@web/components/object-url.ts';
import { VirtualRows } from '@web/components/virtual-rows.tsx';
import { podKeyOf } from './member-facts.tsx';
import { ShowInDataplane } from './show-in-dataplane.tsx';
import {
  buildRootRows,
  CONFIG_TYPE,
  spliceExpanded,
  type FlatRow,
  type TreeNode,
  type TreeRows,
} from './tree-model.ts';
import type { LbConsistency } from '@model/api/dataplane-views.ts';
import { useDriftByLb } from './drift.tsx';
import { LB_COLUMNS, NodeCells } from './tree-rows.tsx';
import { useTreeLevels } from './use-tree-levels.ts';
import { useTreeUrlState } from './tree-url-state.ts';

const ROW_HEIGHT_PX = 36;
const DETAIL_HEIGHT_PX = 320;

export interface LoadBalancerTreeProps {
  label: string;
  roots: readonly TreeNode[];
  /** Grid columns: the load balancer grid, or one object's children. */
  columns: 'loadbalancers' | 'children';
  /** aria-level of the roots (children of an object page start below it). */
  firstLevel?: number;
  /** The load balancer above the roots, when they are not load balancers or listeners. */
  lbUuid?: string | null;
}

const CHILD_COLUMNS = ['Name', 'Details'];

/** Memoised: a filter keystroke that keeps the same roots must not re-render the visible rows. */
export const LoadBalancerTree = memo(function LoadBalancerTree({
  label,
  roots,
  columns,
  firstLevel = 1,
  lbUuid = null,
}: LoadBalancerTreeProps) {
  const { entries, expanded, details, jsonViews, setExpanded, setDetails, setView } = useTreeUrlState();
  const levels = useTreeLevels(entries);
  const drift = useDriftByLb();
  // Roots are laid out once per root list; an expand only splices its own subtree in.
  const rootRows = useMemo(() => buildRootRows(roots, firstLevel), [roots, firstLevel]);
  const open = useMemo(() => ({ expanded, details }), [expanded, details]);
  const rows = useMemo(() => spliceExpanded(rootRows, open, levels), [rootRows, open, levels]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const navigate = useNavigate();
  const location = useLocation();
  const navigationType = useNavigationType();
  // Back to this page: the row that was left becomes active again (Layout focuses it once shown).
  const restoreKey = useRef(navigationType === 'POP' ? recallFocus(location.key)?.rowKey : undefined);
  const [activeKey, setActiveKey] = useState<string | null>(restoreKey.current ?? null);
  const focusPending = useRef(false);

  // A new getItemKey makes the virtualizer re-measure every row, so it changes only with the rows.
  const getItemKey = useCallback((i: number) => rows.at(i)?.key ?? i, [rows]);
  const estimateSize = useCallback(
    (i: number) => (rows.at(i)?.type === 'detail' ? DETAIL_HEIGHT_PX : ROW_HEIGHT_PX),
    [rows],
  );
  // The virtualizer returns fresh functions each render by design; nothing here is memoised on it.
  // oxlint-disable-next-line react/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize,
    getItemKey,
    // Enough for smooth scrolling; every extra row also delays the first paint.
    overscan: 6,
  });

  // Row 0 is always a root node, the fallback when the active row has gone.
  const activeIndex = useMemo(() => {
    const at = activeKey === null ? -1 : rows.indexOfKey(activeKey);
    return at >= 0 ? at : 0;
  }, [rows, activeKey]);

  const toggle = useCallback(
    (node: TreeNode, isOpen: boolean) => setExpanded(node.kind, node.row.uuid, isOpen),
    [setExpanded],
  );
  const toggleDetails = useCallback(
    (node: TreeNode, isOpen: boolean) => setDetails(node.row.uuid, isOpen),
    [setDetails],
  );

  useEffect(() => {
    const key = restoreKey.current;
    if (key === undefined) return;
    const at = rows.indexOfKey(key);
    if (at < 0) return;
    restoreKey.current = undefined;
    virtualizer.scrollToIndex(at, { align: 'center' });
  }, [rows, virtualizer]);

  const moveTo = useCallback(
    (index: number) => {
      const row = rows.at(index);
      if (!row) return;
      setActiveKey(row.key);
      focusPending.current = true;
      virtualizer.scrollToIndex(index, { align: 'auto' });
    },
    [rows, virtualizer],
  );

  useEffect(() => {
    if (!focusPending.current) return;
    const row = rows.at(activeIndex);
    const el = row && scrollRef.current?.querySelector<HTMLElement>(`[data-row-key="${row.key}"]`);
    if (el) {
      focusPending.current = false;
      el.focus({ preventScroll: true });
    }
  });

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const target = e.target as HTMLElement;
    // The details' own controls (view switch, JSON search, compute picker) keep their keys.
    if (target.closest('.tree-detail')) return;
    const row = rows.at(activeIndex);
    if (!row || row.type !== 'node') return;
    // On a link or button of the row, Enter and Space are that control's own.
    const onRow = target.getAttribute('role') === 'row';
    const step = (dir: 1 | -1) => {
      for (let i = activeIndex + dir; i >= 0 && i < rows.length; i += dir)
        if (rows.at(i)?.type === 'node') return moveTo(i);
    };
    switch (e.key) {
      case 'ArrowDown':
        step(1);
        break;
      case 'ArrowUp':
        step(-1);
        break;
      case 'ArrowRight':
        if (!row.isExpanded) toggle(row.node, true);
        else step(1);
        break;
      case 'ArrowLeft':
        if (row.isExpanded) toggle(row.node, false);
        else if (row.parentIndex !== null) moveTo(row.parentIndex);
        break;
      case 'Home':
        moveTo(0);
        break;
      case 'End':
        for (let i = rows.length - 1; i >= 0; i--) if (rows.at(i)?.type === 'node') return void moveTo(i);
        break;
      case 'Enter':
        if (!onRow) return;
        rememberFocus(location.key, { rowKey: row.key });
        void navigate(objectUrl(CONFIG_TYPE[row.node.kind], row.node.row.uuid));
        break;
      case ' ':
        if (!onRow) return;
        toggleDetails(row.node, !row.hasDetails);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  const headers = columns === 'loadbalancers' ? LB_COLUMNS : CHILD_COLUMNS;
  return (
    <div
      role="treegrid"
      aria-label={label}
      aria-rowcount={rows.length + 1}
      className={`treegrid treegrid-${columns}`}
      onKeyDown={onKeyDown}
    >
      <div role="rowgroup" className="treegrid-head">
        <div role="row" className="tree-row tree-head" aria-rowindex={1}>
          {headers.map((h) => (
            <div role="columnheader" key={h} className="cell">
              {h}
            </div>
          ))}
        </div>
      </div>
      <VirtualRows
        virtualizer={virtualizer}
        scrollRef={scrollRef}
        className="treegrid-scroll"
        renderRow={(item) => {
          const row = rows.at(item.index)!;
          return (
            <RowView
              row={row}
              rows={rows}
              lbUuid={lbUuid}
              rowIndex={item.index + 2}
              isActive={item.index === activeIndex}
              onActivate={() => setActiveKey(row.key)}
              onToggle={toggle}
              onDetails={toggleDetails}
              view={jsonViews.has(row.type === 'status' ? '' : row.node.row.uuid) ? 'json' : 'basic'}
              drift={
                row.type === 'node' && row.node.kind === 'loadbalancer'
                  ? drift?.get(row.node.row.uuid)
                  : undefined
              }
              onViewChange={setView}
              colCount={headers.length}
            />
          );
        }}
      />
    </div>
  );
});

interface RowViewProps {
  row: FlatRow;
  rows: TreeRows;
  lbUuid: string | null;
  rowIndex: number;
  isActive: boolean;
  onActivate: () => void;
  onToggle: (node: TreeNode, isOpen: boolean) => void;
  onDetails: (node: TreeNode, isOpen: boolean) => void;
  view: 'basic' | 'json';
  onViewChange: (uuid: string, view: 'basic' | 'json') => void;
  colCount: number;
  drift: LbConsistency | undefined;
}

function RowView({
  row,
  rows,
  lbUuid: pageLb,
  rowIndex,
  isActive,
  onActivate,
  onToggle,
  onDetails,
  view,
  onViewChange,
  colCount,
  drift,
}: RowViewProps) {
  if (row.type === 'node')
    return (
      <div
        role="row"
        className={`tree-row tree-node kind-${row.node.kind}${isActive ? ' is-active' : ''}`}
        aria-level={row.level}
        aria-expanded={row.hasChildren ? row.isExpanded : undefined}
        aria-posinset={row.posinset}
        aria-setsize={row.setsize}
        aria-rowindex={rowIndex}
        aria-selected={isActive}
        tabIndex={isActive ? 0 : -1}
        data-row-key={row.key}
        onClick={onActivate}
        onFocus={onActivate}
      >
        <NodeCells
          row={row}
          isActive={isActive}
          onToggle={() => onToggle(row.node, !row.isExpanded)}
          onDetails={() => onDetails(row.node, !row.hasDetails)}
          drift={drift}
        />
      </div>
    );
  if (row.type === 'detail') {
    const { node } = row;
    const lbUuid = ancestorLoadBalancer(rows, row.nodeIndex) ?? pageLb;
    return (
      <FullWidthRow
        row={row}
        rowIndex={rowIndex}
        colCount={colCount}
        indentRem={0}
        cellClassName="cell cell-detail"
      >
        {lbUuid && node.kind !== 'pool' && (
          <ShowInDataplane
            lbUuid={lbUuid}
            node={node.kind === 'member' ? node.row.node : null}
            pod={node.kind === 'member' ? podKeyOf(node.row) : null}
            port={node.kind === 'listener' ? node.row.port : null}
          />
        )}
        <ObjectDetail
          type={CONFIG_TYPE[node.kind]}
          uuid={node.row.uuid}
          view={view}
          onViewChange={(v) => onViewChange(node.row.uuid, v)}
        />
      </FullWidthRow>
    );
  }
  return (
    <FullWidthRow row={row} rowIndex={rowIndex} colCount={colCount} indentRem={1.5} cellClassName="cell">
      {row.state.status === 'loading' ? (
        <LoadingState what="the next level" />
      ) : row.state.status === 'error' ? (
        <ErrorState error={row.state.error} onRetry={row.state.retry} />
      ) : (
        <span className="state state-empty">No {row.state.kind}s.</span>
      )}
    </FullWidthRow>
  );
}

/** A detail or status row: one cell across every column, indented to its level. */
function FullWidthRow({
  row,
  rowIndex,
  colCount,
  indentRem,
  cellClassName,
  children,
}: {
  row: Exclude<FlatRow, { type: 'node' }>;
  rowIndex: number;
  colCount: number;
  indentRem: number;
  cellClassName: string;
  children: ReactNode;
}) {
  return (
    <div role="row" className={`tree-row tree-${row.type}`} aria-level={row.level} aria-rowindex={rowIndex}>
      <div
        role="gridcell"
        aria-colspan={colCount}
        className={cellClassName}
        style={{ paddingLeft: `${(row.level - 1) * 1.25 + indentRem}rem` }}
      >
        {children}
      </div>
    </div>
  );
}

/** The load balancer above a row: the row itself, a listener's own ref, or up through the parents. */
function ancestorLoadBalancer(rows: TreeRows, index: number): string | null {
  for (let at: number | null = index; at !== null;) {
    const row = rows.at(at);
    if (!row || row.type !== 'node') return null;
    if (row.node.kind === 'loadbalancer') return row.node.row.uuid;
    if (row.node.kind === 'listener') return row.node.row.loadbalancerUuid;
    at = row.parentIndex;
  }
  return null;
}
