// One server-paged table on screen: its pages as one infinite query, the rows flattened (a row met
// again on a later page, as flows move between refreshes, is shown once), the next page asked for
// as the view nears the end, and the pages in view — only those — asked again: when the compute's
// data changed (a config event refetches the compute list) and, for flows, on a timer that stops
// while the browser tab is hidden. The table is never fetched again as a whole.

import { useInfiniteQuery, useQuery, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { useCallback, useEffect, useEffectEvent, useMemo, useRef, useState } from 'react';
import type { Annotated, Page } from '@model/api/dataplane-views.ts';
import {
  dataplaneQueries,
  fetchTablePage,
  tableQueries,
  type TableFilters,
  type TableName,
  type TableRecord,
} from '@web/api/dataplane.ts';

export interface PagedRow<T> {
  key: string;
  row: Annotated<T>;
  /** The page it came from: the unit of refresh. */
  page: number;
}

export interface PagedTableState<T> {
  rows: PagedRow<T>[];
  total: number | null;
  matched: number | null;
  asOf: string | null;
  isPending: boolean;
  error: unknown;
  hasMore: boolean;
  isFetchingMore: boolean;
  fetchMore: () => void;
  retry: () => void;
  /** The table reports the rows in view (first and last index) so their pages can refresh. */
  onRangeChange: (first: number, last: number) => void;
}

export function flattenPages<T>(
  data: InfiniteData<Page<T>, unknown> | undefined,
  keyOf: (record: T) => string,
): PagedRow<T>[] {
  const seen = new Set<string>();
  const rows: PagedRow<T>[] = [];
  data?.pages.forEach((page, i) => {
    for (const row of page.items) {
      const key = keyOf(row.record);
      if (seen.has(key)) continue;
      seen.add(key);
      rows.push({ key, row, page: i });
    }
  });
  return rows;
}

/** Whether the browser shows this tab; a hidden tab refreshes nothing. */
function useDocumentVisible(): boolean {
  const [visible, setVisible] = useState(() => document.visibilityState !== 'hidden');
  useEffect(() => {
    const onChange = () => setVisible(document.visibilityState !== 'hidden');
    document.addEventListener('visibilitychange', onChange);
    return () => document.removeEventListener('visibilitychange', onChange);
  }, []);
  return visible;
}

export interface PagedTableOptions<T> {
  keyOf: (record: T) => string;
  /** Refresh the pages in view this often while the tab is visible (flows); else only on changes. */
  refreshEveryMs?: number;
  enabled?: boolean;
}

export function usePagedTable<K extends TableName>(
  table: K,
  node: string,
  filters: TableFilters[K],
  { keyOf, refreshEveryMs, enabled = true }: PagedTableOptions<TableRecord[K]>,
): PagedTableState<TableRecord[K]> {
  const queryClient = useQueryClient();
  const options = tableQueries.pages(table, node, filters);
  const query = useInfiniteQuery({
    ...options,
    enabled,
    // Another filter or order keeps the rows on screen until its first page answers (the same
    // table on the same compute only: another compute's rows are not a placeholder for this one's).
    placeholderData: (previous, previousQuery) =>
      previousQuery?.queryKey[1] === node && previousQuery.queryKey[2] === table ? previous : undefined,
  });
  const rows = useMemo(() => flattenPages(query.data, keyOf), [query.data, keyOf]);
  const [pagesInView, setPagesInView] = useState<readonly number[]>([0]);
  const visible = useDocumentVisible();
  const { queryKey } = options;

  const onRangeChange = useCallback(
    (first: number, last: number) => {
      const pages = new Set<number>();
      for (let i = Math.max(0, first); i <= last && i < rows.length; i++) pages.add(rows[i]!.page);
      const next = pages.size > 0 ? [...pages].sort((a, b) => a - b) : [0];
      setPagesInView((prev) => (prev.join() === next.join() ? prev : next));
    },
    [rows],
  );

  /** Asks the pages in view again and puts each answer in its page's place. */
  const refresh = useEffectEvent(async () => {
    type Data = InfiniteData<Page<TableRecord[K]>, string | null>;
    const data = queryClient.getQueryData<Data>(queryKey);
    if (!data) return;
    for (const i of pagesInView) {
      const param = data.pageParams[i];
      if (param === undefined) continue;
      let fresh: Page<TableRecord[K]>;
      try {
        fresh = await fetchTablePage(table, node, filters, param);
      } catch {
        // The page stays as it was; a lost connection is said once, by the page's banner.
        return;
      }
      queryClient.setQueryData<Data>(queryKey, (old) =>
        old && old.pageParams[i] === param
          ? { ...old, pages: old.pages.map((p, j) => (j === i ? fresh : p)) }
          : old,
      );
    }
  });

  // The compute list is refetched on every config event: the rows in view may have changed since
  // they were read — while this table was on screen, or while another tab was (the pages stay in
  // the cache, so coming back to a table shows them at once, then refreshes them if they are older).
  const changedAt = useQuery({ ...dataplaneQueries.vrouters(), enabled }).dataUpdatedAt;
  const isLoaded = query.isSuccess && !query.isPlaceholderData;
  const readAt = query.dataUpdatedAt;
  const refreshedFor = useRef(0);
  useEffect(() => {
    if (!isLoaded || changedAt <= readAt || changedAt === refreshedFor.current) return;
    refreshedFor.current = changedAt;
    void refresh();
  }, [changedAt, isLoaded, readAt]);
  // Pages from the cache (a table shown again) are shown at once and asked again once: a compute
  // reprograms after the config change that caused it, so they may be older than any event says.
  const [mountedAt] = useState(() => Date.now());
  const fromCache = isLoaded && readAt < mountedAt;
  const refreshedOnMount = useRef(false);
  useEffect(() => {
    if (!fromCache || refreshedOnMount.current) return;
    refreshedOnMount.current = true;
    void refresh();
  }, [fromCache]);

  // Flows: on a timer while the tab is visible, and at once when it shows again.
  const periodic = refreshEveryMs !== undefined && visible && enabled && isLoaded;
  useEffect(() => {
    if (!periodic || refreshEveryMs === undefined) return;
    const timer = setInterval(() => void refresh(), refreshEveryMs);
    return () => clearInterval(timer);
  }, [periodic, refreshEveryMs]);
  const wasVisible = useRef(visible);
  useEffect(() => {
    if (visible && !wasVisible.current && periodic) void refresh();
    wasVisible.current = visible;
  }, [visible, periodic]);

  const last = query.data?.pages.at(-1);
  return {
    rows,
    total: last?.total ?? null,
    matched: last?.matched ?? null,
    asOf: last?.asOf ?? null,
    isPending: query.isPending,
    error: query.error,
    hasMore: query.hasNextPage,
    isFetchingMore: query.isFetchingNextPage,
    fetchMore: () => {
      if (query.hasNextPage && !query.isFetchingNextPage) void query.fetchNextPage();
    },
    retry: () => void query.refetch(),
    onRangeChange,
  };
}
