// The in-process KubeClient pages a list as the API server does: every page of one list is the
// same snapshot at the first page's resourceVersion, even when the cluster changes between pages
// (each page is its own event-loop turn), and a watch from that version replays what changed.

import { describe, expect, it } from 'vitest';
import { RESOURCE_BY_KIND } from '@model/kubernetes/resources.ts';
import type { KubeObject } from '@model/kubernetes/types.ts';
import { Cluster } from '@server/cluster/cluster.ts';
import type { RawWatchEvent } from '@server/kube-manager/kube-client.ts';
import { inProcessClient } from './in-process.ts';

const service = (name: string) => `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: shop}
spec: {ports: [{port: 80}]}
`;

describe('in-process KubeClient', () => {
  it('pages one snapshot, and a watch from its version sees what changed meanwhile', async () => {
    const cluster = new Cluster();
    cluster.applyManifest(
      [
        'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n',
        ...['a', 'b', 'c', 'd'].map(service),
      ].join('---\n'),
    );
    const client = inProcessClient(cluster);
    const services = RESOURCE_BY_KIND.get('Service')!;
    const first = await client.list(services, { limit: 2 });
    expect(first.items.map((o) => (o as KubeObject).metadata.name)).toEqual(['a', 'b']);
    // Between the pages: one listed Service goes, one not yet listed changes, one is added.
    cluster.delete('Service', 'shop', 'a');
    cluster.applyManifest(service('e'));
    const second = await client.list(services, { limit: 2, continueToken: first.continueToken! });
    expect(second.items.map((o) => (o as KubeObject).metadata.name)).toEqual(['c', 'd']);
    expect(second.continueToken).toBeUndefined();
    expect(second.resourceVersion).toBe(first.resourceVersion);
    expect(Number(first.resourceVersion)).toBeLessThan(cluster.resourceVersion);

    const events: RawWatchEvent[] = [];
    const handle = client.watch(
      services,
      { resourceVersion: first.resourceVersion, allowWatchBookmarks: false },
      (e) => events.push(e),
      () => undefined,
    );
    expect(events.map((e) => [e.type, (e.object as KubeObject).metadata.name])).toEqual([
      ['DELETED', 'a'],
      ['ADDED', 'e'],
    ]);
    handle.stop();
    // A new list starts from the cluster as it is now.
    const fresh = await client.list(services, { limit: 10 });
    expect(fresh.items.map((o) => (o as KubeObject).metadata.name)).toEqual(['b', 'c', 'd', 'e']);
    expect(fresh.resourceVersion).toBe(String(cluster.resourceVersion));
  });
});
