// A KubeClient served straight from the embedded cluster, without sockets: the same list pages,
// resourceVersions, watch replay from a version (410 when too old) and change order as the HTTP
// API; watch events delivered synchronously, each list page in its own turn of the event loop as
// over a socket. For unit tests and benchmarks of kube-manager; the running
// simulation connects kube-manager over loopback HTTP instead.

import type { ApiResource } from '@model/kubernetes/resources.ts';
import type { KubeObject } from '@model/kubernetes/types.ts';
import type { KubeClient, RawWatchEvent } from '../kube-manager/kube-client.ts';
import type { Cluster } from '../cluster/cluster.ts';

const keyOf = (o: KubeObject) =>
  o.metadata.namespace === undefined ? o.metadata.name : `${o.metadata.namespace}/${o.metadata.name}`;

/** First index whose key sorts after `token` (keys are sorted). */
function indexAfter(keys: readonly string[], token: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! <= token) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function inProcessClient(cluster: Cluster): KubeClient {
  // One sorted snapshot per kind, taken by a list's first page and read by its continue pages
  // (the informers of several kinds page through their lists at the same time). The pages of one
  // list are one snapshot at one resourceVersion, as the API server serves them, so a watch from
  // that version misses nothing that changed while the list was paged.
  const snapshots = new Map<string, { version: number; items: KubeObject[]; keys: string[] }>();
  const snapshot = (resource: ApiResource, first: boolean) => {
    let taken = snapshots.get(resource.kind);
    if (!taken || (first && taken.version !== cluster.resourceVersion)) {
      const items = cluster.list(resource.kind);
      taken = { version: cluster.resourceVersion, items, keys: items.map(keyOf) };
      snapshots.set(resource.kind, taken);
    }
    return taken;
  };
  return {
    description: 'the embedded cluster (in process)',
    async list(resource: ApiResource, page) {
      // Each page is its own turn of the event loop, as each is its own request over HTTP.
      await new Promise((resolve) => setImmediate(resolve));
      const { items: all, keys, version } = snapshot(resource, !page.continueToken);
      const from = page.continueToken ? indexAfter(keys, page.continueToken) : 0;
      const items = all.slice(from, from + page.limit);
      const more = from + page.limit < all.length;
      return {
        items,
        resourceVersion: String(version),
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
