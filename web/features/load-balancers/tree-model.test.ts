import { describe, expect, it } from 'vitest';
import { buildFixtures } from '@web/testing/fixtures.ts';
import { buildRootRows, flattenTree, spliceExpanded, type LevelState, type TreeNode } from './tree-model.ts';

const fx = buildFixtures();
const roots: TreeNode[] = fx.loadBalancers.map((row) => ({ kind: 'loadbalancer', row }));
const lb = fx.loadBalancers[1]!;
const listeners = fx.listenersByLb.get(lb.uuid)!;

describe('flattenTree', () => {
  it('lists roots only when nothing is expanded', () => {
    const rows = flattenTree(roots, new Set(), new Map());
    expect(rows.map((r) => r.type)).toEqual(['node', 'node']);
    expect(rows[0]).toMatchObject({
      level: 1,
      posinset: 1,
      setsize: 2,
      isExpanded: false,
      parentIndex: null,
    });
  });

  it('puts a detail row and the children under an expanded node, and a status row while loading', () => {
    const loading = flattenTree(roots, new Set([lb.uuid]), new Map());
    expect(loading.map((r) => `${r.type}:${r.level}`)).toEqual(['node:1', 'node:1', 'detail:2', 'status:2']);
    const levels = new Map<string, LevelState>([
      [lb.uuid, { status: 'ready', nodes: listeners.map((row) => ({ kind: 'listener', row })) }],
    ]);
    const ready = flattenTree(roots, new Set([lb.uuid]), levels);
    expect(ready.map((r) => `${r.type}:${r.level}`)).toEqual(['node:1', 'node:1', 'detail:2', 'node:2']);
    expect(ready[3]).toMatchObject({ parentIndex: 1, posinset: 1, setsize: 1 });
  });

  it('says a ready level is empty', () => {
    const rows = flattenTree(roots, new Set([lb.uuid]), new Map([[lb.uuid, { status: 'ready', nodes: [] }]]));
    expect(rows[3]).toMatchObject({ type: 'status', state: { status: 'empty', kind: 'listener' } });
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
  const expanded = new Set([...expandedLbs, listener.uuid, 'not-a-visible-uuid']);
  const levels = new Map<string, LevelState>([
    [expandedLbs[1]!, { status: 'ready', nodes: listeners.map((row) => ({ kind: 'listener', row })) }],
    [expandedLbs[2]!, { status: 'ready', nodes: [] }],
    [listener.uuid, { status: 'ready', nodes: pools.map((row) => ({ kind: 'pool', row })) }],
  ]);

  it('gives exactly the rows, keys and parent indexes of the full flattening', () => {
    const flat = flattenTree(many, expanded, levels);
    const rows = spliceExpanded(buildRootRows(many), expanded, levels);
    expect(rows.length).toBe(flat.length);
    expect(flat.length).toBeGreaterThan(many.length + 8);
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
    const rows = spliceExpanded(rootRows, new Set([many[3]!.row.uuid]), new Map());
    expect(rows.at(0)).toBe(rootRows.rows[0]);
    expect(rows.at(3)).toMatchObject({ isExpanded: true, key: rootRows.rows[3]!.key });
    expect(rows.at(4)).toMatchObject({ type: 'detail' });
    expect(rows.at(6)).toBe(rootRows.rows[4]);
  });
});
