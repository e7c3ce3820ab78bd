// The treegrid's rows: load balancers → listeners → pools → members, flattened for the virtualizer
// with a detail row under every expanded node and a status row for a level still loading or failed.
// Pure: the children of each expanded node are looked up in a map the caller fills from queries.

import type { ListenerRow, LoadBalancerRow, MemberRow, PoolRow } from '@web/api/explorer.ts';

export type TreeNode =
  | { kind: 'loadbalancer'; row: LoadBalancerRow }
  | { kind: 'listener'; row: ListenerRow }
  | { kind: 'pool'; row: PoolRow }
  | { kind: 'member'; row: MemberRow };

export type NodeKind = TreeNode['kind'];

export const CONFIG_TYPE: Readonly<Record<NodeKind, string>> = {
  loadbalancer: 'loadbalancer',
  listener: 'loadbalancer-listener',
  pool: 'loadbalancer-pool',
  member: 'loadbalancer-member',
};

export const PAGE_PATH: Readonly<Record<NodeKind, string>> = {
  loadbalancer: 'loadbalancers',
  listener: 'listeners',
  pool: 'pools',
  member: 'members',
};

/** The kind of the level below each kind; members are leaves. */
export const CHILD_KIND: Readonly<Record<NodeKind, NodeKind | null>> = {
  loadbalancer: 'listener',
  listener: 'pool',
  pool: 'member',
  member: null,
};

export type LevelState =
  | { status: 'loading' }
  | { status: 'error'; error: unknown; retry: () => void }
  | { status: 'ready'; nodes: TreeNode[] };

export type FlatRow =
  | {
      type: 'node';
      key: string;
      node: TreeNode;
      level: number;
      isExpanded: boolean;
      posinset: number;
      setsize: number;
      parentIndex: number | null;
    }
  | { type: 'detail'; key: string; node: TreeNode; level: number }
  | {
      type: 'status';
      key: string;
      level: number;
      state: Exclude<LevelState, { status: 'ready' }> | { status: 'empty'; kind: NodeKind };
    };

export function nodeName(node: TreeNode): string {
  return node.row.displayName;
}

/** Depth-first rows of the visible tree; `levels` maps an expanded node's uuid to its children. */
export function flattenTree(
  roots: readonly TreeNode[],
  expanded: ReadonlySet<string>,
  levels: ReadonlyMap<string, LevelState>,
  firstLevel = 1,
): FlatRow[] {
  const out: FlatRow[] = [];
  const visit = (nodes: readonly TreeNode[], level: number, parentIndex: number | null) => {
    nodes.forEach((node, i) => {
      const uuid = node.row.uuid;
      const isExpanded = expanded.has(uuid);
      const index = out.length;
      out.push({
        type: 'node',
        key: `${node.kind}:${uuid}:${parentIndex ?? 'root'}`,
        node,
        level,
        isExpanded,
        posinset: i + 1,
        setsize: nodes.length,
        parentIndex,
      });
      if (!isExpanded) return;
      out.push({ type: 'detail', key: `detail:${uuid}:${index}`, node, level: level + 1 });
      const childKind = CHILD_KIND[node.kind];
      if (!childKind) return;
      const state = levels.get(uuid) ?? { status: 'loading' as const };
      if (state.status === 'ready') {
        if (state.nodes.length === 0)
          out.push({
            type: 'status',
            key: `empty:${uuid}:${index}`,
            level: level + 1,
            state: { status: 'empty', kind: childKind },
          });
        else visit(state.nodes, level + 1, index);
      } else {
        out.push({ type: 'status', key: `${state.status}:${uuid}:${index}`, level: level + 1, state });
      }
    });
  };
  visit(roots, firstLevel, null);
  return out;
}
