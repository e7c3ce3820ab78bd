// The treegrid's rows: load balancers → listeners → pools → members, flattened for the virtualizer.
// Expanding a node shows its children (a status row while they load or if they failed); its
// details (the Basic / JSON panel) open only on demand, as a row of their own under it.
// Pure: the children of each expanded node are looked up in a map the caller fills from queries.

import type { ListenerRow, LoadBalancerRow, MemberRow, PoolRow } from '@model/explorer.ts';

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
      /** Has children to show (members are leaves); only such rows carry aria-expanded. */
      hasChildren: boolean;
      isExpanded: boolean;
      hasDetails: boolean;
      posinset: number;
      setsize: number;
      parentIndex: number | null;
    }
  /** `nodeIndex`: the grid index of the node row whose details these are. */
  | { type: 'detail'; key: string; node: TreeNode; level: number; nodeIndex: number }
  | {
      type: 'status';
      key: string;
      level: number;
      state: Exclude<LevelState, { status: 'ready' }> | { status: 'empty'; kind: NodeKind };
    };

/** What the tree shows open: expanded nodes (children) and nodes whose details are open. */
export interface OpenState {
  expanded: ReadonlySet<string>;
  details: ReadonlySet<string>;
}

/**
 * Depth-first rows of the visible tree; `levels` maps an expanded node's uuid to its children.
 * `firstIndex` is the position of the first row in the whole grid, so parentIndex stays global
 * when a subtree is spliced into a larger list.
 */
export function flattenTree(
  roots: readonly TreeNode[],
  open: OpenState,
  levels: ReadonlyMap<string, LevelState>,
  firstLevel = 1,
  firstIndex = 0,
): FlatRow[] {
  const out: FlatRow[] = [];
  const visit = (nodes: readonly TreeNode[], level: number, parentIndex: number | null) => {
    nodes.forEach((node, i) => {
      const uuid = node.row.uuid;
      const hasChildren = CHILD_KIND[node.kind] !== null;
      const isExpanded = hasChildren && open.expanded.has(uuid);
      const hasDetails = open.details.has(uuid);
      const index = firstIndex + out.length;
      out.push({
        type: 'node',
        key: nodeKey(node, parentIndex),
        node,
        level,
        hasChildren,
        isExpanded,
        hasDetails,
        posinset: i + 1,
        setsize: nodes.length,
        parentIndex,
      });
      if (hasDetails)
        out.push({
          type: 'detail',
          key: `detail:${uuid}:${index}`,
          node,
          level: level + 1,
          nodeIndex: index,
        });
      if (isExpanded) visitBelow(node, level, index);
    });
  };
  const visitBelow = (node: TreeNode, level: number, index: number) => {
    const uuid = node.row.uuid;
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
  };
  visit(roots, firstLevel, null);
  return out;
}

function nodeKey(node: TreeNode, parentIndex: number | null): string {
  return `${node.kind}:${node.row.uuid}:${parentIndex ?? 'root'}`;
}

/** The grid's rows by index, without materialising the collapsed roots of a 10k-row grid. */
export interface TreeRows {
  readonly length: number;
  at(index: number): FlatRow | undefined;
  indexOfKey(key: string): number;
}

/** The roots, collapsed: built once per root list (the filter), never on expand. */
export interface RootRows {
  rows: readonly Extract<FlatRow, { type: 'node' }>[];
  indexByUuid: ReadonlyMap<string, number>;
}

export function buildRootRows(roots: readonly TreeNode[], firstLevel = 1): RootRows {
  const indexByUuid = new Map<string, number>();
  const rows = roots.map((node, i) => {
    indexByUuid.set(node.row.uuid, i);
    return {
      type: 'node' as const,
      key: nodeKey(node, null),
      node,
      level: firstLevel,
      hasChildren: CHILD_KIND[node.kind] !== null,
      isExpanded: false,
      hasDetails: false,
      posinset: i + 1,
      setsize: roots.length,
      parentIndex: null,
    };
  });
  return { rows, indexByUuid };
}

interface Segment {
  /** Index of the expanded root among the roots. */
  rootIndex: number;
  /** Index of the expanded root's row in the grid. */
  start: number;
  /** The expanded root's row followed by everything beneath it. */
  rows: FlatRow[];
  /** Rows inserted by this segment and every earlier one. */
  insertedThrough: number;
}

/**
 * The visible tree as collapsed roots with the subtrees of expanded roots spliced in. Work is
 * proportional to the expanded subtrees (plus log(expanded) per lookup), not to the root count.
 */
export function spliceExpanded(
  roots: RootRows,
  open: OpenState,
  levels: ReadonlyMap<string, LevelState>,
): TreeRows {
  const openRoots = new Set<number>();
  for (const uuid of [...open.expanded, ...open.details]) {
    const at = roots.indexByUuid.get(uuid);
    if (at !== undefined) openRoots.add(at);
  }
  const expandedRoots = [...openRoots].sort((a, b) => a - b);
  const segments: Segment[] = [];
  const keyIndex = new Map<string, number>();
  let inserted = 0;
  for (const rootIndex of expandedRoots) {
    const root = roots.rows[rootIndex]!;
    const start = rootIndex + inserted;
    const [self, ...below] = flattenTree([root.node], open, levels, root.level, start);
    const rows: FlatRow[] = [
      { ...(self as typeof root), key: root.key, posinset: root.posinset, setsize: root.setsize },
      ...below,
    ];
    below.forEach((row, i) => keyIndex.set(row.key, start + 1 + i));
    inserted += below.length;
    segments.push({ rootIndex, start, rows, insertedThrough: inserted });
  }

  /** The last segment starting at or before grid index `index` (or root index, by `field`). */
  const segmentBefore = (value: number, field: 'start' | 'rootIndex'): Segment | undefined => {
    let lo = 0;
    let hi = segments.length - 1;
    let found: Segment | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const seg = segments[mid]!;
      if (seg[field] <= value) {
        found = seg;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };

  return {
    length: roots.rows.length + inserted,
    at(index) {
      if (index < 0 || index >= roots.rows.length + inserted) return undefined;
      const seg = segmentBefore(index, 'start');
      if (!seg) return roots.rows[index];
      if (index < seg.start + seg.rows.length) return seg.rows[index - seg.start];
      return roots.rows[index - seg.insertedThrough];
    },
    indexOfKey(key) {
      const below = keyIndex.get(key);
      if (below !== undefined) return below;
      const parts = key.split(':');
      const rootIndex = parts[2] === 'root' ? roots.indexByUuid.get(parts[1] ?? '') : undefined;
      if (rootIndex === undefined || roots.rows[rootIndex]?.key !== key) return -1;
      const seg = segmentBefore(rootIndex, 'rootIndex');
      return seg ? (seg.rootIndex === rootIndex ? seg.start : rootIndex + seg.insertedThrough) : rootIndex;
    },
  };
}
