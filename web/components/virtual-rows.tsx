// The scrolling body of a virtualized grid: only the rows in view are in the DOM, each one
// absolutely positioned and measured. Knows nothing of what a row shows; callers own the header.

import type { VirtualItem, Virtualizer } from '@tanstack/react-virtual';
import type { HTMLAttributes, ReactNode, RefObject } from 'react';

export interface VirtualRowsProps {
  virtualizer: Virtualizer<HTMLDivElement, Element>;
  scrollRef: RefObject<HTMLDivElement | null>;
  /** Class of the scroll container. */
  className: string;
  /** Attributes of a row's positioned element; `virtual-row` is added to its class. */
  rowProps?: (item: VirtualItem) => HTMLAttributes<HTMLDivElement>;
  renderRow: (item: VirtualItem) => ReactNode;
  /** Rows with nothing focusable in them: the scroll container takes focus, so keys can scroll it. */
  isFocusable?: boolean;
}

export function VirtualRows({
  virtualizer,
  scrollRef,
  className,
  rowProps,
  renderRow,
  isFocusable = false,
}: VirtualRowsProps) {
  return (
    // The scroll container is the rowgroup (a table owns rowgroups only, and it may take focus);
    // the sizing div between it and the rows is presentational.
    <div
      ref={scrollRef}
      role="rowgroup"
      className={className}
      data-scroll-container=""
      tabIndex={isFocusable ? 0 : undefined}
    >
      <div role="none" className="treegrid-body" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const { className: rowClass, ...attributes } = rowProps?.(item) ?? {};
          return (
            <div
              key={item.key}
              {...attributes}
              className={rowClass ? `${rowClass} virtual-row` : 'virtual-row'}
              data-index={item.index}
              ref={virtualizer.measureElement}
              style={{ transform: `translateY(${item.start}px)` }}
            >
              {renderRow(item)}
            </div>
          );
        })}
      </div>
    </div>
  );
}
