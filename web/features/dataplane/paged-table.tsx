// A dataplane table of any size: an ARIA table whose rows are virtualized (only those in view are in
// the DOM), fed page by page as the view nears the end, with sortable column headers that ask the
// server for another order. Knows nothing of what a row is; each tab gives its columns.

import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef, type CSSProperties, type ReactNode } from 'react';
import type { Annotated } from '@model/api/dataplane-views.ts';
import { ErrorState, LoadingState } from '@web/components/error-state.tsx';
import { VirtualRows } from '@web/components/virtual-rows.tsx';
import type { SortOrder } from './table-filter.ts';
import type { PagedRow, PagedTableState } from './use-paged-table.ts';

const ROW_HEIGHT_PX = 36;
/** Rows from the end at which the next page is asked for. */
const FETCH_AHEAD_ROWS = 40;

export interface TableColumn<T> {
  header: string;
  /** The grid track of the column (`8rem`, `minmax(10rem, 1fr)`). */
  width: string;
  /** The server's sort key, when the column sorts. */
  sort?: string;
  cell: (row: Annotated<T>) => ReactNode;
  className?: string;
}

export interface TableSort {
  by: string;
  order: SortOrder;
}

export interface PagedTableProps<T> {
  label: string;
  columns: readonly TableColumn<T>[];
  state: PagedTableState<T>;
  sort: TableSort;
  onSort: (by: string) => void;
  /** What the table says when no row matches (or the table is empty). */
  empty: ReactNode;
  rowClassName?: (row: Annotated<T>) => string | undefined;
}

/**
 * A row's cells, rendered again only when its record or the columns change: a page arriving (or a
 * page in view refreshed to the same records) does not render the rows already on screen again.
 */
const RowCells = memo(function RowCells({
  row,
  columns,
}: {
  row: Annotated<unknown>;
  columns: readonly TableColumn<unknown>[];
}) {
  return columns.map((c) => (
    <span key={c.header} role="cell" className={c.className ?? 'cell'}>
      {c.cell(row)}
    </span>
  ));
}) as <T>(props: { row: Annotated<T>; columns: readonly TableColumn<T>[] }) => ReactNode;

function ariaSort(column: { sort?: string }, sort: TableSort): 'ascending' | 'descending' | undefined {
  if (column.sort === undefined || column.sort !== sort.by) return undefined;
  return sort.order === 'asc' ? 'ascending' : 'descending';
}

export function PagedTable<T>({
  label,
  columns,
  state,
  sort,
  onSort,
  empty,
  rowClassName,
}: PagedTableProps<T>) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const { rows, hasMore, isFetchingMore, fetchMore, onRangeChange } = state;
  // oxlint-disable-next-line react/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT_PX,
    getItemKey: (i) => rows[i]?.key ?? i,
    overscan: 8,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? -1;

  useEffect(() => {
    onRangeChange(first, last);
    if (hasMore && !isFetchingMore && last >= rows.length - FETCH_AHEAD_ROWS) fetchMore();
  }, [first, last, rows.length, hasMore, isFetchingMore, fetchMore, onRangeChange]);

  if (state.isPending) return <LoadingState what={label.toLowerCase()} />;
  if (rows.length === 0 && state.error) return <ErrorState error={state.error} onRetry={state.retry} />;

  const grid = { '--dp-columns': columns.map((c) => c.width).join(' ') } as CSSProperties;
  return (
    <>
      <div
        className="dp-grid"
        role="table"
        aria-label={label}
        aria-rowcount={(state.matched ?? rows.length) + 1}
        style={grid}
      >
        <div role="rowgroup" className="dp-grid-headgroup">
          <div role="row" className="dp-grid-row dp-grid-head" aria-rowindex={1}>
            {columns.map((c) => (
              <span key={c.header} role="columnheader" className="cell" aria-sort={ariaSort(c, sort)}>
                {c.sort === undefined ? (
                  c.header
                ) : (
                  <button type="button" className="sort-button" onClick={() => onSort(c.sort!)}>
                    {c.header}
                    <span aria-hidden="true" className="sort-mark">
                      {c.sort === sort.by ? (sort.order === 'asc' ? '▲' : '▼') : '↕'}
                    </span>
                  </button>
                )}
              </span>
            ))}
          </div>
        </div>
        {rows.length === 0 ? (
          <div role="rowgroup">
            <div role="row" className="dp-grid-row" aria-rowindex={2}>
              <span role="cell" className="cell dp-grid-empty">
                {empty}
              </span>
            </div>
          </div>
        ) : (
          <VirtualRows
            virtualizer={virtualizer}
            scrollRef={scrollRef}
            className="dp-grid-scroll"
            isFocusable
            rowProps={(item) => ({
              role: 'row',
              'aria-rowindex': item.index + 2,
              className: ['dp-grid-row', rowClassName?.((rows[item.index] as PagedRow<T>).row)]
                .filter(Boolean)
                .join(' '),
            })}
            renderRow={(item) => <RowCells row={rows[item.index]!.row} columns={columns} />}
          />
        )}
      </div>
      {(isFetchingMore || (state.error !== null && rows.length > 0)) && (
        <div className="dp-grid-foot">
          {state.error !== null && rows.length > 0 ? (
            <ErrorState error={state.error} onRetry={fetchMore} />
          ) : (
            <LoadingState what="more rows" />
          )}
        </div>
      )}
    </>
  );
}
