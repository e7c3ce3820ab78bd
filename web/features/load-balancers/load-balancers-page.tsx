// The default route: every load balancer in a virtualized treegrid, filterable, refreshable, with
// the first page painted at once and the rest streamed in behind it.

import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { explorerQueries } from '@web/api/explorer.ts';
import { ErrorState, LoadingState } from '@web/components/error-state.tsx';
import { indexLoadBalancers } from './filter-rows.ts';
import { LoadBalancerTree } from './load-balancer-tree.tsx';
import type { TreeNode } from './tree-model.ts';
import { useTreeUrlState } from './tree-url-state.ts';

/** The URL follows the filter box after typing pauses, so keystrokes never wait on navigation. */
const FILTER_URL_DELAY_MS = 300;

export function LoadBalancersPage() {
  const { params, setParam } = useTreeUrlState();
  const [filter, setFilter] = useState(() => params.get('q') ?? '');
  const deferredFilter = useDeferredValue(filter);
  const filterRef = useRef<HTMLInputElement>(null);
  const queryClient = useQueryClient();
  const query = useInfiniteQuery(explorerQueries.loadBalancers());
  const { hasNextPage, isFetchingNextPage, isError, fetchNextPage } = query;

  // Keyed on the page count too: a page can land before React renders the fetching state, so
  // the flags alone may look unchanged between two commits.
  const pageCount = query.data?.pages.length ?? 0;
  useEffect(() => {
    if (!(pageCount > 0 && hasNextPage && !isFetchingNextPage && !isError)) return;
    // The next page is asked for once this commit has painted: a 1000-row page costs the server
    // and the parser far more than the rows on screen, and must not hold back their first paint.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => void fetchNextPage(), 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [hasNextPage, isFetchingNextPage, isError, fetchNextPage, pageCount]);

  useEffect(() => {
    const timer = setTimeout(() => {
      if ((params.get('q') ?? '') !== filter) setParam('q', filter);
    }, FILTER_URL_DELAY_MS);
    return () => clearTimeout(timer);
  }, [filter, params, setParam]);

  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
      const target = e.target as HTMLElement | null;
      if (target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)))
        return;
      e.preventDefault();
      filterRef.current?.focus();
      filterRef.current?.select();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const pages = query.data?.pages;
  const all = useMemo(() => pages?.flatMap((p) => p.loadbalancers) ?? [], [pages]);
  const total = pages?.[pages.length - 1]?.total ?? 0;
  const searchIndex = useMemo(() => indexLoadBalancers(all), [all]);
  const visible = useMemo(() => searchIndex.apply(deferredFilter), [searchIndex, deferredFilter]);
  const roots = useMemo<TreeNode[]>(() => visible.map((row) => ({ kind: 'loadbalancer', row })), [visible]);

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: explorerQueries.all() });
    void queryClient.invalidateQueries({ queryKey: ['config'] });
  };

  return (
    <div className="page page-lbs" data-filter={deferredFilter}>
      <div className="page-head">
        <h1>Load balancers</h1>
        <div className="toolbar">
          <input
            ref={filterRef}
            type="search"
            aria-label="Filter load balancers"
            placeholder="Filter by name, namespace, VIP or uuid   ( / )"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setFilter('');
            }}
          />
          <button type="button" onClick={refresh} disabled={query.isFetching && !query.isFetchingNextPage}>
            Refresh
          </button>
          <span role="status" className="count">
            {query.isSuccess &&
              (deferredFilter.trim()
                ? `${visible.length} of ${all.length} load balancers match`
                : `${all.length} load balancers`) +
                (hasNextPage ? ` (loading ${total - all.length} more…)` : '')}
          </span>
        </div>
      </div>
      {query.isPending ? (
        <LoadingState what="load balancers" />
      ) : query.isError && all.length === 0 ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : all.length === 0 ? (
        <div role="status" className="state state-empty">
          No load balancers found. The config API has no <code>loadbalancer</code> objects yet: create a
          Kubernetes Service or POST one to <code>/loadbalancers</code>.
        </div>
      ) : (
        <>
          {query.isError && <ErrorState error={query.error} onRetry={() => void query.fetchNextPage()} />}
          {visible.length === 0 ? (
            <div role="status" className="state state-empty">
              No load balancers match “{deferredFilter}”.
            </div>
          ) : (
            <LoadBalancerTree label="Load balancers" roots={roots} columns="loadbalancers" />
          )}
        </>
      )}
    </div>
  );
}
