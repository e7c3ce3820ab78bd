import { describe, expect, it } from 'vitest';
import type { Namespace } from '@model/kubernetes/types.ts';
import { ObjectStore, type WatchEvent } from './object-store.ts';

const ns = (name: string): Namespace => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, uid: `uid-${name}`, resourceVersion: '0', creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: {},
  status: { phase: 'Active' },
});

describe('ObjectStore', () => {
  it('stamps each change with the next resourceVersion and feeds it to listeners', () => {
    const store = new ObjectStore();
    const seen: WatchEvent[] = [];
    store.subscribe((e) => seen.push(e));
    const a = store.put(ns('a'));
    const a2 = store.put({ ...a, metadata: { ...a.metadata, labels: { x: 'y' } } });
    const gone = store.remove('Namespace', undefined, 'a')!;
    expect([a, a2, gone].map((o) => o.metadata.resourceVersion)).toEqual(['1', '2', '3']);
    expect(seen.map((e) => [e.type, e.resourceVersion])).toEqual([
      ['ADDED', 1],
      ['MODIFIED', 2],
      ['DELETED', 3],
    ]);
    expect(store.get('Namespace', undefined, 'a')).toBeUndefined();
  });

  it('replays the changes after a resourceVersion, and refuses one older than its window', () => {
    const store = new ObjectStore({ historyLimit: 3 });
    for (const name of ['a', 'b', 'c', 'd', 'e']) store.put(ns(name));
    expect(store.eventsSince(3)!.map((e) => e.object.metadata.name)).toEqual(['d', 'e']);
    expect(store.eventsSince(2)!.map((e) => e.resourceVersion)).toEqual([3, 4, 5]);
    expect(store.eventsSince(1)).toBeUndefined();
    expect(store.eventsSince(5)).toEqual([]);
  });

  it('is rebuilt from its snapshot with the same objects and counter', () => {
    const store = new ObjectStore();
    store.put(ns('a'));
    store.put(ns('b'));
    const copy = ObjectStore.restore(store.snapshot());
    expect(copy.resourceVersion).toBe(2);
    expect(copy.get('Namespace', undefined, 'b')!.metadata.resourceVersion).toBe('2');
    expect(copy.put(ns('c')).metadata.resourceVersion).toBe('3');
    // Nothing before the restore can be replayed.
    expect(copy.eventsSince(1)).toBeUndefined();
    expect(copy.eventsSince(2)!.map((e) => e.object.metadata.name)).toEqual(['c']);
  });
});
