import { describe, expect, it } from 'vitest';
import { buildFixtures } from '@web/testing/fixtures.ts';
import { flattenTree, type LevelState, type TreeNode } from './tree-model.ts';

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
