// A KubeClient served straight from the embedded cluster, without sockets: the same list pages,
// resourceVersions, watch replay from a version (410 when too old) and change order as the HTTP
// API, delivered synchronously. For unit tests and benchmarks of kube-manager; the running
// simulation connects kube-manager over loopback HTTP instead.

import type { ApiResource } from '@model/kubernetes/resources.ts';
import type { KubeObject } from '@model/kubernetes/types.ts';
import type { KubeClient, RawWatchEvent } from '../kube-manager/kube-client.ts';
import type { Cluster } from '../cluster/cluster.ts';

const keyOf = (o: KubeObject) =>
  o.metadata.namespace === undefined ? o.metadata.name : `${o.metadata.namespace}/${o.metadata.name}`;

export function inProcessClient(cluster: Cluster): KubeClient {
  // One sorted snapshot per kind and resourceVersion, so paging a 10k list sorts it once.
  let snapshot: { kind: string; version: number; items: KubeObject[] } | undefined;
  const sorted = (resource: ApiResource) => {
    if (!snapshot || snapshot.kind !== resource.kind || snapshot.version !== cluster.resourceVersion)
      snapshot = {
        kind: resource.kind,
        version: cluster.resourceVersion,
        items: cluster.list(resource.kind),
      };
    return snapshot.items;
  };
  return {
    description: 'the embedded cluster (in process)',
    async list(resource: ApiResource, page) {
      const all = sorted(resource);
      const start = page.continueToken ? all.findIndex((o) => keyOf(o) > page.continueToken!) : 0;
      const from = start < 0 ? all.length : start;
      const items = all.slice(from, from + page.limit);
      const more = from + page.limit < all.length;
      return {
        items,
        resourceVersion: String(cluster.resourceVersion),
        continueToken: more ? keyOf(items[items.length - 1]!) : undefined,
      };
    },
    watch(resource, opts, onEvent, onClose) {
      let stopped = false;
      const since = Number(opts.resourceVersion || cluster.resourceVersion);
      const replay = cluster.eventsSince(since);
      if (!replay) {
        onEvent({
          type: 'ERROR',
          object: {
            kind: 'Status',
            code: 410,
            reason: 'Expired',
            message: `too old resource version: ${since} (${cluster.oldestResourceVersion})`,
          },
        });
        onClose();
        return { stop: () => undefined };
      }
      const deliver = (event: RawWatchEvent) => {
        if (!stopped) onEvent(event);
      };
      for (const e of replay)
        if (e.object.kind === resource.kind) deliver({ type: e.type, object: e.object });
      const unsubscribe = cluster.subscribe((e) => {
        if (e.object.kind === resource.kind) deliver({ type: e.type, object: e.object });
      });
      return {
        stop: () => {
          stopped = true;
          unsubscribe();
        },
      };
    },
    setServiceIngress(namespace, name, ips) {
      cluster.setServiceLoadBalancerIngress(namespace, name, ips);
    },
  };
}
