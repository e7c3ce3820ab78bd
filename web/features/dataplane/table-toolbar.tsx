// The filter box, sort and count of a paged table, kept in the URL (`filter`, `sort`, `order`) so
// a pasted link shows the same rows. The box answers every keystroke at once; the URL, and so the
// server's query, follow once typing pauses.

import { useEffect, useState, type ReactNode } from 'react';
import { useDataplaneUrlState } from './dataplane-url-state.ts';
import type { TableSort } from './paged-table.tsx';
import type { SortOrder } from './table-filter.ts';
import type { PagedTableState } from './use-paged-table.ts';

/** Typing pauses this long before the query follows the filter box. */
export const FILTER_DELAY_MS = 250;

export interface TableUrlState {
  /** What the box shows now. */
  text: string;
  setText: (text: string) => void;
  /** The filter the query uses: the box, once typing paused. */
  applied: string;
  sort: TableSort;
  /** The same column again flips the order; another starts ascending. */
  toggleSort: (by: string) => void;
}

export function useTableUrlState(defaultSort: string): TableUrlState {
  const { params, setParams } = useDataplaneUrlState();
  const applied = params.get('filter') ?? '';
  const [text, setText] = useState(applied);
  const by = params.get('sort') ?? defaultSort;
  const order: SortOrder = params.get('order') === 'desc' ? 'desc' : 'asc';

  useEffect(() => {
    if (text === applied) return;
    const timer = setTimeout(() => setParams({ filter: text === '' ? null : text }), FILTER_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, applied, setParams]);

  return {
    text,
    setText,
    applied,
    sort: { by, order },
    toggleSort: (column) =>
      setParams({
        sort: column,
        order: column === by && order === 'asc' ? 'desc' : 'asc',
      }),
  };
}

/**
 * `12 of 11,102 routes match` / `11,102 routes`; `400+ flows` (`200+ flows match`) when the server
 * did not count the table (flows in the agent's order are read from its pages only as far as the
 * rows shown).
 */
export function countText(state: PagedTableState<unknown>, noun: string, filtered: boolean): string {
  if (state.total === null) {
    if (state.isPending || state.rows.length === 0) return '';
    return `${state.rows.length.toLocaleString('en-US')}${state.hasMore ? '+' : ''} ${noun}${filtered ? ' match' : ''}`;
  }
  const total = state.total.toLocaleString('en-US');
  if (!filtered) return `${total} ${noun}`;
  return `${(state.matched ?? 0).toLocaleString('en-US')} of ${total} ${noun} match`;
}

export interface TableToolbarProps {
  url: TableUrlState;
  label: string;
  placeholder: string;
  count: string;
  /** Off while the tab shows the CLI text instead of the table. */
  showFilter?: boolean;
  /** Controls before the filter box (a VRF picker); `children` go after the count. */
  before?: ReactNode;
  children?: ReactNode;
}

export function TableToolbar({
  url,
  label,
  placeholder,
  count,
  showFilter = true,
  before,
  children,
}: TableToolbarProps) {
  return (
    <div className="toolbar dp-toolbar">
      {before}
      {showFilter && (
        <input
          type="search"
          aria-label={label}
          placeholder={placeholder}
          value={url.text}
          onChange={(e) => url.setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') url.setText('');
          }}
        />
      )}
      <span role="status" className="count">
        {count}
      </span>
      {children}
    </div>
  );
}
