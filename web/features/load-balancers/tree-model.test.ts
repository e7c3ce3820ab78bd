import { describe, expect, it } from 'vitest';
import { buildFixtures } from '@web/testing/fixtures.ts';
import { buildRootRows, flattenTree, spliceExpanded, type LevelState, type TreeNode } from './tree-model.ts';

const fx = buildFixtures();
const none = new Set<string>();
const opened = (expanded: string[], details: string[] = []) => ({
  expanded: new Set(expanded),
  details: new Set(details),
});
const roots: TreeNode[] = fx.loadBalancers.map((row) => ({ kind: 'loadbalancer', row }));
const lb = fx.loadBalancers[1]!;
const listeners = fx.listenersByLb.get(lb.uuid)!;

describe('flattenTree', () => {
  it('lists roots only when nothing is expanded', () => {
    const rows = flattenTree(roots, { expanded: none, details: none }, new Map());
    expect(rows.map((r) => r.type)).toEqual(['node', 'node']);
    expect(rows[0]).toMatchObject({
      level: 1,
      posinset: 1,
      setsize: 2,
      isExpanded: false,
      parentIndex: null,
    });
  });

  it('puts only the children under an expanded node, and a status row while they load', () => {
    const loading = flattenTree(roots, opened([lb.uuid]), new Map());
    expect(loading.map((r) => `${r.type}:${r.level}`)).toEqual(['node:1', 'node:1', 'status:2']);
    const levels = new Map<string, LevelState>([
      [lb.uuid, { status: 'ready', nodes: listeners.map((row) => ({ kind: 'listener', row })) }],
    ]);
    const ready = flattenTree(roots, opened([lb.uuid]), levels);
    expect(ready.map((r) => `${r.type}:${r.level}`)).toEqual(['node:1', 'node:1', 'node:2']);
    expect(ready[2]).toMatchObject({ parentIndex: 1, posinset: 1, setsize: 1, hasChildren: true });
  });

  it('opens details on demand, between the node and its children', () => {
    const levels = new Map<string, LevelState>([
      [lb.uuid, { status: 'ready', nodes: listeners.map((row) => ({ kind: 'listener', row })) }],
    ]);
    const rows = flattenTree(roots, opened([lb.uuid], [lb.uuid]), levels);
    expect(rows.map((r) => `${r.type}:${r.level}`)).toEqual(['node:1', 'node:1', 'detail:2', 'node:2']);
    expect(rows[1]).toMatchObject({ isExpanded: true, hasDetails: true });
    expect(rows[2]).toMatchObject({ nodeIndex: 1 });
    // Details without expanding: no children, no status row.
    const detailsOnly = flattenTree(roots, opened([], [lb.uuid]), levels);
    expect(detailsOnly.map((r) => r.type)).toEqual(['node', 'node', 'detail']);
  });

  it('treats members as leaves: never expanded, no status row', () => {
    const pool = fx.poolsByListener.get(listeners[0]!.uuid)![0]!;
    const member = fx.membersByPool.get(pool.uuid)![0]!;
    const rows = flattenTree([{ kind: 'member', row: member }], opened([member.uuid]), new Map());
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ hasChildren: false, isExpanded: false });
  });

  it('says a ready level is empty', () => {
    const rows = flattenTree(roots, opened([lb.uuid]), new Map([[lb.uuid, { status: 'ready', nodes: [] }]]));
    expect(rows[2]).toMatchObject({ type: 'status', state: { status: 'empty', kind: 'listener' } });
  });
});

describe('spliceExpanded', () => {
  // 50 roots cycling over the fixture LBs under distinct uuids, so many roots can be expanded.
  const many: TreeNode[] = Array.from({ length: 50 }, (_, i) => {
    const row = fx.loadBalancers[i % fx.loadBalancers.length]!;
    return {
      kind: 'loadbalancer',
      row: { ...row, uuid: `${row.uuid.slice(0, -4)}${String(i).padStart(4, '0')}` },
    };
  });
  const listener = listeners[0]!;
  const pools = fx.poolsByListener.get(listener.uuid)!;
  const expandedLbs = [many[0]!, many[7]!, many[8]!, many[49]!].map((n) => n.row.uuid);
  const open = opened(
    [...expandedLbs, listener.uuid, 'not-a-visible-uuid'],
    [many[3]!.row.uuid, listener.uuid, many[8]!.row.uuid],
  );
  const levels = new Map<string, LevelState>([
    [expandedLbs[1]!, { status: 'ready', nodes: listeners.map((row) => ({ kind: 'listener', row })) }],
    [expandedLbs[2]!, { status: 'ready', nodes: [] }],
    [listener.uuid, { status: 'ready', nodes: pools.map((row) => ({ kind: 'pool', row })) }],
  ]);

  it('gives exactly the rows, keys and parent indexes of the full flattening', () => {
    const flat = flattenTree(many, open, levels);
    const rows = spliceExpanded(buildRootRows(many), open, levels);
    expect(rows.length).toBe(flat.length);
    expect(flat.length).toBeGreaterThan(many.length + 6);
    flat.forEach((row, i) => {
      expect(rows.at(i)).toEqual(row);
      expect(rows.indexOfKey(row.key)).toBe(i);
    });
    expect(rows.at(flat.length)).toBeUndefined();
    expect(rows.at(-1)).toBeUndefined();
    expect(rows.indexOfKey('loadbalancer:nope:root')).toBe(-1);
  });

  it('reuses the collapsed root rows, so an expand allocates only its own subtree', () => {
    const rootRows = buildRootRows(many);
    const rows = spliceExpanded(rootRows, opened([many[3]!.row.uuid]), new Map());
    expect(rows.at(0)).toBe(rootRows.rows[0]);
    expect(rows.at(3)).toMatchObject({ isExpanded: true, key: rootRows.rows[3]!.key, posinset: 4 });
    expect(rows.at(4)).toMatchObject({ type: 'status' });
    expect(rows.at(5)).toBe(rootRows.rows[4]);
  });
});
