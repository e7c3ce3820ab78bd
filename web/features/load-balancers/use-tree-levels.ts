// Loads the children of every expanded node (one explorer request per level) and exposes them as
// the LevelState map flattenTree reads.

import { useQueries } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import { explorerQueries } from '@web/api/explorer.ts';
import type { LevelState, TreeNode } from './tree-model.ts';
import type { ExpandedEntry } from './tree-url-state.ts';

function levelQuery(entry: ExpandedEntry) {
  switch (entry.kind) {
    case 'loadbalancer':
      return explorerQueries.listeners(entry.uuid);
    case 'listener':
      return explorerQueries.pools(entry.uuid);
    default:
      return explorerQueries.members(entry.uuid);
  }
}

function toNodes(entry: ExpandedEntry, data: unknown): TreeNode[] {
  switch (entry.kind) {
    case 'loadbalancer':
      return (data as TreeNode['row'][]).map((row) => ({ kind: 'listener', row }) as TreeNode);
    case 'listener':
      return (data as TreeNode['row'][]).map((row) => ({ kind: 'pool', row }) as TreeNode);
    default:
      return (data as TreeNode['row'][]).map((row) => ({ kind: 'member', row }) as TreeNode);
  }
}

export function useTreeLevels(entries: readonly ExpandedEntry[]): ReadonlyMap<string, LevelState> {
  const withChildren = useMemo(() => entries.filter((e) => e.kind !== 'member'), [entries]);
  const combine = useCallback(
    (results: { data?: unknown; isError: boolean; error: unknown; refetch: () => Promise<unknown> }[]) => {
      const map = new Map<string, LevelState>();
      results.forEach((result, i) => {
        const entry = withChildren[i]!;
        if (result.data !== undefined)
          map.set(entry.uuid, { status: 'ready', nodes: toNodes(entry, result.data) });
        else if (result.isError)
          map.set(entry.uuid, { status: 'error', error: result.error, retry: () => void result.refetch() });
        else map.set(entry.uuid, { status: 'loading' });
      });
      return map;
    },
    [withChildren],
  );
  return useQueries({ queries: withChildren.map((entry) => levelQuery(entry)), combine });
}
